"""Outgoing calendar, completed (issue 17 items 5 and 6): invitations by e-mail to a real SMTP
server carry the file also as an attachment, a participant removed gets a cancellation naming
only them, a new title raises SEQUENCE; deactivating a user revokes their feed links for good;
the app's own feed, with meetings on the days the clocks change, reads the same in icalendar,
vobject, recurring-ical-events and ICAL.js."""

from __future__ import annotations

import email
from datetime import UTC, datetime, timedelta
from email import policy

import pytest
from icalendar import Calendar

from app.auth.models import User
from app.auth.services import update_user
from app.calendar import feeds
from app.calendar import services as calendar_services
from app.extensions import db
from app.meetings import services
from app.meetings.models import Meeting

from ..smtp_sink import smtp_sink
from .test_calendar import schedule, values_of, world  # noqa: F401 (a fixture)
from .test_interop import PARSERS, assert_well_formed, parse, require_icaljs


@pytest.fixture
def smtp(app):
    """A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what it receives."""
    with smtp_sink() as (handler, port):
        app.config.update(
            MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_DEFAULT_SENDER="samverkan@example.se"
        )
        yield handler


def messages_by_recipient(smtp) -> dict[str, email.message.EmailMessage]:
    found = {}
    for envelope in smtp.received:
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        for recipient in envelope.rcpt_tos:
            found[recipient] = message
    return found


def calendar_parts(message) -> tuple[bytes, bytes, str]:
    """The text/calendar alternative, the attached file and the alternative's method."""
    assert message.get_content_type() == "multipart/mixed"
    alternative, attached = message.get_payload()
    assert alternative.get_content_type() == "multipart/alternative"
    text, inline = alternative.get_payload()
    assert text.get_content_type() == "text/plain"
    assert inline.get_content_type() == "text/calendar"
    assert attached.get_content_type() == "application/ics"
    assert attached.get_content_disposition() == "attachment"
    assert attached.get_filename().endswith(".ics")
    method = inline.get_param("method")
    return inline.get_payload(decode=True), attached.get_payload(decode=True), method


def only_event(data: bytes):
    calendar = Calendar.from_ical(data)
    (event,) = calendar.walk("VEVENT")
    return calendar, event


def attendees(event) -> list[str]:
    found = event.get("ATTENDEE", [])
    found = found if isinstance(found, list) else [found]
    return sorted(str(a).removeprefix("mailto:") for a in found)


def test_the_invitation_is_attached_and_a_removed_participant_gets_a_cancel(
    world,  # noqa: F811
    as_role,
    app,
    smtp,
):
    with app.app_context():
        meeting_id = schedule(world, title="Samråd om rutiner")
        colleague = db.session.get(User, world["colleague"]).email
    client = as_role("coordinator")
    response = client.post(f"/moten/{meeting_id}/skicka", follow_redirects=True)
    assert "Skickat till 2 mottagare" in response.text
    first = messages_by_recipient(smtp)
    assert sorted(first) == sorted(["sara.lindqvist@malmo.se", colleague])
    inline, attached, method = calendar_parts(first["sara.lindqvist@malmo.se"])
    assert method == "REQUEST" and attached == inline
    calendar, invited = only_event(attached)
    assert calendar["METHOD"] == "REQUEST"
    assert "sara.lindqvist@malmo.se" in attendees(invited)

    # Sara is taken off the meeting; the next sending tells her, and only her, it is off.
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        values = values_of(meeting, contact_ids=[world["johan"]])
        services.update_meeting(meeting, values=values, expected_version=meeting.version, by=None)
        db.session.commit()
    smtp.received.clear()
    response = client.post(f"/moten/{meeting_id}/skicka", follow_redirects=True)
    assert "Skickat till 2 mottagare" in response.text
    second = messages_by_recipient(smtp)
    assert sorted(second) == sorted(["sara.lindqvist@malmo.se", colleague])
    inline, attached, method = calendar_parts(second["sara.lindqvist@malmo.se"])
    assert method == "CANCEL" and attached == inline
    assert "inte längre" in str(second["sara.lindqvist@malmo.se"]["Subject"])
    calendar, cancel = only_event(attached)
    assert calendar["METHOD"] == "CANCEL" and cancel["STATUS"] == "CANCELLED"
    assert attendees(cancel) == ["sara.lindqvist@malmo.se"]  # only the one removed
    assert str(cancel["UID"]) == str(invited["UID"])
    assert cancel["SEQUENCE"] > invited["SEQUENCE"]  # outranks the invitation she has
    _calendar, update = only_event(calendar_parts(second[colleague])[0])
    assert calendar_parts(second[colleague])[2] == "REQUEST"
    assert "sara.lindqvist@malmo.se" not in attendees(update)

    # Told once: the third sending goes to the participants only.
    smtp.received.clear()
    client.post(f"/moten/{meeting_id}/skicka")
    assert sorted(messages_by_recipient(smtp)) == [colleague]


