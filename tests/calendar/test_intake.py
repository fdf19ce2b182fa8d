"""Reading received invitations: every real file in the shared corpus and malformed variants
get a meeting or a Swedish message (never a 500); identity (UID + organizer +
RECURRENCE-ID) turns a re-sent invitation into an update, a CANCEL into a cancellation and a
REPLY into an answer beside the participant; a series is one meeting or one per occurrence."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.contacts.models import Contact
from app.extensions import db
from app.meetings.models import Meeting, MeetingAnswer, MeetingStatus

from .test_calendar import schedule
from .test_calendar import world as calendar_world

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def world(seeded, users, app):
    """Malmö with Sara (known by her address) and Johan, and two team members."""
    return calendar_world.__wrapped__(seeded, users, app)


def corpus_dir() -> Path | None:
    """../shared/calendar-inbound from the project's root (a worktree's or main's)."""
    for base in (ROOT, *ROOT.parents):
        candidate = base / "shared" / "calendar-inbound"
        if candidate.is_dir():
            return candidate
    return None


CORPUS = corpus_dir()
needs_corpus = pytest.mark.skipif(
    CORPUS is None, reason="../shared/calendar-inbound (the real invitations) is not here"
)


def upload(client, data: bytes):
    return client.post(
        "/moten/importera-inbjudan",
        data={"file": (io.BytesIO(data), "inbjudan.ics")},
        content_type="multipart/form-data",
    )


def hidden(page: str, name: str) -> str:
    return re.search(rf'name="{name}" type="hidden" value="([^"]*)"', page).group(1)


