"""Security headers on every response: each GET route of the URL map (as an admin, with
example rows), the error pages (400, 403, 404, 405, 413, 500), HSTS over HTTPS only, and
Host header checking with TRUSTED_HOSTS."""

from __future__ import annotations

import io
from typing import Any

import pytest
from flask import Flask
from werkzeug.wrappers import Response

from app.auth.access import public

from ..conftest import login
from ..factories import DEFAULT_PASSWORD
from .conftest import CACHEABLE_ENDPOINTS, FEED_ENDPOINTS, GET_RULES, example_path

REQUIRED_CSP = {"object-src": "'none'", "base-uri": "'none'", "frame-ancestors": "'none'"}
#: Sources that would let injected markup run script.
UNSAFE_SCRIPT_SOURCES = {"'unsafe-inline'", "'unsafe-eval'", "*", "data:", "http:", "https:"}


def csp_directives(value: str) -> dict[str, list[str]]:
    directives = {}
    for part in value.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    return directives


def header_problems(response: Response, *, endpoint: str | None) -> list[str]:
    """What is wrong with the response's security headers (empty: nothing)."""
    problems = []
    headers = response.headers
    csp = headers.get("Content-Security-Policy")
    if not csp:
        problems.append("no Content-Security-Policy")
    else:
        directives = csp_directives(csp)
        for name, value in REQUIRED_CSP.items():
            if directives.get(name) != [value]:
                problems.append(f"CSP {name} is {directives.get(name)!r}, not {value}")
        script = directives.get("script-src", directives.get("default-src"))
        if script is None:
            problems.append("CSP has neither script-src nor default-src")
        elif UNSAFE_SCRIPT_SOURCES & set(script):
            problems.append(f"CSP script-src allows {sorted(UNSAFE_SCRIPT_SOURCES & set(script))}")
    if headers.get("X-Content-Type-Options") != "nosniff":
        problems.append(f"X-Content-Type-Options is {headers.get('X-Content-Type-Options')!r}")
    # Feeds and the public questionnaire pages have a token in their address: no referrer.
    no_referrer = endpoint in FEED_ENDPOINTS or (endpoint or "").startswith("questionnaire_public.")
    expected_referrer = "no-referrer" if no_referrer else "strict-origin-when-cross-origin"
    if headers.get("Referrer-Policy") != expected_referrer:
        problems.append(
            f"Referrer-Policy is {headers.get('Referrer-Policy')!r}, not {expected_referrer}"
        )
    if headers.get("X-Frame-Options") != "DENY":
        problems.append(f"X-Frame-Options is {headers.get('X-Frame-Options')!r}")
    if endpoint not in CACHEABLE_ENDPOINTS:
        cache = {d.strip().lower() for d in headers.get("Cache-Control", "").split(",")}
        if endpoint in FEED_ENDPOINTS:
            if "no-store" not in cache and not {"private", "no-cache"} <= cache:
                problems.append(f"feed Cache-Control is {headers.get('Cache-Control')!r}")
        elif "no-store" not in cache:
            kind = "download" if is_download(response) else response.mimetype
            problems.append(f"{kind} without Cache-Control: no-store ({sorted(cache)})")
    return problems


def is_download(response: Response) -> bool:
    return response.headers.get("Content-Disposition", "").startswith("attachment")


@pytest.fixture
def admin(client, users, example_rows):
    login(client, users["admin"])
    return client