def test_a_new_title_raises_the_sequence_of_the_invitation(world, as_role, app):  # noqa: F811
    with app.app_context():
        meeting_id = schedule(world, title="Före")
    client = as_role("coordinator")
    _calendar, before = only_event(client.get(f"/moten/{meeting_id}/inbjudan.ics").data)
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        values = values_of(meeting, title="Efter")
        services.update_meeting(meeting, values=values, expected_version=meeting.version, by=None)
        db.session.commit()
    _calendar, after = only_event(client.get(f"/moten/{meeting_id}/inbjudan.ics").data)
    assert str(after["SUMMARY"]) == "Efter" and after["UID"] == before["UID"]
    assert after["SEQUENCE"] > before["SEQUENCE"]


def test_deactivating_revokes_the_feed_links_for_good(world, app, client):  # noqa: F811
    with app.app_context():
        me = db.session.get(User, world["me"])
        token = calendar_services.issue_feed_token(me)
        db.session.commit()
    assert client.get(f"/kalender/{token}.ics").status_code == 200

    def set_active(active: bool) -> None:
        with app.app_context():
            user = db.session.get(User, world["me"])
            update_user(
                user,
                email=user.email,
                name=user.name,
                role=user.role,
                active=active,
                expected_version=user.version,
                by=db.session.get(User, world["colleague"]),
            )
            db.session.commit()

    set_active(False)
    with app.app_context():
        assert db.session.get(User, world["me"]).feed_token_hash is None
    assert client.get(f"/kalender/{token}.ics").status_code == 404
    set_active(True)
    assert client.get(f"/kalender/{token}.ics").status_code == 404
    assert client.get(f"/kalender/{token}/team.ics").status_code == 404


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


#: Meetings on the days the clocks change in 2026: the spring night (02:00 → 03:00 on
#: 29 March) and 02:30 on 25 October in both folds (CEST, then CET an hour later).
DST_MEETINGS = {
    "Vårnatten": (utc(2026, 3, 29, 0, 30), utc(2026, 3, 29, 2)),  # 01:30–04:00 CET/CEST
    "Hösten 02.30 första": (utc(2026, 10, 25, 0, 30), utc(2026, 10, 25, 1, 15)),
    "Hösten 02.30 andra": (utc(2026, 10, 25, 1, 30), utc(2026, 10, 25, 3)),
    "Hösten förmiddag": (utc(2026, 10, 25, 8), utc(2026, 10, 25, 9)),
}


@pytest.mark.parametrize("parser", PARSERS)
def test_the_apps_feed_reads_right_on_the_days_the_clocks_change(
    world,  # noqa: F811
    app,
    client,
    parser,
):
    if parser == "ical.js":
        require_icaljs()
    feeds.clear_kept_events()
    days_back = (datetime.now(UTC) - utc(2026, 3, 1)).days + 1
    app.config.update(FEED_PAST_DAYS=max(days_back, 92), FEED_FUTURE_DAYS=400)
    with app.app_context():
        for title, (start, end) in DST_MEETINGS.items():
            schedule(world, title=title, start=start, hours=(end - start).total_seconds() / 3600)
        token = calendar_services.issue_feed_token(db.session.get(User, world["me"]))
        db.session.commit()
    for path in (f"/kalender/{token}.ics", f"/kalender/{token}/team.ics"):
        response = client.get(path)
        assert response.headers["Content-Type"] == "text/calendar; charset=utf-8; method=PUBLISH"
        assert_well_formed(response.data)
        assert b"X-WR-TIMEZONE" not in response.data
        parsed = parse(response.data, parser)
        assert parsed.method == "PUBLISH"
        read = {e["summary"]: (e["start"], e["end"]) for e in parsed.events}
        assert read == DST_MEETINGS
    feeds.clear_kept_events()


def test_past_events_are_short_and_no_property_is_empty(world, app, client):  # noqa: F811
    feeds.clear_kept_events()
    app.config.update(FEED_PAST_DAYS=30)
    now = datetime.now(UTC).replace(microsecond=0)
    with app.app_context():
        for title, start in (("Förra veckan", now - timedelta(days=7)), ("Nästa", now)):
            schedule(world, title=title, start=start + timedelta(days=2), agenda="1. Läget")
        token = calendar_services.issue_feed_token(db.session.get(User, world["me"]))
        db.session.commit()
    body = client.get(f"/kalender/{token}/team.ics").data
    events = {str(e["SUMMARY"]): e for e in Calendar.from_ical(body).walk("VEVENT")}
    past, upcoming = events["Förra veckan"], events["Nästa"]
    assert str(past["DESCRIPTION"]).startswith("http") and "Läget" not in past["DESCRIPTION"]
    assert "1. Läget" in upcoming["DESCRIPTION"] and "Malmö" in upcoming["DESCRIPTION"]
    for line in body.replace(b"\r\n ", b"").split(b"\r\n")[:-1]:
        assert not line.endswith(b":"), line  # no empty property
    feeds.clear_kept_events()