def invitation(
    *,
    method="REQUEST",
    uid="AAAA-outlook-1@example.org",
    start="20270115T100000",
    end="20270115T110000",
    sequence=0,
    title="Samråd om återvandring",
    attendees=(("Okänd Gäst", "gast@lund.se", "NEEDS-ACTION"),),
    extra="",
) -> bytes:
    """An invitation as Outlook writes it: Windows zone name without VTIMEZONE, CRLF."""
    lines = [
        "BEGIN:VCALENDAR",
        "PRODID:Microsoft Exchange Server 2010",
        "VERSION:2.0",
        f"METHOD:{method}",
        "BEGIN:VEVENT",
        "ORGANIZER;CN=Org Anisatör:mailto:org@lansstyrelsen.se",
        *(
            f'ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT={answer};RSVP=TRUE;CN="{name}":mailto:{email}'
            for name, email, answer in attendees
        ),
        f"SUMMARY;LANGUAGE=sv-SE:{title}",
        f"DTSTART;TZID=W. Europe Standard Time:{start}",
        f"DTEND;TZID=W. Europe Standard Time:{end}",
        f"UID:{uid}" if uid else "",
        f"SEQUENCE:{sequence}",
        "DTSTAMP:20261201T120000Z",
        "LOCATION;LANGUAGE=sv-SE:Residenset",
        *([extra] if extra else []),
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return ("\r\n".join(line for line in lines if line) + "\r\n").encode()


def save_form(page: str, world, **extra) -> dict:
    """What the browser posts back from the pre-filled form (the fields the tests need)."""
    data = {
        "intake_file": hidden(page, "intake_file"),
        "title": re.search(r'name="title"[^>]*value="([^"]*)"', page).group(1),
        "kind": "fysiskt",
        "status": "planerat",
        "day": re.search(r'name="day"[^>]*value="([^"]*)"', page).group(1),
        "start": re.search(r'name="start"[^>]*value="([^"]*)"', page).group(1),
        "end": re.search(r'name="end"[^>]*value="([^"]*)"', page).group(1),
        "place": re.search(r'name="place"[^>]*value="([^"]*)"', page).group(1),
        "organisations": [str(world["malmo"])],
        "responsible": str(world["me"]),
        "team": [str(world["me"])],
        "version": "1",
    }
    for index in range(len(re.findall(r'name="people-(\d+)-email"', page))):
        data[f"people-{index}-email"] = re.search(
            rf'name="people-{index}-email" type="hidden" value="([^"]*)"', page
        ).group(1)
        data[f"people-{index}-full_name"] = re.search(
            rf'name="people-{index}-full_name" type="hidden" value="([^"]*)"', page
        ).group(1)
        data[f"people-{index}-action"] = "skip"
    data.update(extra)
    return data


# --- The corpus ---------------------------------------------------------------------------

#: Each real file's outcome: "new" shows the meeting form; otherwise a text on the page.
EXPECTED = {
    "bom__empty-calendar.ics": "inget möte",
    "evolution__recurrence-sequence.ics": "new",
    "exchange-cdo__recurring__gmt-label-tzid__request.ics": "new",
    "exchange2010__jordan-standard-time__request.ics": "new",
    "exchange2010__pacific-standard-time__request.ics": "new",
    "exchange2010__publish__3-events-allday-recurring.ics": "several 3",
    "exchange2010__publish__issue27.ics": "new",
    "exchange2010__publish__windows-tzid.ics": "new",
    "google-calendar__allday__request.ics": "new",
    "google-calendar__meet__invite-attachment.ics": "new",
    "google-calendar__meet__request.ics": "new",
    "google-calendar__publish__single-event.ics": "new",
    "google-calendar__recurring-across-dst.ics": "new",
    "google-calendar__weekly__apple-structured-location.ics": "new",
    "google-calendar__x-wr-timezone__2-events.ics": "several 2",
    "nextcloud-sabredav__one-event.ics": "new",
    "outlook-exchange2010__fle-standard-time__request.ics": "new",
    "outlook12__publish__159-holidays.ics": "several 159",
    "teams-exchange2010__request.ics": "new",
    "thunderbird-testsuite__attach-and-duration__request.ics": "new",
    "thunderbird-testsuite__cancel-single.ics": "Avbokningen gäller ett möte som inte finns",
    "thunderbird-testsuite__exception-only__request.ics": "new",
    "thunderbird-testsuite__recurring__request.ics": "new",
    "thunderbird__event-with-alarm.ics": "new",
}
#: Start (Stockholm) the form shows for some, checking the time zones.
STARTS = {
    "outlook-exchange2010__fle-standard-time__request.ics": (
        "2021-11-27",
        "08:00",
    ),  # Helsinki 09:00
    "exchange2010__pacific-standard-time__request.ics": ("2017-02-24", "21:00"),  # 12:00 PST
    "exchange-cdo__recurring__gmt-label-tzid__request.ics": ("2015-07-03", "10:00"),
    "teams-exchange2010__request.ics": ("2020-12-02", "18:00"),
}


@needs_corpus
def test_every_corpus_file_is_listed():
    assert sorted(p.name for p in CORPUS.glob("*.ics")) == sorted(EXPECTED)


@needs_corpus
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_file_outcome(world, as_role, name):
    response = upload(as_role("coordinator"), (CORPUS / name).read_bytes())
    expected = EXPECTED[name]
    if expected == "new":
        assert response.status_code == 200
        assert 'action="/moten/importera-inbjudan/spara"' in response.text
        if name in STARTS:
            day, clock = STARTS[name]
            assert f'value="{day}"' in response.text and f'value="{clock}"' in response.text
    elif expected.startswith("several "):  # an exported calendar: its events to pick
        count = int(expected.split()[1])
        assert response.status_code == 200
        assert f"{count} möten i filen" in response.text
        assert response.text.count('name="events"') == count
        assert response.text.count(" disabled>") == 0  # every one can be read in
    else:
        assert response.status_code == 400 and expected in response.text


# --- Malformed files ----------------------------------------------------------------------

GOOD = invitation()
MALFORMED = [
    ("month 13", GOOD.replace(b"20270115T100000", b"20271315T100000"), "går inte att läsa"),
    ("text date", GOOD.replace(b"20270115T100000", b"next tuesday"), "går inte att läsa"),
    ("year 9999", GOOD.replace(b"2027", b"9999"), "Året i DTSTART är orimligt"),
    (
        "missing DTSTART",
        GOOD.replace(b"DTSTART;TZID=W. Europe Standard Time:20270115T100000\r\n", b""),
        "saknar starttid",
    ),
    (
        "duplicate DTSTART",
        GOOD.replace(b"SEQUENCE:0", b"DTSTART:20270116T100000Z\r\nSEQUENCE:0"),
        "DTSTART två gånger",
    ),
    ("end before start", GOOD.replace(b"20270115T110000", b"20270114T110000"), "slutar innan"),
    ("empty DTSTART", GOOD.replace(b"Time:20270115T100000", b"Time:"), "går inte att läsa"),
    ("not a calendar", b"%PDF-1.4", "inte en kalenderfil"),
    ("no end of calendar", GOOD[:40], "inte en kalenderfil"),
    ("only undefined bytes", b"BEGIN:VCALENDAR\r\n\x81\x8d\x8f\x90\x9d\r\n", "inte går att läsa"),
]


@pytest.mark.parametrize(
    ("data", "message"), [c[1:] for c in MALFORMED], ids=[c[0] for c in MALFORMED]
)
def test_malformed_files_get_a_swedish_message(world, as_role, data, message):
    response = upload(as_role("coordinator"), data)
    assert response.status_code == 400 and message in response.text


def test_bom_folded_lines_and_windows_1252(world, as_role):
    folded = GOOD.replace(
        b"SUMMARY;LANGUAGE=sv-SE:Samr\xc3\xa5d om \xc3\xa5tervandring",
        b"SUMMARY;LANGUAGE=sv-SE:Samr\xc3\xa5d om \r\n \xc3\xa5tervandring",
    )
    page = upload(as_role("coordinator"), b"\xef\xbb\xbf" + folded).text
    assert 'value="Samråd om återvandring"' in page and 'value="10:00"' in page
    legacy = GOOD.decode().encode("cp1252")
    page = upload(as_role("coordinator"), legacy).text
    assert 'value="Samråd om återvandring"' in page and "Windows-1252" in page


# --- Identity: new, update, older, cancel, reply --------------------------------------------


def test_round_trip_new_update_reply_cancel(world, as_role, app):
    client = as_role("coordinator")
    page = upload(client, invitation()).text
    assert "Okänd Gäst (gast@lund.se)" in page
    data = save_form(page, world)
    guest_row = "0" if data["people-0-email"] == "gast@lund.se" else "1"
    assert data[f"people-{guest_row}-email"] == "gast@lund.se"  # the organizer is new too
    data[f"people-{guest_row}-action"] = "add"
    data[f"people-{guest_row}-organisation"] = str(world["malmo"])
    response = client.post("/moten/importera-inbjudan/spara", data=data)
    assert response.status_code == 302, response.text
    with app.app_context():
        meeting = db.session.scalar(select(Meeting))
        guest = db.session.scalar(select(Contact).where(Contact.last_name == "Gäst"))
        assert guest is not None and [a.organisation_id for a in guest.affiliations] == [
            world["malmo"]
        ]
        assert guest in meeting.contacts
        assert (meeting.ical_uid, meeting.organizer_email, meeting.recurrence_id) == (
            "AAAA-outlook-1@example.org",
            "org@lansstyrelsen.se",
            "",
        )
        assert meeting.organizer_sequence == 0 and meeting.sequence == 0
        meeting_id = meeting.id

    # The same file again: nothing to change.
    assert "redan har de här uppgifterna" in upload(client, invitation()).text
    # The organizer moves it: an update of the same meeting, showing what changes.
    moved = invitation(start="20270115T130000", end="20270115T140000", sequence=1)
    page = upload(client, moved).text
    assert "2027-01-15 10:00–11:00" in page and "2027-01-15 13:00–14:00" in page
    response = client.post(
        "/moten/importera-inbjudan/bekrafta",
        data={"intake_file": hidden(page, "intake_file"), "version": hidden(page, "version")},
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Meeting)) == 1
        meeting = db.session.get(Meeting, meeting_id)
        assert meeting.starts_at == datetime(2027, 1, 15, 12, 0, tzinfo=UTC)
        assert meeting.organizer_sequence == 1
    # An older invitation is refused.
    response = upload(client, invitation(sequence=0, title="Gammal"))
    assert response.status_code == 400 and "äldre än den som redan lästs in" in response.text

    # The guest declines (a REPLY as Outlook writes it, to the organizer).
    reply = invitation(
        method="REPLY", sequence=1, attendees=(("Okänd Gäst", "gast@lund.se", "DECLINED"),)
    )
    response = upload(client, reply)
    assert response.status_code == 302
    detail = client.get(f"/moten/{meeting_id}").text
    assert re.search(r"Gäst</a> <span class=\"tag answer\">Har tackat nej", detail)
    # The history says it in words, not the calendar's code or "Annat fält".
    history = detail[detail.index('id="history-heading"') :]
    assert "<dt>Svar på inbjudan</dt>" in history and "gast@lund.se: har tackat nej" in history
    assert "DECLINED" not in history and "Annat fält" not in history
    # An older answer (earlier DTSTAMP) does not overwrite it.
    older = reply.replace(b"DTSTAMP:20261201T120000Z", b"DTSTAMP:20261130T120000Z")
    response = upload(client, older.replace(b"PARTSTAT=DECLINED", b"PARTSTAT=ACCEPTED"))
    assert "äldre än det som redan finns" in client.get(response.location).text
    # Samverkan sends nothing of its own for it.
    assert "Skicka inbjudan" not in detail and "Ladda ner inbjudan" not in detail
    assert client.get(f"/moten/{meeting_id}/inbjudan.ics").status_code == 404

    # The organizer cancels it.
    page = upload(client, invitation(method="CANCEL", sequence=2)).text
    assert "Markera som inställt" in page
    client.post(
        "/moten/importera-inbjudan/bekrafta",
        data={"intake_file": hidden(page, "intake_file"), "version": hidden(page, "version")},
    )
    with app.app_context():
        assert db.session.get(Meeting, meeting_id).status is MeetingStatus.CANCELLED