def test_every_get_route_sends_the_security_headers(admin, example_rows):
    """Every GET route in the URL map, including the exports and the feeds (with a real
    token, and answered 304 from its ETag)."""
    problems: dict[str, list[str]] = {}
    kinds: dict[str, set[str]] = {"html": set(), "download": set(), "feed": set()}
    for rule in GET_RULES:
        path = example_path(rule, token=example_rows.feed_token)
        response = admin.get(path)
        response.close()
        found = header_problems(response, endpoint=rule.endpoint)
        if found:
            problems[f"{rule.endpoint} {path} ({response.status_code})"] = found
        if rule.endpoint in FEED_ENDPOINTS:
            assert response.status_code == 200, path
            kinds["feed"].add(rule.endpoint)
            again = admin.get(path, headers={"If-None-Match": response.headers["ETag"]})
            assert again.status_code == 304
            found = header_problems(again, endpoint=rule.endpoint)
            if found:
                problems[f"{rule.endpoint} {path} (304)"] = found
        elif is_download(response):
            kinds["download"].add(rule.endpoint)
        elif response.mimetype == "text/html":
            kinds["html"].add(rule.endpoint)
    assert problems == {}
    # The walk really reached pages, every kind of export and both feeds.
    assert {"dashboard.index", "reports.summary", "meetings.detail"} <= kinds["html"]
    assert {
        "contacts.export",
        "contacts.vcard_download",
        "organisations.export",
        "reports.summary_export",
        "reports.situation_export",
        "reports.silence_export",
        "reports.final_export",
        "calendar.invitation",
    } <= kinds["download"]
    assert kinds["feed"] == FEED_ENDPOINTS


def test_xlsx_variants_of_the_exports_are_not_stored_either(admin):
    """The walk takes the CSV variant of /export.<fmt>; the XLSX ones are checked here."""
    for path in (
        "/organisationer/export.xlsx",
        "/kontakter/export.xlsx",
        "/rapporter/sammanstallning.xlsx",
    ):
        response = admin.get(path)
        assert response.status_code == 200 and is_download(response), path
        assert header_problems(response, endpoint="export") == [], path


def test_pages_need_no_inline_script_or_style(admin, example_rows):
    """The CSP forbids inline script and style: a page that relied on them would break, and
    loosening the policy for it would open the door to injected script."""
    offenders = {}
    for rule in GET_RULES:
        response = admin.get(example_path(rule, token=example_rows.feed_token))
        if response.mimetype != "text/html":
            response.close()
            continue
        page = response.text.lower()
        for marker in ("<script>", "<style", ' style="', "javascript:"):
            if marker in page:
                offenders.setdefault(rule.endpoint, []).append(marker)
        for tag in page.split("<script")[1:]:
            if "src=" not in tag.split(">", 1)[0]:
                offenders.setdefault(rule.endpoint, []).append("inline <script>")
    assert offenders == {}


# --- Error pages --------------------------------------------------------------------------


@pytest.fixture
def error_app(app: Flask) -> Flask:
    """The test app (no request handled yet) with a public route that fails, and errors
    handled as in production rather than propagated to the test."""

    @public
    def boom() -> Any:
        raise RuntimeError("planned failure for the 500 page")

    app.add_url_rule("/__test-500", "test_boom", boom)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    return app


def expect_error_page(response: Response, status: int, swedish: str) -> None:
    assert response.status_code == status, response.text[:500]
    assert response.mimetype == "text/html"
    assert swedish in response.text
    assert header_problems(response, endpoint=None) == []


def test_404_page(error_app, users):
    client = error_app.test_client()
    expect_error_page(client.get("/finns-inte"), 404, "Sidan finns inte")
    login(client, users["admin"])
    expect_error_page(client.get("/kontakter/99999"), 404, "Sidan finns inte")


def test_405_page(error_app, users):
    client = error_app.test_client()
    login(client, users["admin"])
    expect_error_page(client.get("/logga-ut"), 405, "Metoden är inte tillåten")


def test_400_csrf_page(error_app, users):
    client = error_app.test_client()
    login(client, users["admin"])
    error_app.config["WTF_CSRF_ENABLED"] = True
    expect_error_page(client.post("/logga-ut"), 400, "säkerhetskod")


def test_403_page_for_a_reader_write(error_app, users):
    client = error_app.test_client()
    login(client, users["reader"])
    expect_error_page(client.post("/organisationer/ny", data={"name": "X"}), 403, "Åtkomst nekad")


def test_413_page_for_a_too_large_upload(error_app, users):
    client = error_app.test_client()
    login(client, users["coordinator"])
    error_app.config["MAX_CONTENT_LENGTH"] = 2048
    response = client.post(
        "/kontakter/import", data={"file": (io.BytesIO(b"a;b\r\n" * 2000), "stor.csv")}
    )
    expect_error_page(response, 413, "Filen är för stor")


