"""Calendar pages: downloads, SEQUENCE rules, feeds with secret tokens and ETags, sending
invitations to a real SMTP server, and logging a meeting from a received invitation."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from app.auth.models import User
from app.calendar import services as calendar_services
from app.contacts.models import Contact
from app.contacts.services import ContactValues, create_contact
from app.extensions import db
from app.followups.services import FollowUpValues, complete_follow_up, create_follow_up
from app.meetings import services
from app.meetings.models import Meeting, MeetingKind, MeetingStatus
from app.organisations.models import Organisation

DATA = Path(__file__).parent / "data"


@pytest.fixture
def world(seeded, users, app):
    with app.app_context():
        malmo = db.session.scalar(select(Organisation).filter_by(municipality_code="1280"))
        sara = create_contact(
            values=ContactValues(
                first_name="Sara", last_name="Lindqvist", emails=["sara.lindqvist@malmo.se"]
            ),
            organisation=malmo,
            by=None,
        )
        johan = create_contact(
            values=ContactValues(first_name="Johan", last_name="Berg"), organisation=malmo, by=None
        )
        me = db.session.scalar(select(User).filter_by(email=users["coordinator"]))
        colleague = db.session.scalar(select(User).filter_by(email=users["admin"]))
        db.session.commit()
        return {
            "malmo": malmo.id,
            "sara": sara.id,
            "johan": johan.id,
            "me": me.id,
            "colleague": colleague.id,
        }


def schedule(world, *, title="Dialog om återvandring", start=None, hours=1, **extra):
    start = start or datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)
    values = services.MeetingValues(
        title=title,
        kind=MeetingKind.IN_PERSON,
        status=extra.pop("status", MeetingStatus.PLANNED),
        starts_at=start,
        ends_at=start + timedelta(hours=hours),
        all_day=False,
        responsible_id=extra.pop("responsible_id", world["me"]),
        organisation_ids=[world["malmo"]],
        contact_ids=extra.pop("contact_ids", [world["sara"], world["johan"]]),
        team_ids=extra.pop("team_ids", [world["colleague"]]),
        place=extra.pop("place", "Stadshuset"),
        **extra,
    )
    meeting = services.schedule_meeting(values=values, by=None)
    db.session.commit()
    return meeting.id


def values_of(meeting: Meeting, **changes) -> services.MeetingValues:
    values = services.MeetingValues(
        title=meeting.title,
        kind=meeting.kind,
        status=meeting.status,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        all_day=meeting.all_day,
        responsible_id=meeting.responsible_id,
        organisation_ids=[o.id for o in meeting.organisations],
        contact_ids=[c.id for c in meeting.contacts],
        team_ids=[u.id for u in meeting.team],
        place=meeting.place,
        agenda=meeting.agenda,
    )
    for name, value in changes.items():
        setattr(values, name, value)
    return values


def event_of(body: bytes):
    calendar = Calendar.from_ical(body)
    (event,) = calendar.walk("VEVENT")
    return calendar, event


class TestSequence:
    def test_raised_by_every_change_an_invitation_shows(self, world, app):
        with app.app_context():
            meeting = db.session.get(Meeting, schedule(world))
            uid = meeting.uid
            assert meeting.sequence == 0 and uid.endswith("@samverkan")

            def edit(**changes):
                services.update_meeting(
                    meeting,
                    values=values_of(meeting, **changes),
                    expected_version=meeting.version,
                    by=None,
                )
                db.session.commit()
                return meeting.sequence

            assert edit(notes="Egna anteckningar") == 0  # not in the invitation
            assert edit(agenda="Ny dagordning") == 1  # the description, like the time
            assert edit(title="Ny rubrik") == 2
            assert edit(place="Rådhuset") == 3
            assert (
                edit(
                    starts_at=meeting.starts_at + timedelta(hours=1),
                    ends_at=meeting.ends_at + timedelta(hours=1),
                )
                == 4
            )
            services.cancel_meeting(meeting, expected_version=meeting.version, by=None)
            db.session.commit()
            assert meeting.sequence == 5 and meeting.cancelled_at is not None
            assert meeting.uid == uid


class TestDownloads:
    def test_invitation_then_update_then_cancellation(self, world, as_role, app):
        with app.app_context():
            meeting_id = schedule(world, start=datetime(2026, 12, 1, 9, tzinfo=UTC))
        client = as_role("coordinator")
        response = client.get(f"/moten/{meeting_id}/inbjudan.ics")
        assert response.status_code == 200
        assert response.headers["Content-Type"] == "text/calendar; charset=utf-8; method=REQUEST"
        disposition = response.headers["Content-Disposition"]
        assert "attachment" in disposition and "2026-12-01" in disposition and ".ics" in disposition
        calendar, event = event_of(response.data)
        assert calendar["METHOD"] == "REQUEST"
        assert str(event["ORGANIZER"]).lower().startswith("mailto:")
        attendees = {str(a).lower() for a in event["ATTENDEE"]}
        # Sara has an address, Johan has none; both team members have theirs.
        assert "mailto:sara.lindqvist@malmo.se" in attendees and len(attendees) == 3
        assert b"DTSTART;TZID=Europe/Stockholm:20261201T100000" in response.data
        first_sequence = int(event["SEQUENCE"])

        # Cancelling from the meeting page offers the cancellation file.
        page = client.get(f"/moten/{meeting_id}").text
        version = re.search(r'name="version" value="(\d+)"', page).group(1)
        client.post(f"/moten/{meeting_id}/stall-in", data={"version": version})
        page = client.get(f"/moten/{meeting_id}").text
        assert "Ladda ner avbokning" in page and "Ställ in mötet" not in page
        cancelled = client.get(f"/moten/{meeting_id}/avbokning.ics")
        assert cancelled.headers["Content-Type"] == "text/calendar; charset=utf-8; method=CANCEL"
        calendar, event = event_of(cancelled.data)
        assert calendar["METHOD"] == "CANCEL" and event["STATUS"] == "CANCELLED"
        assert int(event["SEQUENCE"]) > first_sequence and event["ATTENDEE"]
        # The invitation link now leads to the cancellation.
        assert client.get(f"/moten/{meeting_id}/inbjudan.ics").status_code == 302

    def test_a_stale_cancel_is_a_conflict(self, world, as_role, app):
        with app.app_context():
            meeting_id = schedule(world)
        client = as_role("coordinator")
        client.post(f"/moten/{meeting_id}/stall-in", data={"version": "0"})
        with app.app_context():
            assert db.session.get(Meeting, meeting_id).status is MeetingStatus.PLANNED

    def test_no_send_button_without_smtp(self, world, as_role, app):
        with app.app_context():
            meeting_id = schedule(world)
        client = as_role("coordinator")
        page = client.get(f"/moten/{meeting_id}").text
        assert "Ladda ner inbjudan" in page and "Skicka inbjudan" not in page
        assert client.post(f"/moten/{meeting_id}/skicka").status_code == 404


def new_feed_token(client) -> str:
    page = client.post("/kalender/ny-lank").text
    link = re.search(r'value="(https?://[^"]+/kalender/[^"/]+\.ics)"', page).group(1)
    assert "webcal://" in page
    return link.rsplit("/", 1)[1].removesuffix(".ics")


class TestFeeds:
    def test_personal_feed_has_meetings_and_deadlines_without_attendees(
        self, world, as_role, app, client
    ):
        with app.app_context():
            schedule(world, title="Mitt möte")
            schedule(world, title="Kollegans möte", responsible_id=world["colleague"], team_ids=[])
            gone = schedule(world, title="Inställt nyss", status=MeetingStatus.CANCELLED)
            old = schedule(world, title="Inställt för länge sedan", status=MeetingStatus.CANCELLED)
            db.session.get(Meeting, old).cancelled_at = datetime.now(UTC) - timedelta(days=31)
            create_follow_up(
                values=FollowUpValues(
                    title="Skicka rutinen", owner_id=world["me"], due_on=date(2026, 12, 2)
                ),
                by=None,
                today=date(2026, 11, 23),
            )
            done = create_follow_up(
                values=FollowUpValues(
                    title="Klar sak", owner_id=world["me"], due_on=date(2026, 11, 20)
                ),
                by=None,
                today=date(2026, 11, 23),
            )
            complete_follow_up(done, note="", by=None, today=date(2026, 11, 23))
            db.session.commit()
            assert gone
        user = as_role("coordinator")
        token = new_feed_token(user)
        assert len(token) >= 43  # 256 bits in URL-safe base64
        user.post("/logga-ut")

        response = client.get(f"/kalender/{token}.ics")  # no session: the token is the key
        assert response.status_code == 200
        assert response.headers["Content-Type"] == "text/calendar; charset=utf-8; method=PUBLISH"
        assert response.headers["Referrer-Policy"] == "no-referrer"
        body = response.data
        assert b"METHOD:PUBLISH" in body and b"X-WR-CALNAME:" in body and b"\r\nNAME:" in body
        assert b"REFRESH-INTERVAL;VALUE=DURATION:PT1H" in body and b"X-PUBLISHED-TTL:PT1H" in body
        assert b"ATTENDEE" not in body and b"ORGANIZER" not in body
        assert b"X-WR-TIMEZONE" not in body  # the VTIMEZONE says it (issue 17)
        assert b"TRANSP:OPAQUE" not in body and b"STATUS:CONFIRMED" not in body  # defaults
        calendar = Calendar.from_ical(body)
        events = {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}
        assert "Mitt möte" in events and "Kollegans möte" not in events
        assert events["Inställt nyss"]["STATUS"] == "CANCELLED"
        assert "Inställt för länge sedan" not in events
        deadline = events["Sista dag: Skicka rutinen"]
        assert deadline.decoded("DTSTART") == date(2026, 12, 2)
        assert deadline.decoded("DTEND") == date(2026, 12, 3)  # exclusive end
        assert events["Sista dag: Klar sak"]["STATUS"] == "CANCELLED"

        # Unchanged feed: 304 on the ETag.
        etag = response.headers["ETag"]
        again = client.get(f"/kalender/{token}.ics", headers={"If-None-Match": etag})
        assert again.status_code == 304 and not again.data
        team = client.get(f"/kalender/{token}/team.ics")
        titles = {str(e["SUMMARY"]) for e in Calendar.from_ical(team.data).walk("VEVENT")}
        assert {"Mitt möte", "Kollegans möte"} <= titles

    def test_tokens_are_hashed_and_a_new_one_revokes_the_old(self, world, as_role, app, client):
        user = as_role("reader")  # readers may subscribe too
        first = new_feed_token(user)
        second = new_feed_token(user)
        with app.app_context():
            stored = db.session.scalars(
                select(User.feed_token_hash).where(User.feed_token_hash.is_not(None))
            ).all()
            assert len(stored) == 1 and first not in stored[0] and second not in stored[0]
        user.post("/logga-ut")
        assert client.get(f"/kalender/{first}.ics").status_code == 404
        assert client.get(f"/kalender/{second}.ics").status_code == 200

    @pytest.mark.parametrize("token", ["wrong", "x" * 43, "a" * 500, "%00", "%2e%2e"])
    def test_a_wrong_token_is_404_without_a_hint(self, world, client, token):
        response = client.get(f"/kalender/{token}.ics")
        assert response.status_code == 404
        assert client.get(f"/kalender/{token}/team.ics").status_code == 404

    def test_a_revoked_token_or_deactivated_user_is_404(self, world, as_role, app, client, users):
        user = as_role("coordinator")
        token = new_feed_token(user)
        user.post("/kalender/ta-bort-lank")
        user.post("/logga-ut")
        assert client.get(f"/kalender/{token}.ics").status_code == 404
        with app.app_context():
            me = db.session.get(User, world["me"])
            token = calendar_services.issue_feed_token(me)
            me.active = False
            db.session.commit()
        assert client.get(f"/kalender/{token}.ics").status_code == 404

    def test_feed_statement_count_is_constant(self, world, app, client, count_statements):
        with app.app_context():
            me = db.session.get(User, world["me"])
            token = calendar_services.issue_feed_token(me)
            db.session.commit()
        counts = []
        for number in (2, 30):
            with app.app_context():
                for index in range(number):
                    schedule(world, title=f"Möte {index}")
            with count_statements() as counter:
                assert client.get(f"/kalender/{token}.ics").status_code == 200
            counts.append(counter.count)
        # 7: one is the security log's count of this address's wrong tokens (the throttle).
        assert counts[0] == counts[1] <= 7


class TestSending:
    @pytest.fixture
    def smtp(self, app):
        """A real SMTP server on 127.0.0.1 that keeps what it receives."""
        from aiosmtpd.controller import Controller

        class Keep:
            def __init__(self):
                self.received = []

            async def handle_DATA(self, server, session, envelope):
                self.received.append(envelope)
                return "250 OK"

        import socket

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        handler = Keep()
        controller = Controller(handler, hostname="127.0.0.1", port=port)
        controller.start()
        app.config.update(
            MAIL_SERVER="127.0.0.1",
            MAIL_PORT=port,
            MAIL_DEFAULT_SENDER="samverkan@example.se",
        )
        yield handler
        controller.stop()

    def test_invitation_and_cancellation_arrive(self, world, as_role, app, smtp):
        import email
        from email import policy

        with app.app_context():
            meeting_id = schedule(world, title="Avstämning; med, tecken å ä ö")
        client = as_role("coordinator")
        page = client.get(f"/moten/{meeting_id}").text
        assert "Skicka inbjudan" in page
        response = client.post(f"/moten/{meeting_id}/skicka", follow_redirects=True)
        assert "Skickat till 2 mottagare" in response.text
        # Sara and the colleague; the organizer does not invite themself.
        recipients = sorted(r for e in smtp.received for r in e.rcpt_tos)
        assert recipients == ["sara.lindqvist@malmo.se", db_email(app, world["colleague"])]
        message = email.message_from_bytes(smtp.received[0].content, policy=policy.default)
        assert message.get_content_type() == "multipart/mixed"
        assert "Avstämning; med, tecken å ä ö" in str(message["Subject"])
        alternative, attached = message.get_payload()
        assert attached.get_content_type() == "application/ics"
        text, calendar_part = alternative.get_payload()
        assert text.get_content_type() == "text/plain" and "Stadshuset" in text.get_content()
        assert calendar_part.get_content_type() == "text/calendar"
        assert calendar_part.get_param("method") == "REQUEST"
        calendar, event = event_of(calendar_part.get_payload(decode=True))
        assert (
            calendar["METHOD"] == "REQUEST"
            and str(event["SUMMARY"]) == "Avstämning; med, tecken å ä ö"
        )
        uid = str(event["UID"])

        version = re.search(
            r'name="version" value="(\d+)"', client.get(f"/moten/{meeting_id}").text
        ).group(1)
        client.post(f"/moten/{meeting_id}/stall-in", data={"version": version})
        smtp.received.clear()
        client.post(f"/moten/{meeting_id}/skicka")
        message = email.message_from_bytes(smtp.received[0].content, policy=policy.default)
        calendar_part = message.get_payload()[0].get_payload()[1]
        assert calendar_part.get_param("method") == "CANCEL"
        calendar, event = event_of(calendar_part.get_payload(decode=True))
        assert str(event["UID"]) == uid and event["STATUS"] == "CANCELLED"

    def test_an_unreachable_server_is_reported(self, world, as_role, app):
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=1, MAIL_TIMEOUT=2)
        with app.app_context():
            meeting_id = schedule(world)
        response = as_role("coordinator").post(f"/moten/{meeting_id}/skicka", follow_redirects=True)
        assert "E-postservern svarade inte" in response.text


def db_email(app, user_id):
    with app.app_context():
        return db.session.get(User, user_id).email


class TestImport:
    def upload(self, client, data: bytes, name="inbjudan.ics"):
        import io

        return client.post(
            "/moten/importera-inbjudan",
            data={"file": (io.BytesIO(data), name)},
            content_type="multipart/form-data",
        )

    @pytest.mark.parametrize("line_ending", [b"\r\n", b"\n"])
    def test_outlook_invite_prefills_the_form(self, world, as_role, app, users, line_ending):
        data = (DATA / "outlook.ics").read_bytes().replace(b"\r\n", line_ending)
        data = data.replace(b"kim@samordnare.example.se", users["admin"].encode())
        client = as_role("coordinator")
        page = self.upload(client, data).text
        assert 'value="Avstämning återvandring"' in page
        assert 'value="2026-07-15"' in page and 'value="10:00"' in page and 'value="11:00"' in page
        assert "https://teams.microsoft.com/l/meetup-join/19%3ameeting_abc" in page
        # Sara is known by her address: chosen, with Malmö; the colleague is in the team.
        assert f'<option selected value="{world["sara"]}">' in page
        assert f'<option selected value="{world["malmo"]}">' in page
        assert f'<option selected value="{world["colleague"]}">' in page
        # Johan Berg's address is unknown (his contact has none), as is the Lund guest.
        assert (
            "Okänd Person (okand@lund.se)" in page and "Berg, Johan (johan.berg@malmo.se)" in page
        )
        assert 'action="/moten/importera-inbjudan/spara"' in page
        with app.app_context():
            assert db.session.scalar(select(func.count()).select_from(Meeting)) == 0

    def test_saving_creates_the_chosen_new_contacts(self, world, as_role, app):
        client = as_role("coordinator")
        response = client.post(
            "/moten/ny",
            data={
                "title": "Från inbjudan",
                "kind": "digitalt",
                "status": "planerat",
                "day": "2026-12-03",
                "start": "13:00",
                "end": "14:30",
                "organisations": [str(world["malmo"])],
                "contacts": [str(world["sara"])],
                "responsible": str(world["me"]),
                "team": [str(world["me"])],
                "new_contacts": ["Okänd Person <okand@lund.se>", "sara.lindqvist@malmo.se"],
                "version": "1",
            },
        )
        assert response.status_code == 302
        with app.app_context():
            meeting = db.session.scalar(select(Meeting))
            names = sorted(c.full_name for c in meeting.contacts)
            assert names == ["Okänd Person", "Sara Lindqvist"]  # Sara not created twice
            assert db.session.scalar(select(func.count()).select_from(Contact)) == 3

    def test_google_invite_with_bom_and_lf(self, world, as_role):
        page = self.upload(as_role("coordinator"), (DATA / "google.ics").read_bytes()).text
        assert 'value="Länsträff om återvandring"' in page
        assert 'value="13:00"' in page and 'value="14:30"' in page
        assert "https://meet.google.com/abc-defg-hij" in page
        assert "Länsstyrelsen, Residenset, Malmö" in page

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            (b"%PDF-1.4 not a calendar", "inte en kalenderfil"),
            (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n", "inget möte"),
            (
                # several events in one REQUEST (an export, PUBLISH or no METHOD, is listed)
                b"BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nUID:a\r\n"
                b"DTSTART:20261201T100000Z\r\nEND:VEVENT\r\n"
                b"BEGIN:VEVENT\r\nUID:b\r\nDTSTART:20261202T100000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
                "flera möten",
            ),
            (
                b"BEGIN:VCALENDAR\r\n" + b"X-PAD:" + b"x" * 5000 + b"\r\nEND:VCALENDAR\r\n",
                "för stor",
            ),
        ],
    )
    def test_bad_files_get_a_clear_message(self, world, as_role, data, message, monkeypatch):
        # A small limit here: Werkzeug's test client leaves a real 1 MB upload's spool open.
        monkeypatch.setattr("app.calendar.import_routes.MAX_BYTES", 4000)
        monkeypatch.setattr("app.calendar.importer.MAX_BYTES", 4000)
        response = self.upload(as_role("coordinator"), data)
        assert response.status_code == 400 and message in response.text

    def test_no_file(self, world, as_role):
        response = as_role("coordinator").post("/moten/importera-inbjudan", data={})
        assert response.status_code == 400 and "Välj en kalenderfil" in response.text


def test_the_real_size_limit_is_checked_before_parsing():
    from app.calendar.importer import MAX_BYTES, InvalidInvite, parse_invite

    with pytest.raises(InvalidInvite) as refused:
        parse_invite(b"BEGIN:VCALENDAR\r\n" + b"x" * MAX_BYTES)
    assert refused.value.reason == "too-large"
