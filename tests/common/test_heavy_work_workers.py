"""The heavy-work limit holds across processes: gunicorn with two workers and
HEAVY_WORK_LIMIT=1, two exports at once from two clients: the second gets 429, and once the
first client goes away its slot is free again."""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import insert

from app.contacts.models import Contact
from app.extensions import db

from ..conftest import TEST_DATABASE_URL
from ..factories import DEFAULT_PASSWORD, make_user

ROOT = Path(__file__).resolve().parents[2]
#: About 9 MB of CSV: more than the kernel buffers between a worker and a client hold.
CONTACTS = 40_000


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def served(app, app_config, postgres_schema, tmp_path):
    """The test database with many contacts and a coordinator, served by gunicorn."""
    with app.app_context():
        email = make_user().email
        long_name = "Långnamn-" + "x" * 80
        db.session.execute(
            insert(Contact),
            [
                {"first_name": f"{n:06d}-{long_name}", "last_name": long_name, "sort_name": str(n)}
                for n in range(CONTACTS)
            ],
        )
        db.session.commit()
    url = app_config["SQLALCHEMY_DATABASE_URI"]
    if postgres_schema:
        url = f"{TEST_DATABASE_URL}?options=-csearch_path%3D{postgres_schema}"
    port = free_port()
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
        "DATABASE_URL": url,
        "SECRET_KEY": "workers-test",
        "SAMVERKAN_INSTANCE_PATH": str(tmp_path / "instance"),
        "SAMVERKAN_HEAVY_WORK_LIMIT": "1",
        "PYTHONPATH": str(ROOT),
    }
    log = open(tmp_path / "gunicorn.log", "wb")  # noqa: SIM115
    # Sync workers: the one busy with the slow export accepts nothing more, so the second
    # export is certainly served by the other process (a gthread worker with one thread
    # would accept it and queue it behind the first).
    command = [sys.executable, "-m", "gunicorn", "-k", "sync", "-w", "2"]
    command += ["-b", f"127.0.0.1:{port}", "wsgi:app"]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=2):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((tmp_path / "gunicorn.log").read_text()) from None
                time.sleep(0.2)
        yield base, email, port
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


def logged_in(base: str, email: str) -> tuple[urllib.request.OpenerDirector, str]:
    """An opener with a signed-in session, and its Cookie header."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/logga-in").read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode(
        {"email": email, "password": DEFAULT_PASSWORD, "csrf_token": token}
    ).encode()
    opener.open(base + "/logga-in", data=data).read()
    return opener, "; ".join(f"{c.name}={c.value}" for c in jar)


def slow_export(port: int, cookie: str) -> socket.socket:
    """Ask for the contact CSV and read only its first bytes: a slow client, so the export
    is still going on (the worker waits for the client to read)."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect(("127.0.0.1", port))
    sock.sendall(
        b"GET /kontakter/export.csv HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + f"Cookie: {cookie}\r\n\r\n".encode()
    )
    first = sock.recv(1024)
    assert first.startswith(b"HTTP/1.1 200"), first[:200]
    return sock


def status_of(opener: urllib.request.OpenerDirector, url: str) -> tuple[int, dict, bytes]:
    try:
        with opener.open(url, timeout=60) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_the_limit_holds_across_two_gunicorn_workers(served):
    base, email, port = served
    _first, cookie = logged_in(base, email)
    second, _ = logged_in(base, email)
    slow = slow_export(port, cookie)  # holds the only slot in one worker
    try:
        started = time.monotonic()
        status, headers, body = status_of(second, base + "/kontakter/export.csv")
        assert status == 429, body[:300]
        assert headers["Retry-After"] == "10"
        assert "Försök igen om en stund" in body.decode()
        assert time.monotonic() - started < 5  # refused at once, not queued
        # Pages other than exports are served meanwhile by the other worker.
        assert status_of(second, base + "/kontakter")[0] == 200
    finally:
        slow.close()  # the client goes away: the worker closes the response, the slot is freed
    deadline = time.monotonic() + 30
    while True:
        status, _headers, body = status_of(second, base + "/kontakter/export.csv")
        if status == 200 or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert status == 200
    assert body.decode("utf-8-sig").count("\n") == CONTACTS + 1
