"""Cross-site request forgery: with CSRF protection on (as in production), every
state-changing route refuses a request without a valid token and changes nothing; no GET
route changes anything; a token lives as long as the session; and a form refused for its
token comes back with what the user typed."""

from __future__ import annotations

from typing import Any

import pytest
from itsdangerous import TimestampSigner

from app import create_app

from .conftest import (
    GET_RULES,
    WRITE_RULES,
    changed_tables,
    csrf_token,
    example_path,
    login_with_token,
    table_snapshot,
)

#: What a careless form post might carry: enough for most views to act if unprotected.
GENERIC_DATA = {
    "name": "Förfalskad",
    "first_name": "Förfalskad",
    "last_name": "Person",
    "title": "Förfalskad rubrik",
    "email": "forfalskad@example.se",
    "password": "ett-bra-testlösenord",
    "new_password": "ett-annat-bra-lösenord",
    "confirm": "ett-annat-bra-lösenord",
    "current_password": "ett-bra-testlösenord",
    "locale": "en",
    "kind": "civilsamhalle",
    "note": "klar",
    "owner": "2",
    "ended_on": "2026-11-01",
    "organisation_id": "1",
}


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    """Every test here runs with CSRF protection on, as production does."""
    return {**app_config, "WTF_CSRF_ENABLED": True}


@pytest.fixture
def admin(app, users, example_rows):
    client = app.test_client()
    login_with_token(client, users["admin"])
    return client


def test_production_defaults_protect_forms_for_the_whole_session(app):
    defaults = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"}).config
    assert defaults.get("WTF_CSRF_ENABLED", True) is True
    assert defaults.get("WTF_CSRF_CHECK_DEFAULT", True) is True
    assert defaults["WTF_CSRF_TIME_LIMIT"] is None
    assert app.config["WTF_CSRF_TIME_LIMIT"] is None


@pytest.mark.parametrize("token", [None, "forged", "other-session"])
def test_every_write_route_refuses_a_missing_or_wrong_token(app, users, admin, token):
    if token == "other-session":
        other = app.test_client()
        login_with_token(other, users["coordinator"])
        token = csrf_token(other.get("/kontakter/ny").text)
    elif token == "forged":
        token = csrf_token(admin.get("/kontakter/ny").text)[:-4] + "AAAA"
    before = table_snapshot(app)
    answers = {}
    for rule, method in WRITE_RULES:
        data = dict(GENERIC_DATA)
        if token is not None:
            data["csrf_token"] = token
        response = admin.open(example_path(rule), method=method, data=data)
        if rule.endpoint.startswith("questionnaire_public.") and response.status_code == 404:
            # A wrong questionnaire link is refused first; a working one without a valid
            # token answers 400 (tests/questionnaires/test_public_hostile.py).
            continue
        if response.status_code != 400:
            answers[f"{method} {rule.rule}"] = response.status_code
    assert answers == {}, "answered without a valid CSRF token"
    assert changed_tables(before, table_snapshot(app)) == {}
    # Still signed in (the logout was refused too), and a real token still works.
    page = admin.get("/kontakter/ny")
    assert page.status_code == 200
    created = admin.post(
        "/kontakter/ny",
        data={"first_name": "Äkta", "last_name": "Person", "csrf_token": csrf_token(page.text)},
    )
    assert created.status_code == 302
    assert changed_tables(before, table_snapshot(app))  # the snapshot does see a change


def test_a_token_in_the_header_is_accepted_but_not_from_another_session(app, users, admin):
    """Flask-WTF also takes X-CSRFToken (for scripts); it must be this session's."""
    other = app.test_client()
    login_with_token(other, users["coordinator"])
    foreign = csrf_token(other.get("/kontakter/ny").text)
    data = {"first_name": "Rubrik", "last_name": "Person"}
    assert (
        admin.post("/kontakter/ny", data=data, headers={"X-CSRFToken": foreign}).status_code == 400
    )
    own = csrf_token(admin.get("/kontakter/ny").text)
    assert admin.post("/kontakter/ny", data=data, headers={"X-CSRFToken": own}).status_code == 302


def test_no_get_route_changes_anything(app, users, example_rows):
    """Every GET route, anonymous and as an admin: every table is the same afterwards."""
    anonymous = app.test_client()
    admin = app.test_client()
    login_with_token(admin, users["admin"])
    before = table_snapshot(app)
    statuses = {}
    for client in (anonymous, admin):
        for rule in GET_RULES:
            path = example_path(rule, token=example_rows.feed_token)
            response = client.get(path)
            response.close()
            statuses[rule.endpoint] = response.status_code
            client.head(path).close()
    assert changed_tables(before, table_snapshot(app)) == {}
    assert statuses["dashboard.index"] == 200 and statuses["calendar.personal_feed"] == 200


def test_a_token_is_still_accepted_hours_later(app, users, monkeypatch):
    """A form left open for a working day still saves (Flask-WTF's default is one hour)."""
    client = app.test_client()
    login_with_token(client, users["coordinator"])
    token = csrf_token(client.get("/kontakter/ny").text)
    now = TimestampSigner.get_timestamp
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: now(self) + 11 * 3600)
    response = client.post(
        "/kontakter/ny", data={"first_name": "Sen", "last_name": "Kväll", "csrf_token": token}
    )
    assert response.status_code == 302, response.text[:300]