def test_same_uid_from_another_organizer_is_another_meeting(world, as_role, app):
    client = as_role("coordinator")
    client.post("/moten/importera-inbjudan/spara", data=save_form(upload(client, GOOD).text, world))
    other = GOOD.replace(b"org@lansstyrelsen.se", b"someone@else.example")
    page = upload(client, other).text
    assert 'action="/moten/importera-inbjudan/spara"' in page  # a new meeting, not an update


def test_without_uid_always_new_with_a_warning(world, as_role, app):
    client = as_role("coordinator")
    data = invitation(uid="")
    response = client.post(
        "/moten/importera-inbjudan/spara", data=save_form(upload(client, data).text, world)
    )
    assert response.status_code == 302
    page = upload(client, data).text
    assert "saknar UID" in page and 'action="/moten/importera-inbjudan/spara"' in page
    with app.app_context():
        assert db.session.scalar(select(Meeting.ical_uid)) is None


def test_cancel_for_an_unknown_uid_says_so(world, as_role):
    response = upload(as_role("coordinator"), invitation(method="CANCEL", uid="nobody@x"))
    assert response.status_code == 400 and "inte finns i Samverkan" in response.text


def test_reply_to_samverkans_own_invitation(world, as_role, app):
    """Export → the attendee answers in Google → import: the answer shows beside Sara."""
    from icalendar import Calendar

    with app.app_context():
        meeting_id = schedule(world)
    client = as_role("coordinator")
    exported = Calendar.from_ical(client.get(f"/moten/{meeting_id}/inbjudan.ics").data)
    event = exported.walk("VEVENT")[0]
    reply = (
        "BEGIN:VCALENDAR\r\nPRODID:-//Google Inc//Google Calendar 70.9054//EN\r\nVERSION:2.0\r\n"
        "METHOD:REPLY\r\nBEGIN:VEVENT\r\n"
        f"DTSTART:{event['DTSTART'].to_ical().decode()}\r\n"
        f"DTSTAMP:20261201T090000Z\r\nUID:{event['UID']}\r\n"
        f"ORGANIZER:{event['ORGANIZER']}\r\n"
        "ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=TENTATIVE;CN=Sara Lindqvist"
        ";X-NUM-GUESTS=0:mailto:sara.lindqvist@malmo.se\r\n"
        "SUMMARY:Dialog\r\nSEQUENCE:0\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    assert upload(client, reply.encode()).status_code == 302
    assert (
        'Lindqvist</a> <span class="tag answer">Kanske' in client.get(f"/moten/{meeting_id}").text
    )
    with app.app_context():
        assert db.session.scalar(select(MeetingAnswer.answer)) == "TENTATIVE"


def test_send_is_refused_for_a_meeting_organised_elsewhere(world, as_role, app):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=1, MAIL_DEFAULT_SENDER="s@example.se")
    client = as_role("coordinator")
    client.post("/moten/importera-inbjudan/spara", data=save_form(upload(client, GOOD).text, world))
    with app.app_context():
        meeting_id = db.session.scalar(select(Meeting.id))
    response = client.post(f"/moten/{meeting_id}/skicka", follow_redirects=True)
    assert "Samverkan skickar ingen egen inbjudan" in response.text