def test_500_page(error_app, users):
    client = error_app.test_client()
    expect_error_page(client.get("/__test-500"), 500, "Något gick fel")
    login(client, users["admin"])
    response = client.get("/__test-500")
    expect_error_page(response, 500, "Något gick fel")
    assert "planned failure" not in response.text  # no exception text leaks to the page


# --- HTTPS and Host --------------------------------------------------------------------------


@pytest.fixture
def https_app(make_app) -> Flask:
    """An app configured as behind a TLS proxy (SAMVERKAN_HTTPS=1)."""
    return make_app(HTTPS=True)


def test_hsts_is_sent_over_https_only(https_app):
    client = https_app.test_client()
    secure = client.get("/logga-in", base_url="https://localhost")
    assert secure.status_code == 200
    hsts = secure.headers.get("Strict-Transport-Security", "")
    max_age = int(hsts.split("max-age=")[1].split(";")[0]) if "max-age=" in hsts else 0
    assert max_age >= 180 * 24 * 3600, hsts
    plain = client.get("/logga-in", base_url="http://localhost")
    assert plain.status_code == 200
    assert "Strict-Transport-Security" not in plain.headers


def test_session_cookie_is_secure_httponly_and_lax_over_https(https_app, users):
    client = https_app.test_client()
    response = client.post(
        "/logga-in",
        base_url="https://localhost",
        data={"email": users["admin"], "password": DEFAULT_PASSWORD},
    )
    assert response.status_code == 302
    cookies = [c for c in response.headers.getlist("Set-Cookie") if "samverkan_session=" in c]
    assert cookies, response.headers
    attributes = {a.strip().lower() for a in cookies[-1].split(";")}
    assert {"secure", "httponly", "samesite=lax"} <= attributes


def test_trusted_hosts(make_app, users):
    trusted = make_app(TRUSTED_HOSTS=["samverkan.example.se"])
    client = trusted.test_client()
    evil = client.get("/logga-in", base_url="http://evil.example")
    assert evil.status_code == 400
    assert "samverkan.example.se" not in evil.text
    assert header_problems(evil, endpoint=None) == []
    forged = client.get("/logga-in", headers={"Host": "evil.example"})
    assert forged.status_code == 400
    good = client.get("/logga-in", base_url="http://samverkan.example.se")
    assert good.status_code == 200
    # Signing in works on the trusted host.
    response = trusted.test_client().post(
        "/logga-in",
        base_url="http://samverkan.example.se",
        data={"email": users["admin"], "password": DEFAULT_PASSWORD},
    )
    assert response.status_code == 302


def test_trusted_hosts_from_the_environment_string(make_app, monkeypatch):
    monkeypatch.setenv("TRUSTED_HOSTS", "samverkan.example.se, .kommun.se")
    trusted = make_app()
    assert trusted.config["TRUSTED_HOSTS"] == ["samverkan.example.se", ".kommun.se"]
    client = trusted.test_client()
    assert client.get("/logga-in", base_url="http://evil.example").status_code == 400
    assert client.get("/logga-in", base_url="http://intranat.kommun.se").status_code == 200


def test_the_header_check_itself_notices_weak_headers():
    weak = Response("<p>x</p>", mimetype="text/html")
    weak.headers["Content-Security-Policy"] = "default-src 'self' 'unsafe-inline'"
    weak.headers["Referrer-Policy"] = "unsafe-url"
    problems = " | ".join(header_problems(weak, endpoint="contacts.detail"))
    for expected in ("object-src", "base-uri", "frame-ancestors", "unsafe-inline", "nosniff"):
        assert expected.replace("nosniff", "X-Content-Type-Options") in problems
    assert "Referrer-Policy" in problems and "no-store" in problems
    feed = Response("BEGIN:VCALENDAR", mimetype="text/calendar")
    feed.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
    assert any("no-referrer" in p for p in header_problems(feed, endpoint="calendar.team_feed"))