#: Form pages where people type text, with what they typed. Refused for the token, each must
#: come back as the form, with the text, and say why in Swedish.
FORM_CASES = {
    "contacts.create": (
        "/kontakter/ny",
        {"first_name": "Åsa", "last_name": "Öberg", "notes": "Ring Åsa om nätverket i vår"},
    ),
    "contacts.edit": (
        "/kontakter/1/redigera",
        {"first_name": "Åsa", "last_name": "Öberg", "notes": "Ny anteckning", "version": "1"},
    ),
    "organisations.create": (
        "/organisationer/ny",
        {"name": "Föreningen Ängsbacken", "kind": "civilsamhalle", "notes": "Träffas tisdagar"},
    ),
    "organisations.edit": (
        "/organisationer/1/redigera",
        {"name": "Kommunen med nytt namn", "notes": "Anteckning om kommunen", "version": "1"},
    ),
    "organisations.engagement": (
        "/organisationer/1/engagemang",
        {
            "stage": "i_dialog",
            "comment": "Kommentar från dialogmötet",
            "opportunities": "Möjligheten att samverka kring unga",
            "challenges": "Utmaningen är bemanningen i höst",
        },
    ),
    "meetings.create": (
        "/moten/ny",
        {
            "title": "Dialogmöte med Åsa",
            "kind": "digitalt",
            "status": "planerat",
            "day": "2026-12-01",
            "start": "10:00",
            "end": "11:00",
            "organisations": "1",
            "responsible": "1",
            "agenda": "Punkt ett om samverkan",
        },
    ),
    "meetings.edit": (
        "/moten/1/redigera",
        {"title": "Ändrad rubrik för mötet", "notes": "Anteckningar efter mötet", "version": "1"},
    ),
    "followups.create": (
        "/uppfoljningar/ny",
        {"title": "Ring Åsa på fredag", "description": "Fråga om nätverket", "owner": "1"},
    ),
    "followups.edit": (
        "/uppfoljningar/1/redigera",
        {"title": "Skicka materialet till Åsa", "description": "Båda rapporterna"},
    ),
    "followups.after_meeting": (
        "/uppfoljningar/efter-mote/1",
        {
            "outcome": "Resultatet blev en överenskommelse",
            "notes": "Anteckningar från mötet",
            "follow_ups-0-title": "Boka uppföljande möte",
        },
    ),
    "contacts.change_organisation": (
        "/kontakter/1/byter-organisation",
        {"organisation_id": "2", "title": "Enhetschef för äldreomsorgen"},
    ),
    "contacts.merge": (
        "/kontakter/sla-ihop/1/2",
        {"survivor": "1", "notes": "Sammanslagen anteckning om Åsa"},
    ),
    "auth.create": (
        "/admin/anvandare/ny",
        {"name": "Åsa Nyanställd", "email": "asa.nyanstalld@example.se", "role": "coordinator"},
    ),
    "auth.edit": (
        "/admin/anvandare/2",
        {"name": "Åsa Omdöpt", "email": "omdopt@example.se", "role": "coordinator"},
    ),
}
#: Values that are choices or numbers, not typed text.
NOT_TYPED = {"kind", "status", "day", "start", "end", "organisations", "responsible", "owner"}
NOT_TYPED |= {"version", "stage", "organisation_id", "survivor", "role"}


@pytest.mark.parametrize("case", sorted(FORM_CASES))
def test_a_form_refused_for_its_token_keeps_what_was_typed(app, admin, case):
    path, data = FORM_CASES[case]
    assert admin.get(path).status_code == 200, path
    before = table_snapshot(app)
    response = admin.post(path, data=data)
    assert response.status_code == 400
    assert changed_tables(before, table_snapshot(app)) == {}
    page = response.text
    missing = [v for k, v in data.items() if k not in NOT_TYPED and v not in page]
    assert missing == [], f"{case}: the typed text is lost"
    assert "Formuläret" in page and "gått ut" in page  # says why, in Swedish


def test_signing_in_renews_the_csrf_secret(app, users):
    """A token seen before signing in (on the login page, or by the previous user of a shared
    computer) must not be accepted in the signed-in session that follows."""
    client = app.test_client()
    stale = csrf_token(client.get("/logga-in").text)
    login_with_token(client, users["coordinator"])
    client.post("/logga-ut", data={"csrf_token": csrf_token(client.get("/").text)})
    login_with_token(client, users["admin"])
    before = table_snapshot(app)
    response = client.post(
        "/kontakter/ny", data={"first_name": "Åsa", "last_name": "Öberg", "csrf_token": stale}
    )
    assert response.status_code == 400, "a token from before signing in was accepted"
    assert changed_tables(before, table_snapshot(app)) == {}
    assert 'value="Åsa"' in response.text and "gått ut" in response.text


def test_session_cookies_are_httponly_and_samesite_lax(app, users):
    client = app.test_client()
    token = csrf_token(client.get("/logga-in").text)
    response = client.post(
        "/logga-in",
        data={
            "email": users["admin"],
            "password": "ett-bra-testlösenord",
            "remember": "y",
            "csrf_token": token,
        },
    )
    assert response.status_code == 302
    cookies = {c.split("=", 1)[0]: c for c in response.headers.getlist("Set-Cookie")}
    for name in ("samverkan_session", "samverkan_remember"):
        assert name in cookies, cookies
        attributes = {a.strip().lower() for a in cookies[name].split(";")}
        assert {"httponly", "samesite=lax"} <= attributes, cookies[name]