def test_a_stale_form_after_someone_else_imported_offers_the_update(world, as_role, app):
    client = as_role("coordinator")
    page = upload(client, GOOD).text
    client.post("/moten/importera-inbjudan/spara", data=save_form(page, world))
    again = client.post("/moten/importera-inbjudan/spara", data=save_form(page, world))
    assert again.status_code == 200 and "redan har de här uppgifterna" in again.text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Meeting)) == 1


def test_a_past_import_is_held(world, as_role):
    past = invitation(start="20250115T100000", end="20250115T110000")
    page = upload(as_role("coordinator"), past).text
    assert '<option selected value="genomfort">' in page


def confirm_data(page: str, **people) -> dict:
    """What the browser posts from the confirmation page; `people` maps an e-mail address
    to (action, organisation id) for the rows of people new to Samverkan."""
    data = {"intake_file": hidden(page, "intake_file"), "version": hidden(page, "version")}
    for index in range(len(re.findall(r'name="people-(\d+)-email"', page))):
        email = re.search(rf'name="people-{index}-email" type="hidden" value="([^"]*)"', page)
        name = re.search(rf'name="people-{index}-full_name" type="hidden" value="([^"]*)"', page)
        action, organisation = people.get(email.group(1), ("skip", ""))
        data[f"people-{index}-email"] = email.group(1)
        data[f"people-{index}-full_name"] = name.group(1)
        data[f"people-{index}-action"] = action
        data[f"people-{index}-organisation"] = organisation
    return data


