"""The hostile walk's server: the app under gunicorn on 127.0.0.1, once per test run, on a
fresh SQLite file or (TEST_DATABASE_URL set) a fresh PostgreSQL schema, with production's
settings (CSRF on) and tests/hostile/world.py loaded. A client per role logs in through the
login form as a browser would."""

from __future__ import annotations

import http.client
import re
from collections.abc import Iterator
from http.cookies import SimpleCookie
from pathlib import Path

import pytest

from ..e2e.world import PASSWORD, USERS
from ..served import served_app

ROOT = Path(__file__).resolve().parents[2]
CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


class Client:
    """A tiny HTTP client on one keep-alive connection: sends paths exactly as given (bad
    percent-escapes included), never follows redirects, keeps the session cookie."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def request(
        self, method: str, path: str, body: bytes | None = None, content_type: str | None = None
    ) -> tuple[int, str]:
        headers = {"Host": f"127.0.0.1:{self.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = content_type or "application/x-www-form-urlencoded"
        for attempt in range(2):
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                text = response.read().decode("utf-8", "replace")
                break
            except (http.client.HTTPException, OSError):
                self.connection.close()
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                if attempt:
                    raise
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response.status, text

    def close(self) -> None:
        self.connection.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def csrf_token(self, path: str = "/logga-in") -> str:
        found = CSRF.search(self.request("GET", path)[1])
        assert found, f"no CSRF token on {path}"
        return found.group(1)

    def log_in(self, role: str) -> None:
        from urllib.parse import urlencode

        body = urlencode(
            {"email": USERS[role][0], "password": PASSWORD, "csrf_token": self.csrf_token()}
        ).encode()
        status, text = self.request("POST", "/logga-in", body)
        assert status == 302, text[:500]


@pytest.fixture(scope="session")
def hostile_server() -> Iterator[tuple[int, Path]]:
    """(port, log file) of the app under gunicorn with the hostile world loaded."""
    with served_app(
        world="tests.hostile.world",
        prefix="samverkan-hostile-",
        gunicorn=("--timeout", "120"),
        start_seconds=60,
    ) as served:
        yield served.port, served.log
