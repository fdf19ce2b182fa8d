"""The security event log (app/security): every kind of event written, refusals counted per
address and minute in one row, the admin page, its CSV, pruning, and no secret in any row."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.auth.models import User
from app.calendar import services as calendar_services
from app.extensions import db
from app.security.models import SecurityEvent, SecurityKind
from app.security.services import count_refusal, prune

from ..conftest import login
from ..factories import DEFAULT_PASSWORD, make_user


def events(app, kind: SecurityKind | None = None) -> list[SecurityEvent]:
    with app.app_context():
        query = select(SecurityEvent).order_by(SecurityEvent.id)
        if kind is not None:
            query = query.where(SecurityEvent.kind == kind.value)
        rows = list(db.session.scalars(query))
        db.session.expunge_all()
        return rows


def all_text(app) -> str:
    """Every column of every security row, as text."""
    with app.app_context():
        rows = db.session.execute(select(SecurityEvent.__table__)).all()
    return "\n".join(repr(tuple(row)) for row in rows)


@pytest.fixture
def admin(app, client, users):
    login(client, users["admin"])
    return client


def test_logins_logouts_and_failures(app, client, users):
    login(client, users["coordinator"], "fel-lösenord-helt")
    login(client, "ingen@example.se", "hemligt-lösenord-1")
    assert login(client, users["coordinator"]).status_code == 302
    client.post("/logga-ut")
    failed = events(app, SecurityKind.LOGIN_FAILED)
    assert {e.email for e in failed} == {users["coordinator"], "okänd"}
    assert len(events(app, SecurityKind.LOGIN)) == 1
    assert len(events(app, SecurityKind.LOGOUT)) == 1
    text = all_text(app)
    assert "fel-lösenord-helt" not in text and "hemligt-lösenord-1" not in text
    assert "ingen@example.se" not in text


def test_throttled_login_is_logged(app, client, users):
    for _ in range(7):
        login(client, users["reader"], "fel-lösenord-helt")
    throttled = events(app, SecurityKind.LOGIN_THROTTLED)
    assert len(throttled) == 1 and throttled[0].count >= 1
    assert throttled[0].email == users["reader"]


def test_refusals_are_counted_per_minute_in_one_row(app, as_role):
    reader = as_role("reader")
    for _ in range(25):
        assert reader.get("/admin/anvandare").status_code == 403
    rows = events(app, SecurityKind.FORBIDDEN)
    assert len(rows) in (1, 2)  # a minute may turn during the loop
    assert sum(r.count for r in rows) == 25
    assert rows[0].subject == "GET /admin/anvandare"


def test_counting_upsert_makes_one_row_per_minute(app):
    start = datetime(2026, 12, 5, 10, 0, 5, tzinfo=UTC)
    with app.app_context():
        for seconds in (0, 10, 50, 70):
            count_refusal(
                SecurityKind.CSRF_FAILED, address="10.0.0.1", now=start + timedelta(seconds=seconds)
            )
        db.session.commit()
    rows = events(app, SecurityKind.CSRF_FAILED)
    assert [r.count for r in rows] == [3, 1]


def test_csrf_failure_is_logged(make_app, users):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    assert client.post("/logga-in", data={"email": "x@example.se"}).status_code == 400
    assert len(events(app, SecurityKind.CSRF_FAILED)) == 1


def test_user_and_role_changes(app, admin):
    response = admin.post(
        "/admin/anvandare/ny",
        data={"email": "ny@example.se", "name": "Ny Person", "role": "reader"},
    )
    password = re.search(r"<code>([^<]+)</code>", response.text).group(1)
    with app.app_context():
        user = db.session.scalar(select(User).filter_by(email="ny@example.se"))
        user_id, version = user.id, user.version
    admin.post(
        f"/admin/anvandare/{user_id}",
        data={
            "email": "ny@example.se",
            "name": "Ny Person",
            "role": "coordinator",
            "active": "y",
            "version": version,
        },
    )
    reset = admin.post(f"/admin/anvandare/{user_id}/aterstall-losenord")
    second = re.search(r"<code>([^<]+)</code>", reset.text).group(1)
    created = events(app, SecurityKind.USER_CREATED)
    assert created[-1].subject == "Ny Person <ny@example.se>"
    changed = events(app, SecurityKind.USER_CHANGED)
    assert changed and "role: reader → coordinator" in changed[-1].detail
    assert events(app, SecurityKind.PASSWORD_RESET)
    text = all_text(app)
    assert password not in text and second not in text


def test_password_change_is_logged(app, client, users):
    login(client, users["coordinator"])
    new = "kanel vägg åska fyrtorn"
    client.post(
        "/konto/losenord",
        data={"current_password": DEFAULT_PASSWORD, "new_password": new, "confirm": new},
    )
    assert events(app, SecurityKind.PASSWORD_CHANGED)
    assert new not in all_text(app) and DEFAULT_PASSWORD not in all_text(app)


def test_feed_links_and_wrong_tokens(app, client, users):
    login(client, users["coordinator"])
    page = client.post("/kalender/ny-lank").text
    token = re.search(r"/kalender/([A-Za-z0-9_\-]+)\.ics", page).group(1)
    assert client.get(f"/kalender/{token}.ics").status_code == 200
    assert client.get("/kalender/gissat-fel-token.ics").status_code == 404
    client.post("/kalender/ta-bort-lank")
    assert events(app, SecurityKind.FEED_LINK_CREATED)
    assert events(app, SecurityKind.FEED_LINK_REVOKED)
    refused = events(app, SecurityKind.FEED_TOKEN_REFUSED)
    assert refused and refused[0].subject == "/kalender/***.ics"
    text = all_text(app)
    assert token not in text and "gissat-fel-token" not in text


def test_wrong_feed_tokens_are_throttled_per_address(make_app, users):
    app = make_app(FEED_THROTTLE_LIMIT=3, FEED_THROTTLE_WINDOW=timedelta(minutes=5))
    client = app.test_client()
    with app.app_context():
        user = db.session.scalar(select(User).filter_by(email=users["reader"]))
        token = calendar_services.issue_feed_token(user)
        db.session.commit()
    codes = [client.get(f"/kalender/fel{n}.ics").status_code for n in range(3)]
    assert codes == [404, 404, 404]
    assert client.get("/kalender/fel9.ics").status_code == 429
    # Even the right token waits: the address is throttled, not the token.
    assert client.get(f"/kalender/{token}.ics").status_code == 429
    other = app.test_client()
    assert (
        other.get(f"/kalender/{token}.ics", environ_base={"REMOTE_ADDR": "10.9.9.9"}).status_code
        == 200
    )
    assert events(app, SecurityKind.FEED_THROTTLED)


def test_exports_are_logged_when_started_and_completed(app, admin):
    with app.app_context():
        make_user(email="extra@example.se")
        db.session.commit()
    for url in (
        "/organisationer/export.csv?q=kramfors",
        "/kontakter/export.xlsx",
        "/moten/export.csv",
    ):
        response = admin.get(url)
        assert response.status_code == 200
        response.get_data()
    logged = events(app, SecurityKind.EXPORT)
    assert len(logged) == 3
    assert logged[0].subject == "organisations.export (csv)" and logged[0].detail == "q=kramfors"
    assert all(e.rows is not None and e.completed_at is not None for e in logged)
    assert logged[0].user_id is not None


def test_other_downloads_are_logged(app, admin):
    response = admin.get("/kontakter/export.vcf?q=berg")
    assert response.status_code == 200
    response.get_data()  # streamed: read to the end, as a browser does
    response.close()
    logged = events(app, SecurityKind.EXPORT)
    assert [(e.subject, e.detail) for e in logged] == [("contacts.vcard_list (vcf)", "q=berg")]
    assert logged[0].completed_at is not None and logged[0].rows == 0


def test_register_extract_and_erasure(app, admin):
    from app.contacts.services import ContactValues, create_contact

    with app.app_context():
        by = db.session.scalar(select(User).filter_by(role="admin"))
        contact = create_contact(
            values=ContactValues(first_name="Eva", last_name="Berg", emails=["eva@kommun.se"]),
            by=by,
        )
        db.session.commit()
        contact_id = contact.id
    assert admin.get(f"/kontakter/{contact_id}/registerutdrag.xlsx").status_code == 200
    admin.post(f"/kontakter/{contact_id}/anonymisera", data={"reason": "begäran"})
    extract = events(app, SecurityKind.REGISTER_EXTRACT)
    assert extract and extract[0].rows and extract[0].detail == f"contact_id={contact_id}"
    assert events(app, SecurityKind.ERASURE)


def test_admin_page_filters_and_exports(app, admin, users, as_role):
    login(app.test_client(), users["reader"], "fel-lösenord-helt")
    page = admin.get("/admin/sakerhetslogg?typ=login_failed")
    assert page.status_code == 200
    assert "Misslyckad inloggning" in page.text and users["reader"] in page.text
    assert "Inloggning</td>" not in page.text
    today = datetime.now(UTC).date()
    future = admin.get(f"/admin/sakerhetslogg?fran={today + timedelta(days=2)}")
    assert "Inga händelser" in future.text
    for odd in ("fran=0001-01-01", "till=9999-12-31", "anvandare=99999999999999999999"):
        assert admin.get(f"/admin/sakerhetslogg?{odd}").status_code == 200
    exported = admin.get("/admin/sakerhetslogg/export.csv?typ=login_failed")
    assert exported.status_code == 200
    rows = list(
        csv.reader(io.StringIO(exported.get_data(as_text=True).lstrip("\ufeff")), delimiter=";")
    )
    assert rows[0][0] == "Tid" and rows[1][1] == "Misslyckad inloggning"


def test_only_admins_see_the_log(app, as_role):
    assert as_role("coordinator").get("/admin/sakerhetslogg").status_code == 403


def test_prune_deletes_old_events(app):
    with app.app_context():
        old = SecurityEvent(kind="login", occurred_at=datetime(2020, 1, 1, tzinfo=UTC))
        old.last_at = old.occurred_at
        db.session.add_all([old, SecurityEvent(kind="logout")])
        db.session.commit()
        assert prune(days=365) == 1
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["security", "prune"])
    assert result.exit_code == 0 and "Deleted 0" in result.output
    assert [e.kind for e in events(app)] == ["logout"]


def test_the_log_says_what_happened_in_words(app, admin):
    """Endpoints, field names, role codes and True/False are shown as people say them."""
    from app.security.display import shown_detail, shown_subject
    from app.security.models import SecurityEvent

    def event(subject="", detail=""):
        return SecurityEvent(subject=subject, detail=detail)

    with app.test_request_context():
        assert shown_subject(event("organisations.export (csv)")) == "Organisationslistan (CSV)"
        assert shown_subject(event("privacy.register_extract_xlsx")) == "Registerutdrag (Excel)"
        assert shown_subject(event("GET /admin")) == "GET /admin"
        changed = event(detail="role: reader → coordinator; active: True → False")
        assert shown_detail(changed) == "Roll: Läsare → Samordnare; Aktiv: Ja → Nej"
        assert shown_detail(event(detail="role=admin")) == "Roll: Administratör"
        assert shown_detail(event(detail="contact_id=12")) == "Kontakt nr 12"
        assert shown_detail(event(detail="q=kramfors")) == "q=kramfors"