def test_a_resent_invitation_adds_and_removes_participants(world, as_role, app, users):
    """Round trip: imported with a skipped guest; the organizer adds a contact, a colleague
    and someone new to Samverkan (added as a contact at Malmö), then takes the contact off
    again. Each update shows who comes and goes; the same file again changes nothing."""
    client = as_role("coordinator")
    guest = ("Okänd Gäst", "gast@lund.se", "NEEDS-ACTION")
    page = upload(client, invitation(attendees=(guest,))).text
    response = client.post("/moten/importera-inbjudan/spara", data=save_form(page, world))
    assert response.status_code == 302, response.text
    with app.app_context():
        meeting_id = db.session.scalar(select(Meeting.id))
    # The guest was skipped: the same invitation again offers nothing.
    assert "redan har de här uppgifterna" in upload(client, invitation(attendees=(guest,))).text

    more = (
        guest,
        ("Sara Lindqvist", "sara.lindqvist@malmo.se", "NEEDS-ACTION"),
        ("Kollega", users["admin"], "NEEDS-ACTION"),
        ("Nya Nilsson", "nya.nilsson@lund.se", "NEEDS-ACTION"),
    )
    page = upload(client, invitation(attendees=more, sequence=1)).text
    assert "Deltagare som läggs till" in page and "Sara Lindqvist" in page
    assert "Nya Nilsson (nya.nilsson@lund.se)" in page
    assert "Okänd Gäst" not in page  # skipped before: not offered again
    data = confirm_data(page, **{"nya.nilsson@lund.se": ("add", str(world["malmo"]))})
    response = client.post("/moten/importera-inbjudan/bekrafta", data=data)
    assert response.status_code == 302, response.text
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        names = {c.full_name for c in meeting.contacts}
        assert names == {"Sara Lindqvist", "Nya Nilsson"}
        assert world["colleague"] in {u.id for u in meeting.team}
        new = db.session.scalar(select(Contact).where(Contact.last_name == "Nilsson"))
        assert [a.organisation_id for a in new.affiliations] == [world["malmo"]]
        assert meeting.organizer_sequence == 1
    assert (
        "redan har de här uppgifterna"
        in upload(client, invitation(attendees=more, sequence=1)).text
    )

    fewer = (guest, more[2], more[3])
    page = upload(client, invitation(attendees=fewer, sequence=2)).text
    assert "Deltagare som tas bort" in page and "Sara Lindqvist" in page
    response = client.post("/moten/importera-inbjudan/bekrafta", data=confirm_data(page))
    assert response.status_code == 302, response.text
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        assert {c.full_name for c in meeting.contacts} == {"Nya Nilsson"}
        assert world["colleague"] in {u.id for u in meeting.team}
        assert db.session.scalar(select(func.count()).select_from(Meeting)) == 1


def test_an_exported_calendar_lists_its_meetings_to_pick(world, as_role):
    """Several events under METHOD:PUBLISH (an exported calendar) are listed to pick from
    (tests/calendar/test_intake_several.py), not refused."""
    one = invitation(method="PUBLISH").decode()
    event = one[one.index("BEGIN:VEVENT") : one.index("END:VCALENDAR")]
    two = one.replace("END:VCALENDAR", event.replace("AAAA-outlook-1", "BBBB") + "END:VCALENDAR")
    response = as_role("coordinator").post(
        "/moten/importera-inbjudan",
        data={"file": (io.BytesIO(two.encode()), "kalender.ics")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    assert "2 möten i filen" in response.text and response.text.count('name="events"') == 2
