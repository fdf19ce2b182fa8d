"""The trash (papperskorg): deleted records vanish at once from every list, search, export,
feed and count, come back when restored, and the rules of what may be deleted hold.

One world (`World`) holds a record of every kind, each named with a distinctive "Zebrafink"
marker, and dated around the real today (the pages use the real date). Each surface that
shows a record is checked three times: before deleting it, after deleting it through its
button's POST, and after restoring it from the trash.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.aggregates.coverage import coverage
from app.audit.models import AuditEvent
from app.auth.models import User
from app.calendar.services import issue_feed_token
from app.common.formatting import format_datetime
from app.common.soft_delete import including_deleted
from app.common.time import local_to_utc, local_today
from app.contacts import import_commit, importer
from app.contacts.models import Contact, ContactEmail
from app.contacts.services import ContactValues, create_contact
from app.extensions import db
from app.followups.models import FollowUp
from app.followups.services import FollowUpValues, complete_follow_up, create_follow_up
from app.meetings.models import Meeting, MeetingKind, MeetingStatus
from app.meetings.services import MeetingValues, schedule_meeting
from app.organisations.models import Organisation, OrganisationKind
from app.organisations.services import create_organisation
from app.trash.services import move_to_trash

from ..conftest import login

# What each record is called; each appears nowhere else in the world.
ORGANISATION = "Zebrafinkarnas förening"
UNIT = "Zebrafinkenheten"
CONTACT = "Kontaktsson"  # lists show "Kontaktsson, Zebrafink"
CONTACT_NAME = "Zebrafink Kontaktsson"
CONTACT_EMAIL = "zebrafink@example.se"
MEETING = "Zebrafinkmötet"
TOPIC = "Finkämnet"
FOLLOW_UP = "Zebrafinkuppföljningen"
OVERDUE = "Zebrafinkförseningen"
DONE = "Zebrafinkklarheten"


# --- The world ------------------------------------------------------------------------------


@dataclass
class World:
    app: Flask
    today: date
    me: int  # the coordinator: responsible, owner, and the one who deletes
    me_name: str
    token: str  # my calendar feed secret
    kiruna: int  # a municipality reached only through the meeting
    kiruna_county: str
    malmo: int  # the unit's parent
    organisation: int  # civil society, nothing refers to it
    unit: int  # a user-created unit of Malmö, nothing refers to it
    contact: int  # at Kiruna, a participant of the meeting, the follow-up is about them
    meeting: int  # held today 10:00 with Kiruna and the contact, topic TOPIC
    meeting_uid: str
    follow_up: int  # open, due today, of the meeting, at Kiruna, about the contact
    overdue: int  # open, due yesterday, at Kiruna
    done: int  # completed today, at Kiruna

    @property
    def month(self) -> str:
        return self.today.strftime("%Y-%m")


def municipality(code: str) -> Organisation:
    return db.session.scalar(select(Organisation).filter_by(municipality_code=code))


def user_named(email: str) -> User:
    return db.session.scalar(select(User).filter_by(email=email))


@pytest.fixture
def world(seeded: Flask, users: dict[str, str]) -> World:
    app = seeded
    with app.app_context():
        me = user_named(users["coordinator"])
        today = local_today()
        kiruna, malmo = municipality("2584"), municipality("1280")
        organisation = create_organisation(
            values={"name": ORGANISATION, "kind": OrganisationKind.CIVILSAMHALLE}, by=None
        )
        unit = create_organisation(
            values={"name": UNIT, "kind": OrganisationKind.KOMMUN, "parent_id": malmo.id}, by=None
        )
        contact = create_contact(
            values=ContactValues(
                first_name="Zebrafink",
                last_name="Kontaktsson",
                emails=[CONTACT_EMAIL],
                tags=["Fågelvänner"],
            ),
            organisation=kiruna,
            title="Fågelskådare",
            by=None,
        )
        start = local_to_utc(today, time(10))
        meeting = schedule_meeting(
            values=MeetingValues(
                title=MEETING,
                kind=MeetingKind.IN_PERSON,
                status=MeetingStatus.HELD,
                starts_at=start,
                ends_at=start + timedelta(hours=1),
                all_day=False,
                responsible_id=me.id,
                organisation_ids=[kiruna.id],
                contact_ids=[contact.id],
                team_ids=[me.id],
                topics=[TOPIC],
            ),
            by=None,
        )
        follow_up = create_follow_up(
            values=FollowUpValues(
                title=FOLLOW_UP,
                owner_id=me.id,
                due_on=today,
                meeting_id=meeting.id,
                organisation_id=kiruna.id,
                contact_id=contact.id,
            ),
            by=None,
            today=today,
        )
        overdue = create_follow_up(
            values=FollowUpValues(
                title=OVERDUE,
                owner_id=me.id,
                due_on=today - timedelta(days=1),
                organisation_id=kiruna.id,
            ),
            by=None,
            today=today,
        )
        done = create_follow_up(
            values=FollowUpValues(
                title=DONE, owner_id=me.id, due_on=today, organisation_id=kiruna.id
            ),
            by=None,
            today=today,
        )
        complete_follow_up(done, note="", by=me, today=today)
        token = issue_feed_token(me)
        db.session.commit()
        return World(
            app=app,
            today=today,
            me=me.id,
            me_name=me.name,
            token=token,
            kiruna=kiruna.id,
            kiruna_county=kiruna.county_code,
            malmo=malmo.id,
            organisation=organisation.id,
            unit=unit.id,
            contact=contact.id,
            meeting=meeting.id,
            meeting_uid=meeting.uid,
            follow_up=follow_up.id,
            overdue=overdue.id,
            done=done.id,
        )


@pytest.fixture
def editor(as_role) -> FlaskClient:
    return as_role("coordinator")


# --- Reading what a page shows ------------------------------------------------------------

#: The history of a record legitimately names what it once was linked to; flashes name
#: what was just deleted. Neither is a place where a deleted record "shows".
HISTORY = re.compile(r'<section aria-labelledby="history-heading".*?</section>', re.S)
FLASHES = re.compile(r'<div class="flashes">.*?</div>\s*</div>', re.S)


def page(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return FLASHES.sub("", HISTORY.sub("", response.text))


def download(client: FlaskClient, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.data


def workbook(client: FlaskClient, url: str):
    return load_workbook(io.BytesIO(download(client, url)))


def workbook_texts(client: FlaskClient, url: str) -> list[str]:
    book = workbook(client, url)
    return [
        str(value)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    ]


def sheet_rows(book, title: str) -> list[tuple[Any, ...]]:
    return list(book[title].iter_rows(min_row=2, values_only=True))


def calendar_text(client: FlaskClient, url: str) -> str:
    """An iCalendar body with its folded lines joined again."""
    return download(client, url).decode().replace("\r\n ", "").replace("\r\n\t", "")


def status_of(client: FlaskClient, url: str) -> int:
    response = client.get(url)
    response.close()
    assert response.status_code in (200, 404), (url, response.status_code)
    return response.status_code


def summary_facts(client: FlaskClient, w: World) -> dict[str, Any]:
    book = workbook(client, f"/rapporter/sammanstallning.xlsx?manad={w.month}")
    return dict(row[:2] for row in sheet_rows(book, "Sammanfattning"))


def situation_row(client: FlaskClient, w: World) -> tuple[Any, ...]:
    """Kiruna's row of the lägesbild export."""
    book = workbook(client, "/rapporter/lagesbild.xlsx")
    rows = [row for row in sheet_rows(book, "Kommuner") if row[1] == "2584"]
    assert len(rows) == 1
    return rows[0]


