"""The shell of the UI: Swedish layout and error pages, headers, health check, translations."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import OperationalError

from app.extensions import db


def test_layout_is_swedish_and_accessible(as_role):
    page = as_role("coordinator").get("/").text
    assert '<html lang="sv">' in page
    assert '<a class="skip-link" href="#innehall">Hoppa till innehållet</a>' in page
    assert 'id="innehall"' in page
    assert '<nav class="site-nav" aria-label="Huvudmeny">' in page
    assert 'aria-current="page"' in page
    assert "Logga ut" in page


def test_stylesheet_is_served_locally(client):
    page = client.get("/logga-in").text
    assert "/static/css/samverkan.css" in page
    assert "http://" not in page and "https://" not in page
    with client.get("/static/css/samverkan.css") as stylesheet:
        assert stylesheet.status_code == 200


def test_login_page_is_swedish(client):
    page = client.get("/logga-in").text
    for text in ("Logga in", "E-postadress", "Lösenord", "Kom ihåg mig"):
        assert text in page


@pytest.mark.parametrize(
    ("path", "code", "title"),
    [("/finns-inte", 404, "Sidan finns inte"), ("/admin/anvandare", 403, "Åtkomst nekad")],
)
def test_error_pages_are_swedish(as_role, path, code, title):
    response = as_role("reader").get(path)
    assert response.status_code == code
    assert title in response.text


def test_method_not_allowed_page(as_role):
    response = as_role("coordinator").get("/logga-ut")
    assert response.status_code == 405
    assert "Metoden är inte tillåten" in response.text


@pytest.mark.fresh_app  # adds a route
def test_server_error_is_swedish_and_rolls_back(app, as_role):
    from app.auth.models import User

    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/krasch")
    def crash():
        db.session.get(User, 1).name = "Halvfärdig ändring"
        raise RuntimeError("boom")

    response = as_role("admin").get("/krasch")
    assert response.status_code == 500
    assert "Något gick fel" in response.text
    assert "Ingenting sparades" in response.text
    with app.app_context():
        assert db.session.get(User, 1).name != "Halvfärdig ändring"


def test_security_headers_on_pages_and_errors(client):
    for response in (client.get("/logga-in"), client.get("/finns-inte")):
        headers = response.headers
        assert "object-src 'none'" in headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert "unsafe-inline" not in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert headers["Cache-Control"] == "no-store"
    assert "Strict-Transport-Security" not in client.get("/logga-in").headers
    secure = client.get("/logga-in", base_url="https://localhost")
    assert "max-age=" in secure.headers["Strict-Transport-Security"]


def test_no_inline_script_in_templates():
    from pathlib import Path

    for template in Path("app/templates").rglob("*.html"):
        text = template.read_text()
        assert "<script>" not in text and " on" + "click=" not in text, template


def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_healthz_reports_database_down(client, monkeypatch):
    def broken(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(db.session, "execute", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json == {"status": "error", "database": "unavailable"}


def test_healthz_with_unreachable_database(tmp_path):
    from app import create_app

    app = create_app(
        {
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://nobody@127.0.0.1:9/none",
            "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"connect_timeout": 2}},
        }
    )
    response = app.test_client().get("/healthz")
    assert response.status_code == 503


def test_english_locale_translates_the_page(app, as_role, users):
    from app.auth import services

    client = as_role("coordinator")
    assert client.post("/konto/sprak", data={"locale": "en"}).status_code == 302
    page = client.get("/").text
    assert '<html lang="en">' in page
    assert "Skip to content" in page
    assert "Municipalities" in page
    client.post("/konto/sprak", data={"locale": "sv"})
    assert "Kommuner" in client.get("/").text
    with app.app_context():
        assert services.find_user_by_email(users["coordinator"]).locale == "sv"
