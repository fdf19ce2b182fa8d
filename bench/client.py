"""A small HTTP client for the benchmark: one connection per request, a cookie jar, login.

Each request opens its own connection (a browser would keep one open between clicks; on
127.0.0.1 connecting costs a few hundredths of a millisecond), so the time of a request is
connect to last byte and no request waits for another's connection. The standard library is
enough (http.client): nothing to install, and the same client times hello-world and the
app, so its own cost cancels out in the ratio.
"""

from __future__ import annotations

import html
import http.client
import re
import time
import uuid
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

#: Requests may wait this long for an answer (whole-period reports at large scales).
TIMEOUT = 900

CSRF_FIELD = re.compile(
    r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"|'
    r'<input[^>]*value="([^"]+)"[^>]*name="csrf_token"'
)


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes
    seconds: float

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def csrf_token(self) -> str:
        """The CSRF token of the first form on the page."""
        match = CSRF_FIELD.search(self.text)
        if match is None:
            raise RuntimeError("no csrf_token field on the page")
        return html.unescape(match.group(1) or match.group(2))

    def field(self, name: str) -> str:
        """The value of the hidden input called `name` (first on the page)."""
        pattern = rf'<input[^>]*name="{re.escape(name)}"[^>]*value="([^"]*)"'
        match = re.search(pattern, self.text)
        if match is None:
            raise RuntimeError(f"no {name} field on the page")
        return html.unescape(match.group(1))


class Client:
    """Talks to one server on 127.0.0.1, keeping the cookies it is given."""

    def __init__(self, port: int, cookies: dict[str, str] | None = None) -> None:
        self.port = port
        self.cookies: dict[str, str] = dict(cookies or {})

    def cookie_header(self) -> dict[str, str]:
        if not self.cookies:
            return {}
        return {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}

    def request(
        self,
        method: str,
        path: str,
        *,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        keep_cookies: bool = True,
    ) -> Response:
        """One request on a new connection; the time covers connect to last byte."""
        all_headers = {"Host": f"127.0.0.1:{self.port}", **self.cookie_header(), **(headers or {})}
        started = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT)
        try:
            connection.request(method, path, body=body, headers=all_headers)
            answer = connection.getresponse()
            data = answer.read()
        finally:
            connection.close()
        seconds = time.perf_counter() - started
        if keep_cookies:
            for value in answer.headers.get_all("Set-Cookie") or []:
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        return Response(answer.status, dict(answer.headers.items()), data, seconds)

    def get(self, path: str, *, follow: bool = False) -> Response:
        """GET `path`; with `follow`, follow redirects, timing the whole chain."""
        response = self.request("GET", path)
        total = response.seconds
        while follow and response.status in (301, 302, 303, 307, 308):
            response = self.request("GET", local_path(response.headers["Location"]))
            total += response.seconds
        response.seconds = total
        return response

    def post_form(self, path: str, fields: dict[str, str] | list[tuple[str, str]]) -> Response:
        body = urlencode(fields).encode()
        return self.request(
            "POST", path, body=body, headers={"Content-Type": "application/x-www-form-urlencoded"}
        )

    def post_file(
        self, path: str, fields: dict[str, str], *, name: str, filename: str, data: bytes
    ) -> Response:
        """A multipart/form-data POST with `fields` and one file."""
        boundary = f"bench{uuid.uuid4().hex}"
        parts = []
        for key, value in fields.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n'
                f"{value}\r\n".encode()
            )
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: text/csv\r\n\r\n'.encode()
            + data
            + b"\r\n"
        )
        parts.append(f"--{boundary}--\r\n".encode())
        return self.request(
            "POST",
            path,
            body=b"".join(parts),
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )

    def login(self, email: str, password: str) -> None:
        """Log in through the login form; raise unless the app lets us in."""
        form = self.get("/logga-in")
        response = self.post_form(
            "/logga-in",
            {"email": email, "password": password, "csrf_token": form.csrf_token()},
        )
        if response.status != 302:
            raise RuntimeError(f"login as {email} failed: HTTP {response.status}")


def local_path(location: str) -> str:
    """The path and query of a Location header (absolute or relative)."""
    parts = urlsplit(location)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def expect(response: Response, status: int, what: str) -> Response:
    """Raise with a useful message unless `response` has `status`."""
    if response.status != status:
        snippet = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.text))[:300]
        raise RuntimeError(f"{what}: HTTP {response.status}, expected {status}: {snippet}")
    return response