def situation_page_row(client: FlaskClient, w: World) -> tuple[str, list[int]]:
    """Kiruna's row of the lägesbild page: its cells' HTML, and its numbers (held meetings,
    open follow-ups)."""
    text = page(client, f"/rapporter/lagesbild?lan={w.kiruna_county}")
    found = re.search(rf'<a href="/organisationer/{w.kiruna}">[^<]*</a></th>(.*?)</tr>', text, re.S)
    assert found, "Kiruna is not in the lägesbild"
    numbers = [int(n) for n in re.findall(r'<td class="numeric">(\d+)</td>', found.group(1))]
    return found.group(1), numbers


def start_page_stat(client: FlaskClient, label: str) -> int:
    text = page(client, "/")
    found = re.search(
        rf'<span class="stat__value">([\d\u202f]+)</span>\s*<span class="stat__label">{label}<',
        text,
    )
    assert found, label
    return int(found.group(1).replace("\u202f", ""))


def picker_names(client: FlaskClient, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200
    return [result["name"] for result in response.get_json()["results"]]


# --- Surfaces -----------------------------------------------------------------------------

Probe = Callable[[FlaskClient, World], bool]


@dataclass(frozen=True)
class Surface:
    """One place where a record of `kind` shows; `probe` answers whether it does."""

    kind: str
    name: str
    probe: Probe

    @property
    def param(self):
        return pytest.param(self, id=f"{self.kind}:{self.name}")


def on_page(url: Callable[[World], str], needle: str) -> Probe:
    return lambda client, w: needle in page(client, url(w))


def in_workbook(url: Callable[[World], str], needle: str) -> Probe:
    return lambda client, w: any(needle in text for text in workbook_texts(client, url(w)))


def in_csv(url: Callable[[World], str], needle: str) -> Probe:
    return lambda client, w: needle in download(client, url(w)).decode("utf-8-sig")


def in_calendar(url: Callable[[World], str], needle: Callable[[World], str]) -> Probe:
    return lambda client, w: needle(w) in calendar_text(client, url(w))


def found(url: Callable[[World], str]) -> Probe:
    """The record's own page answers 200, and 404 once it is in the trash."""
    return lambda client, w: status_of(client, url(w)) == 200


def personal_feed(w: World) -> str:
    return f"/kalender/{w.token}.ics"


def team_feed(w: World) -> str:
    return f"/kalender/{w.token}/team.ics"


def follow_up_uid(attribute: str) -> Callable[[World], str]:
    return lambda w: f"UID:uppfoljning-{getattr(w, attribute)}@samverkan"


def import_finds_organisation(client: FlaskClient, w: World) -> bool:
    with w.app.app_context():
        plan = importer.plan_import(
            [["Ny", "Person", ORGANISATION]], {"first_name": 0, "last_name": 1, "organisation": 2}
        )
        return plan.rows[0].organisation_id == w.organisation


def summary_registry_total(client: FlaskClient, w: World) -> bool:
    book = workbook(client, f"/rapporter/sammanstallning.xlsx?manad={w.month}")
    totals = {row[0]: row[4] for row in sheet_rows(book, "Möte hållet per typ")}
    return totals["Civilsamhälle"] == 1


def summary_topic(client: FlaskClient, w: World) -> bool:
    book = workbook(client, f"/rapporter/sammanstallning.xlsx?manad={w.month}")
    return (TOPIC, 1) in [row[:2] for row in sheet_rows(book, "Ämnen")]


def coverage_counts_meeting(client: FlaskClient, w: World) -> bool:
    with w.app.app_context():
        figures = coverage(w.today)
    reached = (figures.municipalities.reached, figures.municipalities.reached_this_month)
    assert reached in ((1, 1), (0, 0)), reached
    assert figures.held_this_month in (0, 1)
    assert (reached == (1, 1)) == (figures.held_this_month == 1)
    return reached == (1, 1)


def situation_page_counts_meeting(client: FlaskClient, w: World) -> bool:
    cells, numbers = situation_page_row(client, w)
    held = numbers[0]
    assert held in (0, 1)
    assert ("Aldrig" in cells) == (held == 0)
    return held == 1


def situation_export_counts_meeting(client: FlaskClient, w: World) -> bool:
    row = situation_row(client, w)
    assert (row[4] is None) == (row[5] == 0)
    return row[5] == 1


def not_silent(client: FlaskClient, w: World) -> bool:
    text = page(client, "/rapporter/tystnad?manader=3&typ=kommun")
    return f'href="/organisationer/{w.kiruna}"' not in text


def invitation_import_knows_contact(client: FlaskClient, w: World) -> bool:
    """Logging a meeting from an invitation naming the contact's address: a known contact
    is picked as a participant; an unknown address is offered as a new contact."""
    invite = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//Test//SV\r\nMETHOD:REQUEST\r\n"
        "BEGIN:VEVENT\r\nUID:inbjudan-1@example.se\r\nDTSTAMP:20261101T080000Z\r\n"
        "DTSTART:20261201T090000Z\r\nDTEND:20261201T100000Z\r\nSUMMARY:Fågelmöte\r\n"
        f"ATTENDEE:mailto:{CONTACT_EMAIL}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    ).encode()
    response = client.post(
        "/moten/importera-inbjudan",
        data={"file": (io.BytesIO(invite), "inbjudan.ics")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    text = FLASHES.sub("", response.text)
    known = CONTACT in text
    assert known != bool(re.search(rf'value="{re.escape(CONTACT_EMAIL)}"', text)), "both or none"
    return known


SURFACES = [
    # An organisation users created, that nothing refers to.
    Surface(
        "organisation",
        "list-by-kind",
        on_page(lambda w: "/organisationer?typ=civilsamhalle", ORGANISATION),
    ),
    Surface(
        "organisation",
        "list-search",
        on_page(lambda w: "/organisationer?q=zebrafinkarnas", ORGANISATION),
    ),
    Surface(
        "organisation",
        "list-descending",
        on_page(lambda w: "/organisationer?sort=namn&ordning=fallande", ORGANISATION),
    ),
    Surface(
        "organisation",
        "list-with-archived",
        on_page(lambda w: "/organisationer?typ=civilsamhalle&arkiverade=y", ORGANISATION),
    ),
    Surface(
        "organisation", "export-csv", in_csv(lambda w: "/organisationer/export.csv", ORGANISATION)
    ),
    Surface(
        "organisation",
        "export-xlsx",
        in_workbook(lambda w: "/organisationer/export.xlsx", ORGANISATION),
    ),
    Surface("organisation", "search", on_page(lambda w: "/sok?q=zebrafinkarnas", ORGANISATION)),
    Surface(
        "organisation",
        "start-page-registry",
        lambda c, w: start_page_stat(c, "Civilsamhällesorganisationer") == 1,
    ),
    Surface("organisation", "summary-registry-total", summary_registry_total),
    Surface("organisation", "meeting-form-picker", on_page(lambda w: "/moten/ny", ORGANISATION)),
    Surface(
        "organisation", "contact-form-picker", on_page(lambda w: "/kontakter/ny", ORGANISATION)
    ),
    Surface(
        "organisation",
        "follow-up-form-picker",
        on_page(lambda w: "/uppfoljningar/ny", ORGANISATION),
    ),
    Surface("organisation", "contact-list-filter", on_page(lambda w: "/kontakter", ORGANISATION)),
    Surface("organisation", "import-matching", import_finds_organisation),
    Surface("organisation", "detail", found(lambda w: f"/organisationer/{w.organisation}")),
    Surface("organisation", "edit", found(lambda w: f"/organisationer/{w.organisation}/redigera")),
    # A unit users created under a municipality.
    Surface("unit", "parent-page", on_page(lambda w: f"/organisationer/{w.malmo}", UNIT)),
    Surface("unit", "list-search", on_page(lambda w: "/organisationer?q=zebrafinkenheten", UNIT)),
    Surface("unit", "search", on_page(lambda w: "/sok?q=zebrafinkenheten", UNIT)),
    Surface("unit", "meeting-form-picker", on_page(lambda w: "/moten/ny", UNIT)),
    Surface("unit", "detail", found(lambda w: f"/organisationer/{w.unit}")),
    # A contact.
    Surface("contact", "list", on_page(lambda w: "/kontakter", CONTACT)),
    Surface("contact", "list-search", on_page(lambda w: "/kontakter?q=zebrafink", CONTACT)),
    Surface("contact", "list-current", on_page(lambda w: "/kontakter?status=nuvarande", CONTACT)),
    Surface(
        "contact",
        "list-by-organisation",
        on_page(lambda w: f"/kontakter?organisation={w.kiruna}", CONTACT),
    ),
    Surface("contact", "list-by-tag", on_page(lambda w: "/kontakter?tagg=Fågelvänner", CONTACT)),
    Surface(
        "contact",
        "list-by-kind-and-county",
        on_page(lambda w: f"/kontakter?typ=kommun&lan={w.kiruna_county}", CONTACT),
    ),
    Surface("contact", "export-csv", in_csv(lambda w: "/kontakter/export.csv", CONTACT)),
    Surface("contact", "export-xlsx", in_workbook(lambda w: "/kontakter/export.xlsx", CONTACT)),
    Surface("contact", "search", on_page(lambda w: "/sok?q=kontaktsson", CONTACT)),
    Surface(
        "contact",
        "participant-picker-search",
        lambda c, w: CONTACT_NAME in picker_names(c, "/moten/deltagare?q=zebrafink"),
    ),
    Surface(
        "contact",
        "participant-picker-organisation",
        lambda c, w: CONTACT_NAME in picker_names(c, f"/moten/deltagare?organisation={w.kiruna}"),
    ),
    Surface("contact", "meeting-participants", on_page(lambda w: f"/moten/{w.meeting}", CONTACT)),
    Surface(
        "contact", "organisation-page", on_page(lambda w: f"/organisationer/{w.kiruna}", CONTACT)
    ),
    Surface(
        "contact",
        "invitation-attendee",
        in_calendar(lambda w: f"/moten/{w.meeting}/inbjudan.ics", lambda w: CONTACT_EMAIL),
    ),
    Surface(
        "contact", "meeting-edit-form", on_page(lambda w: f"/moten/{w.meeting}/redigera", CONTACT)
    ),
    Surface(
        "contact",
        "new-meeting-form",
        on_page(lambda w: f"/moten/ny?organisation={w.kiruna}", CONTACT),
    ),
    Surface(
        "contact",
        "new-follow-up-form",
        on_page(lambda w: f"/uppfoljningar/ny?organisation={w.kiruna}", CONTACT),
    ),
    Surface("contact", "follow-up-list", on_page(lambda w: "/uppfoljningar?visa=teamets", CONTACT)),
    Surface(
        "contact", "follow-up-page", on_page(lambda w: f"/uppfoljningar/{w.follow_up}", CONTACT)
    ),
    Surface("contact", "invitation-import", invitation_import_knows_contact),
    Surface(
        "contact", "summary-new-contacts", lambda c, w: summary_facts(c, w)["Nya kontakter"] == 1
    ),
    Surface("contact", "detail", found(lambda w: f"/kontakter/{w.contact}")),
    Surface("contact", "edit", found(lambda w: f"/kontakter/{w.contact}/redigera")),
    Surface("contact", "vcard", found(lambda w: f"/kontakter/{w.contact}.vcf")),
    Surface("contact", "vcard-list", on_page(lambda w: "/kontakter/export.vcf", CONTACT)),
    Surface(
        "contact",
        "change-organisation",
        found(lambda w: f"/kontakter/{w.contact}/byter-organisation"),
    ),
    # A held meeting.
    Surface("meeting", "list", on_page(lambda w: "/moten", MEETING)),
    Surface("meeting", "list-search", on_page(lambda w: "/moten?q=zebrafinkmötet", MEETING)),
    Surface("meeting", "list-held", on_page(lambda w: "/moten?status=genomfort", MEETING)),
    Surface("meeting", "list-by-topic", on_page(lambda w: f"/moten?amne={TOPIC}", MEETING)),
    Surface("meeting", "list-by-person", on_page(lambda w: f"/moten?person={w.me}", MEETING)),
    Surface(
        "meeting",
        "list-by-dates",
        on_page(lambda w: f"/moten?fran={w.today}&till={w.today}", MEETING),
    ),
    Surface(
        "meeting",
        "list-by-county",
        on_page(lambda w: f"/moten?orgtyp=kommun&lan={w.kiruna_county}", MEETING),
    ),
    Surface("meeting", "list-csv", in_csv(lambda w: "/moten/export.csv", MEETING)),
    Surface("meeting", "list-xlsx", in_workbook(lambda w: "/moten/export.xlsx", MEETING)),
    Surface("meeting", "search", on_page(lambda w: "/sok?q=zebrafinkmötet", MEETING)),
    Surface("meeting", "start-page-mine", on_page(lambda w: "/", MEETING)),
    Surface("meeting", "start-page-team", on_page(lambda w: "/?moten=teamet", MEETING)),
    Surface(
        "meeting",
        "start-page-held-count",
        lambda c, w: start_page_stat(c, "genomförda möten denna månad") == 1,
    ),
    Surface(
        "meeting", "organisation-page", on_page(lambda w: f"/organisationer/{w.kiruna}", MEETING)
    ),
    Surface("meeting", "contact-page", on_page(lambda w: f"/kontakter/{w.contact}", MEETING)),
    Surface(
        "meeting", "personal-feed", in_calendar(personal_feed, lambda w: f"UID:{w.meeting_uid}")
    ),
    Surface("meeting", "team-feed", in_calendar(team_feed, lambda w: f"UID:{w.meeting_uid}")),
    Surface(
        "meeting",
        "summary",
        on_page(lambda w: f"/rapporter/sammanstallning?manad={w.month}", MEETING),
    ),
    Surface(
        "meeting",
        "summary-print",
        on_page(lambda w: f"/rapporter/sammanstallning/utskrift?manad={w.month}", MEETING),
    ),
    Surface(
        "meeting",
        "summary-csv",
        in_csv(lambda w: f"/rapporter/sammanstallning.csv?manad={w.month}", MEETING),
    ),
    Surface(
        "meeting",
        "summary-xlsx",
        in_workbook(lambda w: f"/rapporter/sammanstallning.xlsx?manad={w.month}", MEETING),
    ),
    Surface(
        "meeting", "summary-held-count", lambda c, w: summary_facts(c, w)["Genomförda möten"] == 1
    ),
    Surface(
        "meeting",
        "summary-municipalities-reached",
        lambda c, w: summary_facts(c, w)["Kommuner med möte hållet under perioden"] == 1,
    ),
    Surface("meeting", "summary-topics", summary_topic),
    Surface("meeting", "situation-page", situation_page_counts_meeting),
    Surface("meeting", "situation-export", situation_export_counts_meeting),
    Surface("meeting", "silence-list", not_silent),
    Surface("meeting", "coverage", coverage_counts_meeting),
    Surface(
        "meeting",
        "final-report-meeting-list",  # the export the whole-period report links to
        in_csv(lambda w: "/moten/export.csv?status=genomfort&fran=2025-06-05", MEETING),
    ),
    Surface("meeting", "detail", found(lambda w: f"/moten/{w.meeting}")),
    Surface("meeting", "edit", found(lambda w: f"/moten/{w.meeting}/redigera")),
    Surface("meeting", "invitation", found(lambda w: f"/moten/{w.meeting}/inbjudan.ics")),
    Surface("meeting", "after-meeting", found(lambda w: f"/uppfoljningar/efter-mote/{w.meeting}")),
    # An open follow-up due today.
    Surface("follow_up", "mine", on_page(lambda w: "/uppfoljningar", FOLLOW_UP)),
    Surface("follow_up", "team", on_page(lambda w: "/uppfoljningar?visa=teamets", FOLLOW_UP)),
    Surface("follow_up", "this-week", on_page(lambda w: "/uppfoljningar?visa=veckan", FOLLOW_UP)),
    Surface(
        "follow_up",
        "team-csv",
        in_csv(lambda w: "/uppfoljningar/export.csv?visa=teamets", FOLLOW_UP),
    ),
    Surface(
        "follow_up",
        "team-xlsx",
        in_workbook(lambda w: "/uppfoljningar/export.xlsx?visa=teamets", FOLLOW_UP),
    ),
    Surface("follow_up", "start-page-due-soon", on_page(lambda w: "/", FOLLOW_UP)),
    Surface("follow_up", "meeting-page", on_page(lambda w: f"/moten/{w.meeting}", FOLLOW_UP)),
    Surface(
        "follow_up",
        "organisation-page",
        on_page(lambda w: f"/organisationer/{w.kiruna}", FOLLOW_UP),
    ),
    Surface("follow_up", "contact-page", on_page(lambda w: f"/kontakter/{w.contact}", FOLLOW_UP)),
    Surface("follow_up", "personal-feed", in_calendar(personal_feed, follow_up_uid("follow_up"))),
    Surface("follow_up", "situation-open-count", lambda c, w: situation_row(c, w)[6] == 2),
    Surface(
        "follow_up",
        "summary-created",
        lambda c, w: summary_facts(c, w)["Uppföljningar skapade"] == 3,
    ),
    Surface("follow_up", "detail", found(lambda w: f"/uppfoljningar/{w.follow_up}")),
    Surface("follow_up", "edit", found(lambda w: f"/uppfoljningar/{w.follow_up}/redigera")),
    # An overdue follow-up.
    Surface("overdue", "overdue-list", on_page(lambda w: "/uppfoljningar?visa=forsenade", OVERDUE)),
    Surface("overdue", "mine", on_page(lambda w: "/uppfoljningar", OVERDUE)),
    Surface("overdue", "start-page-overdue", on_page(lambda w: "/", OVERDUE)),
    Surface(
        "overdue", "organisation-page", on_page(lambda w: f"/organisationer/{w.kiruna}", OVERDUE)
    ),
    Surface("overdue", "personal-feed", in_calendar(personal_feed, follow_up_uid("overdue"))),
    Surface("overdue", "situation-open-count", lambda c, w: situation_row(c, w)[6] == 2),
    Surface("overdue", "detail", found(lambda w: f"/uppfoljningar/{w.overdue}")),
    # A completed follow-up.
    Surface("done", "done-list", on_page(lambda w: "/uppfoljningar?visa=klara", DONE)),
    Surface("done", "personal-feed", in_calendar(personal_feed, follow_up_uid("done"))),
    Surface(
        "done", "summary-completed", lambda c, w: summary_facts(c, w)["Uppföljningar klara"] == 1
    ),
    Surface("done", "detail", found(lambda w: f"/uppfoljningar/{w.done}")),
]


@dataclass(frozen=True)
class Kind:
    prefix: str  # the record's pages: /<prefix>/<id>/ta-bort
    slug: str  # in the trash: /papperskorg/<slug>/<id>/aterstall
    attribute: str  # the World field with its id


KINDS = {
    "organisation": Kind("organisationer", "organisationer", "organisation"),
    "unit": Kind("organisationer", "organisationer", "unit"),
    "contact": Kind("kontakter", "kontakter", "contact"),
    "meeting": Kind("moten", "moten", "meeting"),
    "follow_up": Kind("uppfoljningar", "uppfoljningar", "follow_up"),
    "overdue": Kind("uppfoljningar", "uppfoljningar", "overdue"),
    "done": Kind("uppfoljningar", "uppfoljningar", "done"),
}


def delete(client: FlaskClient, prefix: str, record_id: int) -> str:
    """Press the record's delete button; returns the flash shown on the next page."""
    response = client.post(f"/{prefix}/{record_id}/ta-bort")
    assert response.status_code == 302, response.status_code
    assert response.headers["Location"] == f"/{prefix}", response.headers["Location"]
    return flash_of(client, response.headers["Location"])


def restore(client: FlaskClient, slug: str, record_id: int) -> str:
    """Press the record's restore button in the trash; returns the flash."""
    response = client.post(f"/papperskorg/{slug}/{record_id}/aterstall")
    assert response.status_code == 302, response.status_code
    assert response.headers["Location"] == "/papperskorg"
    return flash_of(client, "/papperskorg")


def flash_of(client: FlaskClient, url: str) -> str:
    """Follow the redirect, which shows (and so uses up) the flashed message."""
    text = client.get(url).text
    return " ".join(re.findall(r'<div class="flash [^"]*"[^>]*>(.*?)</div>', text, re.S))


# --- 1. Vanishing everywhere, and coming back --------------------------------------------


@pytest.mark.parametrize("surface", [s.param for s in SURFACES])
def test_a_deleted_record_vanishes_and_comes_back(world, editor, surface):
    kind = KINDS[surface.kind]
    record_id = getattr(world, kind.attribute)
    assert surface.probe(editor, world), "not shown before deleting"
    assert "papperskorgen" in delete(editor, kind.prefix, record_id)
    assert not surface.probe(editor, world), "still shown after deleting"
    assert "återställd" in restore(editor, kind.slug, record_id)
    assert surface.probe(editor, world), "not shown again after restoring"


def test_every_kind_has_surfaces():
    assert {s.kind for s in SURFACES} == set(KINDS)


def test_the_deleted_contact_is_left_out_of_the_duplicates(seeded, users, editor):
    with seeded.app_context():
        ids = [
            create_contact(
                values=ContactValues(
                    first_name=first, last_name=last, emails=["tvilling@example.se"]
                ),
                by=None,
            ).id
            for first, last in (("Anna", "Zebrafinksdotter"), ("Berit", "Lövsångare"))
        ]
        db.session.commit()

    def pair_shown() -> bool:
        text = page(editor, "/kontakter/dubbletter")
        return "Zebrafinksdotter" in text and "Lövsångare" in text

    assert pair_shown()
    delete(editor, "kontakter", ids[1])
    text = page(editor, "/kontakter/dubbletter")
    assert "Zebrafinksdotter" not in text and "Lövsångare" not in text
    restore(editor, "kontakter", ids[1])
    assert pair_shown()


def test_an_import_does_not_match_a_deleted_contact(world, ctx, users):
    """A row with the address of a contact in the trash makes a new contact; the one in the
    trash keeps its address and stays there."""
    me = user_named(users["coordinator"])
    old = db.session.get(Contact, world.contact)
    rows = [["Zebrafink", "Nyman", CONTACT_EMAIL]]
    mapping = {"first_name": 0, "last_name": 1, "email": 2}
    assert importer.plan_import(rows, mapping).rows[0].contact_id == old.id  # matched while live
    move_to_trash(old, by=me)
    db.session.commit()

    plan = importer.plan_import(rows, mapping)
    assert [(r.action, r.contact_id) for r in plan.rows] == [("create", None)]
    batch = import_commit.start_import(
        filename="kontakter.csv", header=["Förnamn", "Efternamn", "E-post"], rows=rows, by=me
    )
    import_commit.commit_import(batch, expected=plan.fingerprint, skip_errors=False, by=me)
    db.session.commit()

    owners = db.session.scalars(
        including_deleted(
            select(Contact).join(ContactEmail).where(ContactEmail.address == CONTACT_EMAIL)
        )
    ).all()
    assert sorted((c.last_name, c.deleted) for c in owners) == [
        ("Kontaktsson", True),
        ("Nyman", False),
    ]


# --- 2. The rules -------------------------------------------------------------------------


def test_a_reference_municipality_cannot_be_deleted(world, editor):
    flash = delete_refused(editor, "organisationer", world.kiruna)
    assert "referensdata" in flash
    assert status_of(editor, f"/organisationer/{world.kiruna}") == 200
    assert "Kiruna" in page(editor, "/organisationer?q=kiruna")
    with world.app.app_context():
        assert db.session.get(Organisation, world.kiruna).deleted_at is None


def test_an_organisation_with_a_contact_cannot_be_deleted(world, editor):
    with world.app.app_context():
        organisation = create_organisation(
            values={"name": "Zebrafinkgillet", "kind": OrganisationKind.CIVILSAMHALLE}, by=None
        )
        create_contact(
            values=ContactValues(first_name="Gill", last_name="Medlem"),
            organisation=organisation,
            by=None,
        )
        db.session.commit()
        organisation_id = organisation.id
    assert "Flytta till papperskorgen" not in page(editor, f"/organisationer/{organisation_id}")
    flash = delete_refused(editor, "organisationer", organisation_id)
    assert "används" in flash
    assert "Zebrafinkgillet" in page(editor, "/organisationer?q=zebrafinkgillet")
    assert "Zebrafinkgillet" not in page(editor, "/papperskorg")


def delete_refused(client: FlaskClient, prefix: str, record_id: int) -> str:
    """Press delete on a record that may not be deleted: back to its page with an error."""
    response = client.post(f"/{prefix}/{record_id}/ta-bort")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/{prefix}/{record_id}"
    text = client.get(response.headers["Location"]).text
    return " ".join(re.findall(r'<div class="flash flash--error"[^>]*>(.*?)</div>', text, re.S))


def trashed(app: Flask, model: type, record_id: int):
    with app.app_context():
        return db.session.scalar(including_deleted(select(model).where(model.id == record_id)))


def test_a_meeting_takes_its_follow_ups_along_and_brings_them_back(world, editor):
    with world.app.app_context():
        earlier = create_follow_up(
            values=FollowUpValues(
                title="Zebrafinkrest",
                owner_id=world.me,
                due_on=world.today,
                meeting_id=world.meeting,
            ),
            by=None,
            today=world.today,
        )
        db.session.commit()
        earlier_id = earlier.id
    delete(editor, "uppfoljningar", earlier_id)
    first_stamp = trashed(world.app, FollowUp, earlier_id).deleted_at

    flash = delete(editor, "moten", world.meeting)
    assert "1 uppföljning följde med mötet" in flash
    meeting = trashed(world.app, Meeting, world.meeting)
    follow_up = trashed(world.app, FollowUp, world.follow_up)
    assert follow_up.deleted_at == meeting.deleted_at is not None
    assert follow_up.deleted_by_id == meeting.deleted_by_id == world.me
    assert trashed(world.app, FollowUp, earlier_id).deleted_at == first_stamp
    assert status_of(editor, f"/uppfoljningar/{world.follow_up}") == 404
    trash = page(editor, "/papperskorg")
    assert MEETING in trash and FOLLOW_UP in trash and "Zebrafinkrest" in trash

    flash = restore(editor, "moten", world.meeting)
    assert "1 uppföljning återställdes med mötet" in flash
    assert trashed(world.app, FollowUp, world.follow_up).deleted_at is None
    assert FOLLOW_UP in page(editor, f"/moten/{world.meeting}")
    # The follow-up deleted on its own before stays in the trash.
    assert trashed(world.app, FollowUp, earlier_id).deleted_at == first_stamp
    assert status_of(editor, f"/uppfoljningar/{earlier_id}") == 404
    assert "Zebrafinkrest" in page(editor, "/papperskorg")
    assert "Zebrafinkrest" not in page(editor, f"/moten/{world.meeting}")


@pytest.mark.parametrize("slug", ["organisationer", "kontakter", "moten", "uppfoljningar"])
def test_restoring_what_is_not_in_the_trash_is_not_found(world, editor, slug):
    live = {
        "organisationer": world.organisation,
        "kontakter": world.contact,
        "moten": world.meeting,
        "uppfoljningar": world.follow_up,
    }[slug]
    assert editor.post(f"/papperskorg/{slug}/{live}/aterstall").status_code == 404
    assert editor.post(f"/papperskorg/{slug}/999999/aterstall").status_code == 404


@pytest.mark.parametrize("kind", ["organisation", "contact", "meeting", "follow_up"])
def test_deleting_twice_or_nothing_is_not_found(world, editor, kind):
    spec = KINDS[kind]
    delete(editor, spec.prefix, getattr(world, spec.attribute))
    assert (
        editor.post(f"/{spec.prefix}/{getattr(world, spec.attribute)}/ta-bort").status_code == 404
    )
    assert editor.post(f"/{spec.prefix}/999999/ta-bort").status_code == 404


@pytest.mark.parametrize("kind", ["organisation", "contact", "meeting", "follow_up"])
def test_a_reader_may_neither_delete_nor_restore(world, client, users, kind):
    spec = KINDS[kind]
    record_id = getattr(world, spec.attribute)
    assert login(client, users["reader"]).status_code == 302
    assert client.post(f"/{spec.prefix}/{record_id}/ta-bort").status_code == 403
    assert status_of(client, f"/{spec.prefix}/{record_id}") == 200
    with world.app.app_context():
        item = db.session.get(KIND_MODELS[kind], record_id)
        move_to_trash(item, by=db.session.get(User, world.me))
        db.session.commit()
    assert client.post(f"/papperskorg/{spec.slug}/{record_id}/aterstall").status_code == 403
    assert trashed(world.app, KIND_MODELS[kind], record_id).deleted_at is not None


KIND_MODELS = {
    "organisation": Organisation,
    "contact": Contact,
    "meeting": Meeting,
    "follow_up": FollowUp,
}


@pytest.mark.parametrize("kind", ["organisation", "contact", "meeting", "follow_up"])
def test_anonymous_is_sent_to_log_in(world, client, kind):
    spec = KINDS[kind]
    record_id = getattr(world, spec.attribute)
    for url in (
        f"/{spec.prefix}/{record_id}/ta-bort",
        f"/papperskorg/{spec.slug}/{record_id}/aterstall",
    ):
        response = client.post(url)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/logga-in")
    assert client.get("/papperskorg").headers["Location"].startswith("/logga-in")
    assert trashed(world.app, KIND_MODELS[kind], record_id).deleted_at is None


def test_deleting_and_restoring_are_in_the_history_with_the_user(world, editor):
    delete(editor, "kontakter", world.contact)
    delete(editor, "moten", world.meeting)
    restore(editor, "moten", world.meeting)
    with world.app.app_context():
        events = db.session.execute(
            select(
                AuditEvent.entity_type,
                AuditEvent.entity_id,
                AuditEvent.action,
                AuditEvent.actor_id,
                AuditEvent.actor_name,
                AuditEvent.note,
            )
            .where(AuditEvent.action.in_(["delete", "restore"]))
            .order_by(AuditEvent.id)
        ).all()
    me = (world.me, world.me_name)
    assert [tuple(e) for e in events] == [
        ("contacts", world.contact, "delete", *me, CONTACT_NAME),
        ("follow_ups", world.follow_up, "delete", *me, FOLLOW_UP),
        ("meetings", world.meeting, "delete", *me, MEETING),
        ("follow_ups", world.follow_up, "restore", *me, FOLLOW_UP),
        ("meetings", world.meeting, "restore", *me, MEETING),
    ]
    # And the record's own history shows them.
    history = editor.get(f"/moten/{world.meeting}").text
    assert "tog bort" in history and "återställde" in history


@pytest.mark.parametrize(
    "kind",
    [
        "organisation",
        "contact",
        "meeting",
        "follow_up",
    ],
)
def test_detail_pages_offer_the_delete_button_to_editors_only(world, client, users, kind):
    spec = KINDS[kind]
    record_id = getattr(world, spec.attribute)
    url, action = f"/{spec.prefix}/{record_id}", f'action="/{spec.prefix}/{record_id}/ta-bort"'
    assert login(client, users["reader"]).status_code == 302
    assert action not in client.get(url).text
    client.post("/logga-ut")
    assert login(client, users["coordinator"]).status_code == 302
    assert action in client.get(url).text


def test_a_reference_municipality_has_no_delete_button(world, editor):
    assert "/ta-bort" not in page(editor, f"/organisationer/{world.kiruna}")


# --- 3. The trash page --------------------------------------------------------------------


def test_the_trash_lists_every_kind_with_who_and_when(world, editor, client, users):
    assert "Inget här." in page(editor, "/papperskorg")
    delete(editor, "organisationer", world.organisation)
    delete(editor, "kontakter", world.contact)
    delete(editor, "uppfoljningar", world.overdue)
    delete(editor, "moten", world.meeting)
    text = page(editor, "/papperskorg")
    for name, trash_kind, model, record_id in (
        (ORGANISATION, "organisationer", Organisation, world.organisation),
        (CONTACT_NAME, "kontakter", Contact, world.contact),
        (MEETING, "moten", Meeting, world.meeting),
        (FOLLOW_UP, "uppfoljningar", FollowUp, world.follow_up),
        (OVERDUE, "uppfoljningar", FollowUp, world.overdue),
    ):
        row = re.search(rf"<tr>\s*<td>{name}</td>.*?</tr>", text, re.S)
        assert row, name
        deleted_at = trashed(world.app, model, record_id).deleted_at
        when = format_datetime(deleted_at)
        assert f"<td>{when}</td>" in row.group(0)
        assert f"<td>{world.me_name}</td>" in row.group(0)
        assert f'action="/papperskorg/{trash_kind}/{record_id}/aterstall"' in row.group(0)
    # The contact is described by its role; the sections count what they hold.
    assert "Fågelskådare, Kiruna" in text
    assert re.search(r"Uppföljningar <span class=\"count\">\(2\)</span>", text)
    assert re.search(r"Kontakter <span class=\"count\">\(1\)</span>", text)

    # A reader sees the same, without the buttons.
    client.post("/logga-ut")
    assert login(client, users["reader"]).status_code == 302
    text = page(client, "/papperskorg")
    assert all(name in text for name in (ORGANISATION, CONTACT, MEETING, FOLLOW_UP, OVERDUE))
    assert "/aterstall" not in text and "Återställ" not in text


def test_the_trash_page_costs_the_same_whatever_it_holds(seeded, users, editor, count_statements):
    def delete_contacts(number: int) -> None:
        with seeded.app_context():
            me = user_named(users["coordinator"])
            for index in range(number):
                contact = create_contact(
                    values=ContactValues(first_name="Borta", last_name=f"Nummer {index}"),
                    organisation=municipality("1280"),
                    title="Handläggare",
                    by=None,
                )
                move_to_trash(contact, by=me)
            db.session.commit()

    def statements() -> int:
        editor.get("/papperskorg")  # warm up (session, translations)
        with count_statements() as counter:
            response = editor.get("/papperskorg")
        assert response.status_code == 200
        return counter.count

    delete_contacts(1)
    with seeded.app_context():
        # One of every other kind too, so each section's queries run.
        me = user_named(users["coordinator"])
        organisation = create_organisation(
            values={"name": "Borta förening", "kind": OrganisationKind.CIVILSAMHALLE}, by=None
        )
        move_to_trash(organisation, by=me)
        start = local_to_utc(local_today(), time(9))
        meeting = schedule_meeting(
            values=MeetingValues(
                title="Borta möte",
                kind=MeetingKind.DIGITAL,
                status=MeetingStatus.PLANNED,
                starts_at=start,
                ends_at=start + timedelta(hours=1),
                all_day=False,
                responsible_id=me.id,
                organisation_ids=[municipality("1280").id],
            ),
            by=None,
        )
        create_follow_up(
            values=FollowUpValues(
                title="Borta", owner_id=me.id, due_on=local_today(), meeting_id=meeting.id
            ),
            by=None,
            today=local_today(),
        )
        move_to_trash(meeting, by=me)
        db.session.commit()
    few = statements()
    delete_contacts(29)
    many = statements()
    assert "Nummer 28" in editor.get("/papperskorg").text
    assert many == few
    assert few <= 15


# --- 4. Editing something that has gone to the trash --------------------------------------


def test_saving_a_contact_deleted_while_its_form_was_open_is_not_found(world, editor):
    form = editor.get(f"/kontakter/{world.contact}/redigera").text
    version = re.search(r'name="version" type="hidden" value="(\d+)"', form).group(1)
    with world.app.app_context():
        move_to_trash(db.session.get(Contact, world.contact), by=db.session.get(User, world.me))
        db.session.commit()
    response = editor.post(
        f"/kontakter/{world.contact}/redigera",
        data={"first_name": "Zebrafink", "last_name": "Ändrad", "version": version},
    )
    assert response.status_code == 404
    contact = trashed(world.app, Contact, world.contact)
    assert (contact.last_name, contact.deleted) == ("Kontaktsson", True)


@pytest.mark.parametrize(
    ("kind", "data"),
    [
        ("organisation", {"name": "Ändrad", "kind": "civilsamhalle"}),
        ("meeting", {"title": "Ändrad"}),
        ("follow_up", {"title": "Ändrad"}),
    ],
)
def test_saving_other_records_deleted_while_the_form_was_open_is_not_found(
    world, editor, kind, data
):
    spec = KINDS[kind]
    record_id = getattr(world, spec.attribute)
    url = f"/{spec.prefix}/{record_id}/redigera"
    form = editor.get(url).text
    version = re.search(r'name="version" type="hidden" value="(\d+)"', form).group(1)
    with world.app.app_context():
        move_to_trash(
            db.session.get(KIND_MODELS[kind], record_id), by=db.session.get(User, world.me)
        )
        db.session.commit()
    assert editor.post(url, data={**data, "version": version}).status_code == 404


def test_editing_a_meeting_keeps_a_deleted_participant_for_restoring(world, editor):
    """The meeting form does not show a participant in the trash, and saving it must not drop
    them: restored, they are a participant again."""
    delete(editor, "kontakter", world.contact)
    form = editor.get(f"/moten/{world.meeting}/redigera").text
    assert CONTACT not in form
    version = re.search(r'name="version" type="hidden" value="(\d+)"', form).group(1)
    data = {
        "title": "Zebrafinkmötet igen",
        "kind": MeetingKind.IN_PERSON.value,
        "status": MeetingStatus.HELD.value,
        "day": world.today.isoformat(),
        "start": "10:00",
        "end": "11:00",
        "organisations": [str(world.kiruna)],
        "responsible": str(world.me),
        "team": [str(world.me)],
        "topics": TOPIC,
        "version": version,
    }
    response = editor.post(f"/moten/{world.meeting}/redigera", data=data)
    assert response.status_code == 302, response.text
    with world.app.app_context():
        assert db.session.get(Meeting, world.meeting).title == "Zebrafinkmötet igen"
    restore(editor, "kontakter", world.contact)
    assert CONTACT in page(editor, f"/moten/{world.meeting}")


@pytest.fixture
def import_with_deleted_contact(seeded, users, editor) -> tuple[int, int]:
    """A committed import of one contact, who has since been moved to the trash."""
    with seeded.app_context():
        me = user_named(users["coordinator"])
        rows = [["Importerad", "Zebrafink"]]
        batch = import_commit.start_import(
            filename="kontakter.csv", header=["Förnamn", "Efternamn"], rows=rows, by=me
        )
        plan = importer.plan_import(rows, batch.mapping)
        import_commit.commit_import(batch, expected=plan.fingerprint, skip_errors=False, by=me)
        db.session.commit()
        batch_id, contact_id = batch.id, batch.items[0].contact_id
    delete(editor, "kontakter", contact_id)
    return batch_id, contact_id


def test_the_result_page_of_an_import_whose_contact_was_deleted_still_shows(
    import_with_deleted_contact, editor
):
    batch_id, _contact_id = import_with_deleted_contact
    text = page(editor, f"/kontakter/import/{batch_id}")
    assert "Zebrafink" in text  # named among the contacts changed since the import


def test_an_import_whose_contact_was_deleted_cannot_be_undone(
    import_with_deleted_contact, editor, app
):
    batch_id, contact_id = import_with_deleted_contact
    response = editor.post(f"/kontakter/import/{batch_id}/angra")
    assert response.status_code == 302
    assert "kan inte ångras" in flash_of(editor, response.headers["Location"])
    contact = trashed(app, Contact, contact_id)
    assert contact is not None and contact.deleted


def test_merging_with_a_deleted_contact_is_not_found(world, editor):
    with world.app.app_context():
        other = create_contact(
            values=ContactValues(first_name="Zebra", last_name="Kontaktsson"), by=None
        )
        db.session.commit()
        other_id = other.id
    assert editor.get(f"/kontakter/sla-ihop/{world.contact}/{other_id}").status_code == 200
    delete(editor, "kontakter", world.contact)
    assert editor.get(f"/kontakter/sla-ihop/{world.contact}/{other_id}").status_code == 404
    assert editor.get(f"/kontakter/sla-ihop/{other_id}/{world.contact}").status_code == 404
    assert (
        editor.post(f"/kontakter/sla-ihop/{other_id}/{world.contact}", data={}).status_code == 404
    )


def test_the_participant_picker_has_nothing_for_a_deleted_contact(world, editor):
    delete(editor, "kontakter", world.contact)
    response = editor.get(f"/moten/deltagare?organisation={world.kiruna}&q=zebrafink")
    assert json.loads(response.data) == {"results": []}


#: Every other write on a record in the trash, with a body its form would accept.
WRITES_ON_DELETED = [
    ("organisation", "/organisationer/{id}/arkivera", {}),
    ("organisation", "/organisationer/{id}/aterstall", {}),
    ("organisation", "/organisationer/{id}/redigera", {"name": "Ändrad", "version": "1"}),
    ("contact", "/kontakter/{id}/roller", {"organisation_id": "{kiruna}", "title": "Ny roll"}),
    ("contact", "/kontakter/{id}/roller/1/avsluta", {"ended_on": "2026-01-01"}),
    ("contact", "/kontakter/{id}/byter-organisation", {"organisation_id": "{kiruna}"}),
    ("contact", "/kontakter/dubbletter/inte-dubbletter", {"first": "{id}", "second": "{id}"}),
    ("meeting", "/moten/{id}/stall-in", {"version": "1"}),
    ("meeting", "/moten/{id}/skicka", {}),
    ("meeting", "/uppfoljningar/efter-mote/{id}", {"outcome": "Ändrat", "version": "1"}),
    ("follow_up", "/uppfoljningar/{id}/klar", {"note": "Klar"}),
    ("follow_up", "/uppfoljningar/{id}/oppna", {}),
    ("follow_up", "/uppfoljningar/{id}/tilldela", {"owner": "{me}"}),
]


@pytest.mark.parametrize(
    ("kind", "url", "data"), WRITES_ON_DELETED, ids=[f"{k}:{u}" for k, u, _d in WRITES_ON_DELETED]
)
def test_writes_on_a_record_in_the_trash_are_not_found(world, editor, kind, url, data):
    spec = KINDS[kind]
    record_id = getattr(world, spec.attribute)
    delete(editor, spec.prefix, record_id)
    values = {"id": record_id, "kiruna": world.kiruna, "me": world.me}
    response = editor.post(
        url.format(**values), data={k: v.format(**values) for k, v in data.items()}
    )
    assert response.status_code == 404
    with world.app.app_context():
        events = db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(
                AuditEvent.entity_type == KIND_MODELS[kind].__tablename__,
                AuditEvent.entity_id == record_id,
                AuditEvent.action != "delete",
            )
            .where(
                AuditEvent.occurred_at
                >= trashed(world.app, KIND_MODELS[kind], record_id).deleted_at
            )
        )
    assert events == 0  # nothing was changed on it
    assert trashed(world.app, KIND_MODELS[kind], record_id).deleted_at is not None


def test_a_cancellation_of_a_deleted_meeting_is_not_found(world, editor):
    with world.app.app_context():
        meeting = db.session.get(Meeting, world.meeting)
        meeting.status = MeetingStatus.CANCELLED
        db.session.commit()
    assert status_of(editor, f"/moten/{world.meeting}/avbokning.ics") == 200
    delete(editor, "moten", world.meeting)
    assert status_of(editor, f"/moten/{world.meeting}/avbokning.ics") == 404


def test_a_follow_up_cannot_be_added_to_a_meeting_in_the_trash(world, editor):
    form = page(editor, f"/uppfoljningar/ny?mote={world.meeting}")
    assert f'value="{world.meeting}"' in form  # the form carries the meeting
    delete(editor, "moten", world.meeting)
    editor.post(
        "/uppfoljningar/ny",
        data={
            "title": "Zebrafinkefterslängen",
            "owner": str(world.me),
            "due_on": world.today.isoformat(),
            "meeting": str(world.meeting),
        },
    )
    with world.app.app_context():
        live = db.session.scalars(
            select(FollowUp.title).where(FollowUp.meeting_id == world.meeting)
        ).all()
    assert live == []
