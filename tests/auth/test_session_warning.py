"""The session warning: the layout carries its timing, POST /sessionen/forlang extends the
session (with a CSRF token), and HTTPS gives `__Host-` cookies."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from ..factories import DEFAULT_PASSWORD


def test_the_layout_carries_the_warning_for_a_signed_in_user_only(app, client, as_role):
    assert 'id="session-warning"' not in client.get("/logga-in").text
    page = as_role("reader").get("/").text
    assert 'id="session-warning"' in page
    assert 'data-lifetime="43200"' in page and 'data-warning="300"' in page
    assert 'data-extend-url="/sessionen/forlang"' in page
    assert "js/session.js" in page


def test_a_short_lifetime_warns_at_least_twenty_seconds_ahead(app, as_role):
    app.config["PERMANENT_SESSION_LIFETIME"] = 30
    page = as_role("reader").get("/").text
    assert 'data-lifetime="30"' in page and 'data-warning="20"' in page


@pytest.mark.parametrize("role", ["reader", "coordinator", "admin"])
def test_extending_re_signs_the_session_cookie(as_role, role):
    client = as_role(role)
    response = client.post("/sessionen/forlang")
    assert response.status_code == 200
    assert response.json == {"seconds": 43200}
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("samverkan_session=") and "Expires=" in cookie


def test_a_static_file_does_not_move_the_sessions_end(as_role):
    """The browser fetches the favicon and scripts on its own after the page has loaded: only
    the page's own response re-signs the cookie, so the end session.js counts to is the
    server's."""
    client = as_role("reader")
    assert client.get("/").headers["Set-Cookie"].startswith("samverkan_session=")
    for path in ("/static/icons/favicon.svg", "/static/js/session.js"):
        with client.get(path) as response:
            assert response.status_code == 200
            assert "Set-Cookie" not in response.headers


def test_extending_without_a_session_goes_to_the_login(client):
    response = client.post("/sessionen/forlang")
    assert response.status_code == 302
    assert "/logga-in" in response.headers["Location"]


def test_extending_needs_the_csrf_token(make_app, users):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    page = client.get("/logga-in").text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    signed_in = client.post(
        "/logga-in",
        data={"email": users["reader"], "password": DEFAULT_PASSWORD, "csrf_token": token},
    )
    assert signed_in.status_code == 302
    page = client.get("/").text
    token = re.search(r'data-csrf="([^"]+)"', page).group(1)
    assert client.post("/sessionen/forlang").status_code == 400
    assert client.post("/sessionen/forlang", headers={"X-CSRFToken": token}).status_code == 200


def test_https_gives_host_prefixed_secure_cookies(make_app):
    app = make_app(HTTPS=True)
    config = app.config
    assert config["SESSION_COOKIE_NAME"] == "__Host-samverkan_session"
    assert config["REMEMBER_COOKIE_NAME"] == "__Host-samverkan_remember"
    assert config["SESSION_COOKIE_SECURE"] and config["REMEMBER_COOKIE_SECURE"]
    assert config["SESSION_COOKIE_PATH"] == "/" and config["SESSION_COOKIE_DOMAIN"] is None
    assert config["REMEMBER_COOKIE_PATH"] == "/" and config["REMEMBER_COOKIE_DOMAIN"] is None
    with app.test_request_context("/", base_url="https://samverkan.example.se"):
        from flask import session

        session["x"] = 1
        response = app.make_response("ok")
        app.session_interface.save_session(app, session, response)
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("__Host-samverkan_session=")
    assert "Secure" in cookie and "Path=/" in cookie and "Domain" not in cookie


def test_without_https_the_names_stay_plain(app):
    assert app.config["SESSION_COOKIE_NAME"] == "samverkan_session"
    assert app.config["PERMANENT_SESSION_LIFETIME"] == timedelta(hours=12)
