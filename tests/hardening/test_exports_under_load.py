"""Many exports at once leave the other pages answering: gunicorn as configured for
production (gunicorn.conf.py's workers, threads and connections), the heavy-work limit N=2.
While N exports are under way, k more are refused at once with 429 and Retry-After, and
cheap pages are answered before the exports finish: a worker busy with an export takes no
new connection, so no page waits behind one."""

from __future__ import annotations

import http.client
import re
import runpy
import socket
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

import pytest

from ..factories import DEFAULT_PASSWORD
from ..served import ROOT, served_app
from .export_world import EMAIL

LIMIT = 2
EXTRA = 3  # k: exports asked for beyond the limit
PAGES = 12  # cheap page views while the exports run
TIMEOUT = 20  # seconds; an export held by its client lasts until the test lets it go


def production_workers() -> int:
    """gunicorn.conf.py's worker count under this test's environment."""
    import os

    saved = os.environ.get("SAMVERKAN_HEAVY_WORK_LIMIT")
    os.environ["SAMVERKAN_HEAVY_WORK_LIMIT"] = str(LIMIT)
    try:
        return runpy.run_path(str(ROOT / "gunicorn.conf.py"))["workers"]
    finally:
        if saved is None:
            del os.environ["SAMVERKAN_HEAVY_WORK_LIMIT"]
        else:
            os.environ["SAMVERKAN_HEAVY_WORK_LIMIT"] = saved


@pytest.fixture(scope="module")
def served():
    with served_app(
        world="tests.hardening.export_world",
        prefix="samverkan-exports-",
        env={"SAMVERKAN_HEAVY_WORK_LIMIT": str(LIMIT)},
        gunicorn=("-w", str(production_workers())),
        start_seconds=60,
    ) as running:
        yield running


def request(port: int, path: str, *, cookie: str = "", method: str = "GET", body: str = ""):
    """(status, headers, body) of one request on a new connection."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    try:
        headers = {"Cookie": cookie} if cookie else {}
        if body:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body or None, headers=headers)
        answer = connection.getresponse()
        return answer.status, answer.headers, answer.read()
    finally:
        connection.close()


def log_in(port: int) -> str:
    """A signed-in session's Cookie header."""
    status, headers, page = request(port, "/logga-in")
    cookie = "; ".join(c.split(";", 1)[0] for c in headers.get_all("Set-Cookie") or [])
    token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page).group(1).decode()
    body = urllib.parse.urlencode(
        {"email": EMAIL, "password": DEFAULT_PASSWORD, "csrf_token": token}
    )
    status, headers, _ = request(port, "/logga-in", cookie=cookie, method="POST", body=body)
    assert status == 302, status
    return "; ".join(c.split(";", 1)[0] for c in headers.get_all("Set-Cookie") or [])


def slow_export(port: int, cookie: str) -> socket.socket:
    """Ask for the contact CSV and read only its first bytes: the export goes on (its
    worker waits for the client) until the socket is closed."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.settimeout(TIMEOUT)
    sock.connect(("127.0.0.1", port))
    sock.sendall(
        b"GET /kontakter/export.csv HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + f"Cookie: {cookie}\r\n\r\n".encode()
    )
    first = sock.recv(1024)
    assert first.startswith(b"HTTP/1.1 200"), first[:300]
    return sock


def test_exports_beyond_the_limit_are_refused_and_pages_answer_meanwhile(served):
    port = served.port
    cookie = log_in(port)
    exports = [slow_export(port, cookie) for _ in range(LIMIT)]
    try:
        with ThreadPoolExecutor(max_workers=EXTRA + PAGES) as pool:
            refused = [pool.submit(request, port, "/kontakter/export.csv", cookie=cookie)
                       for _ in range(EXTRA)]  # fmt: skip
            pages = [
                pool.submit(request, port, "/kontakter/1", cookie=cookie) for _ in range(PAGES)
            ]
            pages += [pool.submit(request, port, "/healthz") for _ in range(PAGES)]
            refusals = [f.result(timeout=TIMEOUT) for f in refused]
            answers = [f.result(timeout=TIMEOUT) for f in pages]
        assert [status for status, _h, _b in refusals] == [429] * EXTRA
        assert all(headers["Retry-After"] for _s, headers, _b in refusals)
        assert all("Försök igen om en stund" in body.decode() for _s, _h, body in refusals)
        assert [status for status, _h, _b in answers] == [200] * (2 * PAGES)
        # Every page was answered while the exports were still under way: they still
        # hold both slots.
        assert request(port, "/kontakter/export.csv", cookie=cookie)[0] == 429
    finally:
        for sock in exports:
            sock.close()
    # With the exports gone, their slots are free again.
    deadline = time.monotonic() + 30
    while request(port, "/kontakter/export.csv?q=000001", cookie=cookie)[0] != 200:
        assert time.monotonic() < deadline
        time.sleep(0.5)
