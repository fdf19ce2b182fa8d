"""Injection through the downloads: spreadsheet formulas in every CSV and XLSX export, and
extra properties smuggled into vCards, invitations and feeds by line breaks in text."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook

from ..conftest import login
from . import payload_world
from .test_xss import PAYLOADS as XSS_PAYLOADS

FORMULA_PAYLOADS = [
    *XSS_PAYLOADS,
    '=HYPERLINK("http://x")',
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
    "=cmd|' /C calc'!A0",
]
#: What a spreadsheet reads as the start of a formula (OWASP's list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture
def world(seeded, users):
    world = payload_world.build(seeded, FORMULA_PAYLOADS)
    # A municipality with no meeting at all, named like a formula: it is on the silence list.
    from app.extensions import db
    from app.organisations.models import Organisation, OrganisationKind
    from app.organisations.services import update_organisation

    with seeded.app_context():
        silent = db.session.scalars(
            db.select(Organisation)
            .where(Organisation.kind == OrganisationKind.KOMMUN)
            .order_by(Organisation.id.desc())
        ).first()
        update_organisation(
            silent,
            values={"name": '=HYPERLINK("http://x") tyst', "notes": ""},
            expected_version=silent.version,
            by=None,
        )
        db.session.commit()
    return world


@pytest.fixture
def admin(client, users):
    login(client, users["admin"])
    return client


def download(client, path: str) -> bytes:
    response = client.get(path)
    assert response.status_code == 200, (path, response.text[:300])
    assert response.headers["Content-Disposition"].startswith("attachment"), path
    return response.data


def xlsx_paths(world) -> list[str]:
    return [
        "/organisationer/export.xlsx",
        "/kontakter/export.xlsx",
        f"/rapporter/sammanstallning.xlsx?manad={world.month}",
        "/rapporter/lagesbild.xlsx",
        "/rapporter/tystnad.xlsx",
        "/rapporter/slutredovisning.xlsx",
        "/moten/export.xlsx",
        "/uppfoljningar/export.xlsx?visa=teamets",
    ]


def csv_paths(world) -> list[str]:
    return [
        "/organisationer/export.csv",
        "/kontakter/export.csv",
        f"/rapporter/sammanstallning.csv?manad={world.month}",
        "/moten/export.csv",
        "/uppfoljningar/export.csv?visa=teamets",
    ]


def test_xlsx_exports_hold_no_formulas(admin, world):
    texts = []
    for path in xlsx_paths(world):
        data = download(admin, path)
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for name in archive.namelist():
                if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                    xml = archive.read(name).decode()
                    assert not re.search(r"<(\w+:)?f[ >/]", xml), f"{path} {name}: a formula"
        workbook = load_workbook(io.BytesIO(data))
        for sheet in workbook.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", f"{path} {sheet.title}!{cell.coordinate}"
                    if isinstance(cell.value, str):
                        texts.append(cell.value)
    # The hostile texts are there, kept as text.
    joined = "\n".join(texts)
    for payload in ('=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "=cmd|"):
        assert payload in joined
    assert any(t.startswith('=HYPERLINK("http://x")') for t in texts)


def csv_cells(data: bytes) -> list[str]:
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    return [
        cell for row in csv.reader(io.StringIO(text, newline=""), delimiter=";") for cell in row
    ]


def test_csv_exports_defuse_formulas(admin, world):
    seen_defused = set()
    for path in csv_paths(world):
        cells = csv_cells(download(admin, path))
        dangerous = [c for c in cells if c.startswith(FORMULA_STARTS)]
        assert dangerous == [], f"{path}: cells a spreadsheet would run"
        for payload in FORMULA_PAYLOADS:
            if any(c.startswith("'" + payload.strip()) for c in cells):
                seen_defused.add(payload.strip())
    # Each formula start was met and defused (names and titles are stripped, so "\t=1" and
    # "\r=1" arrive as "=1"; the organisation name keeps its tab).
    assert {'=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "=1", "=cmd|' /C calc'!A0"} <= (
        seen_defused
    )


def test_the_spreadsheet_writers_defuse_every_formula_start():
    from app.common.spreadsheets import Sheet, csv_bytes, xlsx_bytes

    rows = [[p, f"x{p}", 1] for p in [*FORMULA_PAYLOADS, "\r\n=1", "=1\n=2"]]
    cells = csv_cells(csv_bytes(["=rubrik", "b", "c"], rows))
    assert [c for c in cells if c.startswith(FORMULA_STARTS)] == []
    workbook = load_workbook(io.BytesIO(xlsx_bytes([Sheet("=blad", ["=a", "b", "c"], rows)])))
    assert all(c.data_type != "f" for row in workbook.active.iter_rows() for c in row)


# --- vCard and iCalendar ------------------------------------------------------------------

#: Line breaks a reader may take as the end of a property line. RFC 6350/5545 say CRLF, but
#: Outlook, Apple and many libraries also accept a bare LF or a bare CR.
BREAKS = {"crlf": "\r\n", "lf": "\n", "cr": "\r"}


def logical_lines(text: str) -> list[str]:
    """Content lines as a lenient reader sees them: unfolded, split at any line break."""
    unfolded = re.sub(r"\r\n[ \t]", "", text)
    return [line for line in re.split(r"\r\n|\r|\n", unfolded) if line]


def property_name(line: str) -> str:
    return re.split(r"[;:]", line, maxsplit=1)[0].upper()


@pytest.mark.parametrize("kind", sorted(BREAKS))
def test_vcard_keeps_each_text_on_its_own_property(kind):
    """The card writer, on its own: a line break and a new property after it, in every
    text the card carries."""
    from app.contacts.vcard import Card, vcard

    br = BREAKS[kind]
    card = Card(
        first_name=f"Anna{br}EMAIL:evil@example.com",
        last_name=f"Berg{br}EMAIL;TYPE=PREF:evil2@example.com",
        organisation=f"Förening{br}TEL:+46700000000",
        unit=f"Enhet{br}URL:https://evil.example",
        title=f"Chef{br}END:VCARD",
        emails=["anna.berg@example.se"],
        note=f"Rad ett{br}BEGIN:VCARD",
        uid="contact-1@localhost",
    )
    check_card(vcard(card), emails=1)


def check_card(text: str, *, emails: int) -> None:
    lines = logical_lines(text)
    names = [property_name(line) for line in lines]
    assert names.count("EMAIL") == emails, lines
    assert names.count("BEGIN") == names.count("END") == 1, lines
    assert not {"URL", "TEL"} & set(names), lines
    assert all("evil" not in line for line in lines if property_name(line) == "EMAIL"), lines


@pytest.mark.parametrize("kind", sorted(BREAKS))
def test_vcard_download_of_names_typed_with_line_breaks(seeded, as_role, app, kind):
    """Through the forms: a coordinator types names, role and organisation with a line
    break (a crafted post; the import flattens white space), then downloads the card."""
    from app.extensions import db
    from app.organisations.models import Organisation

    br = BREAKS[kind]
    client = as_role("coordinator")
    organisation = client.post(
        "/organisationer/ny",
        data={"name": f"Förening{br}TEL:+46700000000", "kind": "civilsamhalle"},
    )
    assert organisation.status_code == 302
    with app.app_context():
        organisation_id = db.session.scalar(
            db.select(Organisation.id).order_by(Organisation.id.desc())
        )
    created = client.post(
        "/kontakter/ny",
        data={
            "first_name": f"Anna{br}EMAIL:evil@example.com",
            "last_name": f"Berg{br}EMAIL;TYPE=PREF:evil2@example.com",
            "organisation_id": str(organisation_id),
            "title": f"Chef{br}URL:https://evil.example",
            "emails": "anna.berg@example.se",
        },
    )
    assert created.status_code == 302, created.text[:500]
    app.config["PROPAGATE_EXCEPTIONS"] = False
    card = client.get(created.headers["Location"] + ".vcf")
    assert card.status_code == 200, "the vCard download fails"
    check_card(card.data.decode("utf-8"), emails=1)
    assert_safe_disposition(card.headers["Content-Disposition"])


def assert_safe_disposition(value: str) -> None:
    """One attachment, one well-formed quoted file name, no line breaks."""
    assert "\r" not in value and "\n" not in value
    match = re.fullmatch(
        r'attachment; filename="((?:[^"\\]|\\.)*)"; filename\*=UTF-8\'\'([^;\s]+)', value
    )
    assert match, value


@pytest.mark.parametrize("name", ['Anna "Citat" Berg', 'x"; filename="evil.html'])
def test_download_file_names_cannot_break_the_header(seeded, as_role, app, name):
    """A double quote in a contact's name must not end the quoted file name early (here it
    makes a second, conflicting `filename` parameter)."""
    from app.contacts.services import ContactValues, create_contact
    from app.extensions import db

    with app.app_context():
        contact = create_contact(values=ContactValues(first_name=name, last_name=""), by=None)
        db.session.commit()
        contact_id = contact.id
    response = as_role("reader").get(f"/kontakter/{contact_id}.vcf")
    assert response.status_code == 200
    assert_safe_disposition(response.headers["Content-Disposition"])


def ics_world(app, br: str, *, in_user_name: bool = False) -> tuple[int, str]:
    """A meeting whose title, place, agenda and participant's name carry a line break and an
    ATTENDEE line (and, with `in_user_name`, the responsible admin's name too); returns its
    id and the admin's feed token."""
    from app.auth.models import User
    from app.calendar.services import issue_feed_token
    from app.contacts.services import ContactValues, create_contact
    from app.extensions import db
    from app.meetings.models import MeetingKind, MeetingStatus
    from app.meetings.services import MeetingValues, schedule_meeting

    with app.app_context():
        admin = db.session.get(User, 1)
        if in_user_name:
            admin.name = f"Admin{br}ORGANIZER:mailto:evil5@example.com"
        contact = create_contact(
            values=ContactValues(
                first_name=f"Eva{br}ATTENDEE:mailto:evil1@example.com",
                last_name="Ek",
                emails=["eva.ek@example.se"],
            ),
            by=admin,
        )
        meeting = schedule_meeting(
            values=MeetingValues(
                title=f"Dialog{br}ATTENDEE:mailto:evil2@example.com",
                kind=MeetingKind.IN_PERSON,
                status=MeetingStatus.PLANNED,
                starts_at=datetime(2026, 12, 3, 9, tzinfo=UTC),
                ends_at=datetime(2026, 12, 3, 10, tzinfo=UTC),
                all_day=False,
                responsible_id=admin.id,
                organisation_ids=[1],
                contact_ids=[contact.id],
                place=f"Stadshuset{br}ATTENDEE:mailto:evil3@example.com",
                agenda=f"Punkt ett{br}ATTENDEE:mailto:evil4@example.com{br}END:VEVENT",
            ),
            by=admin,
        )
        token = issue_feed_token(admin)
        db.session.commit()
        return meeting.id, token


def check_calendar(data: bytes, *, attendees: int) -> None:
    lines = logical_lines(data.decode("utf-8"))
    names = [property_name(line) for line in lines]
    assert names.count("ATTENDEE") == attendees, lines
    assert names.count("ORGANIZER") == (1 if attendees else 0), lines
    assert names.count("BEGIN") == names.count("END"), lines
    for line in lines:
        if property_name(line) in {"ATTENDEE", "ORGANIZER"}:
            assert "evil" not in line.rsplit(":", 1)[-1], line


@pytest.mark.parametrize("kind", sorted(BREAKS))
def test_invitations_keep_each_text_on_its_own_property(seeded, users, admin, app, kind):
    meeting_id, _token = ics_world(app, BREAKS[kind], in_user_name=True)
    invitation = admin.get(f"/moten/{meeting_id}/inbjudan.ics")
    assert invitation.status_code == 200
    check_calendar(invitation.data, attendees=2)  # Eva and the responsible admin
    from icalendar import Calendar

    event = Calendar.from_ical(invitation.data).walk("VEVENT")[0]
    assert "evil2" in str(event["SUMMARY"])  # the text is kept, as text
    version = re.search(r'name="version" value="(\d+)"', admin.get(f"/moten/{meeting_id}").text)
    admin.post(f"/moten/{meeting_id}/stall-in", data={"version": version.group(1)})
    cancellation = admin.get(f"/moten/{meeting_id}/avbokning.ics")
    assert cancellation.status_code == 200
    check_calendar(cancellation.data, attendees=2)


@pytest.mark.parametrize("kind", sorted(BREAKS))
def test_feeds_keep_each_text_on_its_own_property(seeded, users, admin, app, kind):
    _meeting_id, token = ics_world(app, BREAKS[kind])
    for feed in (f"/kalender/{token}.ics", f"/kalender/{token}/team.ics"):
        response = admin.get(feed)
        assert response.status_code == 200
        check_calendar(response.data, attendees=0)


@pytest.mark.parametrize("kind", sorted(BREAKS))
def test_personal_feed_of_a_user_named_with_a_line_break(seeded, users, client, app, kind):
    """The feed is named after its user (NAME, X-WR-CALNAME); an admin may type that name."""
    _meeting_id, token = ics_world(app, BREAKS[kind], in_user_name=True)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = client.get(f"/kalender/{token}.ics")
    assert response.status_code == 200, "the feed fails"
    check_calendar(response.data, attendees=0)


def test_sending_an_invitation_survives_a_line_break_in_the_title(
    seeded, users, admin, app, monkeypatch
):
    """A title with a line break must neither add mail headers nor stop the invitation
    from being sent (the page would be a 500 and nobody invited)."""
    sent = []
    monkeypatch.setattr(
        "app.calendar.routes.send_messages", lambda _s, messages: sent.extend(messages)
    )
    app.config.update(MAIL_SERVER="127.0.0.1", PROPAGATE_EXCEPTIONS=False)
    meeting_id, _token = ics_world(app, "\r\n")
    response = admin.post(f"/moten/{meeting_id}/skicka")
    assert response.status_code == 302, "sending failed"
    assert sent
    for message in sent:
        assert "Bcc" not in message and "\n" not in str(message["Subject"])
