"""Personal data (GDPR): the register extract as JSON and XLSX, erasure by anonymisation and
what it must leave alone, the retention list, and the notice under free-text fields."""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select, update

from app.aggregates.coverage import coverage
from app.audit.models import AuditEvent
from app.auth.models import User
from app.common.time import local_midnight, local_today
from app.contacts.import_commit import commit_import, start_import
from app.contacts.import_revert import revert_import
from app.contacts.importer import ImportNotPossible, plan_import
from app.contacts.models import Affiliation, Contact, ImportBatch, ImportItem
from app.contacts.queries import search_contacts
from app.contacts.services import (
    ContactValues,
    add_affiliation,
    create_contact,
    end_affiliation,
    update_contact,
)
from app.extensions import db
from app.followups.services import FollowUpValues, create_follow_up
from app.meetings.models import Meeting, MeetingKind, MeetingStatus
from app.meetings.services import MeetingValues, schedule_meeting
from app.organisations.models import Organisation
from app.privacy.erasure import AnonymisationRefused, anonymise_contact
from app.privacy.retention import (
    ActivityKind,
    inactive_contacts_query,
    last_activities,
    retention_cutoff,
)
from app.reports.periods import month_period
from app.reports.summary import monthly_summary

from ..conftest import login
from ..factories import make_organisation, make_user

UTC_2025 = datetime(2025, 1, 10, 8, 30, tzinfo=UTC)
#: Everything that identifies Greta; none of it may survive her erasure.
TRACES = (
    "Greta",
    "Zylberstein",
    "greta.z@malmo.se",
    "greta@privat.se",
    "+46701234567",
    "070-123 45 67",
    "fredagar",
    "Socialsekreterare",
    "08-123 456 78",  # the number an import added
    "+46812345678",
)


@dataclass
class Person:
    contact_id: int
    meeting_id: int
    other_meeting_id: int
    follow_up_id: int
    malmo_id: int


def malmo() -> Organisation:
    return db.session.scalar(select(Organisation).filter_by(municipality_code="1280"))


def meeting_values(title: str, start: datetime, **fields) -> MeetingValues:
    fields.setdefault("organisation_ids", [malmo().id])
    fields.setdefault("responsible_id", 1)
    return MeetingValues(
        title=title,
        kind=fields.pop("kind", MeetingKind.DIGITAL),
        status=fields.pop("status", MeetingStatus.HELD),
        starts_at=start,
        ends_at=start.replace(hour=start.hour + 1),
        all_day=False,
        **fields,
    )


@pytest.fixture
def person(seeded, users) -> Person:
    """Greta: two e-mail addresses, a phone, a tag, two roles (one ended), a meeting, a
    follow-up, an edit; a second meeting only mentions her; fixed times throughout."""
    with seeded.app_context():
        staff = make_user(name="Karin Handläggare", email="karin@samordnare.se")
        club = make_organisation(name="Föreningen Väst")
        greta = create_contact(
            values=ContactValues(
                first_name="Greta",
                last_name="Zylberstein",
                emails=["greta.z@malmo.se", "greta@privat.se"],
                phones=["070-123 45 67"],
                tags=["nätverk"],
            ),
            organisation=malmo(),
            title="Socialsekreterare",
            started_on=date(2020, 1, 1),
            by=staff,
        )
        end_affiliation(greta.affiliations[0], ended_on=date(2023, 12, 31), by=staff)
        add_affiliation(
            greta, organisation=club, title="Samordnare", started_on=date(2024, 1, 1), by=staff
        )
        meeting = schedule_meeting(
            values=meeting_values(
                "Dialogmöte om återvandring",
                datetime(2025, 11, 3, 9, tzinfo=UTC),
                contact_ids=[greta.id],
                responsible_id=staff.id,
                notes="Greta Zylberstein berättade om arbetet.",
                outcome="Vi ses igen i vår.",
            ),
            by=staff,
        )
        other = schedule_meeting(
            values=meeting_values(
                "Nätverksträff",
                datetime(2025, 12, 1, 9, tzinfo=UTC),
                responsible_id=staff.id,
                notes="Material skickas till greta.z@malmo.se.",
            ),
            by=staff,
        )
        follow_up = create_follow_up(
            values=FollowUpValues(
                title="Skicka vägledningen",
                owner_id=staff.id,
                due_on=date(2025, 12, 1),
                description="Digitalt",
                contact_id=greta.id,
            ),
            by=staff,
            today=date(2025, 11, 3),
        )
        update_contact(
            greta,
            values=ContactValues(
                first_name="Greta",
                last_name="Zylberstein",
                emails=["greta.z@malmo.se", "greta@privat.se"],
                phones=["070-123 45 67"],
                tags=["nätverk"],
                notes="=1+1 ringer helst på fredagar",
            ),
            expected_version=greta.version,
            by=staff,
        )
        db.session.flush()
        stamp(Contact, greta.id, created_at=UTC_2025, updated_at=UTC_2025)
        stamp(type(follow_up), follow_up.id, created_at=UTC_2025, updated_at=UTC_2025)
        db.session.execute(
            update(AuditEvent)
            .where(AuditEvent.entity_type == "contacts", AuditEvent.entity_id == greta.id)
            .values(occurred_at=UTC_2025)
        )
        db.session.commit()
        return Person(greta.id, meeting.id, other.id, follow_up.id, malmo().id)


def client_for(app, users, role: str):
    """Another browser, logged in with `role`."""
    client = app.test_client()
    assert login(client, users[role]).status_code == 302
    return client


def stamp(model, record_id: int, **values) -> None:
    """Set columns (such as timestamps) directly, bypassing the services."""
    db.session.execute(update(model).where(model.id == record_id).values(**values))


def staff_member() -> User:
    return db.session.scalar(select(User).filter_by(email="karin@samordnare.se"))


# --- The register extract --------------------------------------------------------------------


def test_json_extract_holds_every_section(person, as_role):
    response = as_role("coordinator").get(f"/kontakter/{person.contact_id}/registerutdrag.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Cache-Control"] == "no-store"
    assert b"Zylberstein" in response.data and "Föreningen Väst".encode() in response.data
    data = json.loads(response.data.decode("utf-8"))
    assert list(data) == sorted(data)
    assert data["contact_id"] == person.contact_id
    assert datetime.fromisoformat(data["generated_at"]).utcoffset() is not None
    assert data["contact"] == {
        "first_name": "Greta",
        "last_name": "Zylberstein",
        "emails": ["greta.z@malmo.se", "greta@privat.se"],
        "phones": ["+46701234567"],
        "tags": ["nätverk"],
        "notes": "=1+1 ringer helst på fredagar",
        "created_at": "2025-01-10T09:30:00+01:00",
        "updated_at": "2025-01-10T09:30:00+01:00",
        "anonymised_at": None,
    }
    assert data["affiliations"] == [
        {
            "organisation": "Malmö kommun",
            "title": "Socialsekreterare",
            "started_on": "2020-01-01",
            "ended_on": "2023-12-31",
        },
        {
            "organisation": "Föreningen Väst",
            "title": "Samordnare",
            "started_on": "2024-01-01",
            "ended_on": None,
        },
    ]
    assert data["meetings"] == [
        {
            "id": person.meeting_id,
            "title": "Dialogmöte om återvandring",
            "kind": "Digitalt möte",
            "status": "Genomfört",
            "starts_at": "2025-11-03T10:00:00+01:00",
            "ends_at": "2025-11-03T11:00:00+01:00",
            "all_day": False,
            "place": "",
            "organisations": ["Malmö kommun"],
            "agenda": "",
            "notes": "Greta Zylberstein berättade om arbetet.",
            "outcome": "Vi ses igen i vår.",
        }
    ]
    assert data["follow_ups"] == [
        {
            "id": person.follow_up_id,
            "title": "Skicka vägledningen",
            "description": "Digitalt",
            "status": "Öppen",
            "due_on": "2025-12-01",
            "owner": "Karin Handläggare",
            "meeting": None,
            "organisation": None,
            "completed_on": None,
            "completion_note": "",
            "created_at": "2025-01-10T09:30:00+01:00",
            "updated_at": "2025-01-10T09:30:00+01:00",
        }
    ]
    history = data["history"]
    assert [(e["action"], e["actor"]) for e in history] == [("skapade", "Karin Handläggare")] + [
        ("ändrade", "Karin Handläggare")
    ] * 3
    assert all(e["occurred_at"] == "2025-01-10T09:30:00+01:00" for e in history)
    assert history[0]["changes"]["emails"] == {
        "before": None,
        "after": ["greta.z@malmo.se", "greta@privat.se"],
    }
    assert history[2]["changes"] == {
        "affiliation": {"before": None, "after": "Föreningen Väst: Samordnare, 2024-01-01–"}
    }
    assert history[3]["changes"] == {
        "notes": {"before": "", "after": "=1+1 ringer helst på fredagar"}
    }


def test_xlsx_extract_has_one_sheet_per_section_and_no_formulas(person, as_role):
    response = as_role("admin").get(f"/kontakter/{person.contact_id}/registerutdrag.xlsx")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert not re.search(r"<(\w+:)?f[ >/]", archive.read(name).decode()), name
    workbook = load_workbook(io.BytesIO(response.data))
    assert workbook.sheetnames == ["Kontakt", "Roller", "Möten", "Uppföljningar", "Historik"]
    assert all(c.data_type != "f" for ws in workbook for row in ws.iter_rows() for c in row)
    facts = {row[0]: row[1] for row in workbook["Kontakt"].iter_rows(min_row=2, values_only=True)}
    assert facts["Förnamn"] == "Greta" and facts["Efternamn"] == "Zylberstein"
    assert facts["E-post"] == "greta.z@malmo.se, greta@privat.se"
    assert facts["Telefon"] == "070-123 45 67" and facts["Taggar"] == "nätverk"
    assert facts["Anteckningar"] == "=1+1 ringer helst på fredagar"  # text, not a formula
    assert facts["Skapad"] == datetime(2025, 1, 10, 9, 30)
    roles = list(workbook["Roller"].iter_rows(values_only=True))
    assert roles == [
        ("Organisation", "Roll eller titel", "Från och med", "Till och med"),
        ("Malmö kommun", "Socialsekreterare", datetime(2020, 1, 1), datetime(2023, 12, 31)),
        ("Föreningen Väst", "Samordnare", datetime(2024, 1, 1), None),
    ]
    meeting = list(workbook["Möten"].iter_rows(min_row=2, values_only=True))
    assert meeting[0][:5] == (
        datetime(2025, 11, 3, 10, 0),
        datetime(2025, 11, 3, 11, 0),
        "Dialogmöte om återvandring",
        "Digitalt möte",
        "Genomfört",
    )
    follow_ups = list(workbook["Uppföljningar"].iter_rows(min_row=2, values_only=True))
    assert follow_ups[0][:5] == (
        "Skicka vägledningen",
        "Digitalt",
        datetime(2025, 12, 1),
        "Öppen",
        "Karin Handläggare",
    )
    history = list(workbook["Historik"].iter_rows(values_only=True))
    assert history[0] == ("Tidpunkt", "Av", "Händelse", "Notering", "Fält", "Före", "Efter")
    assert history[-1][1:] == (
        "Karin Handläggare",
        "ändrade",
        None,  # no note: an empty cell
        "Anteckningar",
        "–",
        "=1+1 ringer helst på fredagar",
    )


def test_extract_filename_is_safe(seeded, users, as_role):
    with seeded.app_context():
        contact = create_contact(
            values=ContactValues(first_name='Å"sa\\', last_name="Ö/berg"), by=None
        )
        db.session.commit()
        contact_id = contact.id
    client = as_role("coordinator")
    for fmt in ("json", "xlsx"):
        response = client.get(f"/kontakter/{contact_id}/registerutdrag.{fmt}")
        disposition = response.headers["Content-Disposition"]
        assert disposition.startswith('attachment; filename="registerutdrag-')
        plain = disposition.split('filename="')[1].split('"')[0]
        assert not set(plain) & set('"\\/\r\n') and plain.endswith(f".{fmt}")
        assert "filename*=UTF-8''registerutdrag-%C3%85%20sa%20%C3%96%20berg-" in disposition


@pytest.mark.parametrize("fmt", ["json", "xlsx"])
def test_readers_may_not_take_out_an_extract(person, app, users, as_role, fmt):
    response = as_role("reader").get(f"/kontakter/{person.contact_id}/registerutdrag.{fmt}")
    assert response.status_code == 403
    admin = client_for(app, users, "admin")
    assert admin.get(f"/kontakter/999/registerutdrag.{fmt}").status_code == 404


def test_extract_statement_count_is_fixed(person, app, as_role, count_statements):
    with app.app_context():
        busy = create_contact(values=ContactValues(first_name="Bo", last_name="Upptagen"), by=None)
        for day in range(1, 21):
            schedule_meeting(
                values=meeting_values(
                    f"Möte {day}", datetime(2025, 10, day, 9, tzinfo=UTC), contact_ids=[busy.id]
                ),
                by=None,
            )
            create_follow_up(
                values=FollowUpValues(
                    title=f"Uppgift {day}",
                    owner_id=1,
                    due_on=date(2025, 11, day),
                    contact_id=busy.id,
                ),
                by=None,
                today=date(2025, 10, 1),
            )
        add_affiliation(busy, organisation=malmo(), title="Chef", started_on=None, by=None)
        db.session.commit()
        busy_id = busy.id
    client = as_role("coordinator")
    counts = []
    for contact_id in (person.contact_id, busy_id):
        with count_statements() as counter:
            assert client.get(f"/kontakter/{contact_id}/registerutdrag.json").status_code == 200
        counts.append(counter.count)
    # 14: two are the security log's row, written when the extract starts and completed
    # with its row count (app/security).
    assert counts[0] == counts[1] <= 14, counts


# --- Erasure by anonymisation ----------------------------------------------------------------

REASON = "Begäran om radering enligt art. 17, ärende 2026/123"


def figures() -> dict:
    """The statistics erasure must leave as they were."""
    period = month_period(date(2025, 11, 1))
    summary = monthly_summary(period)
    return {
        "coverage": coverage(date(2025, 11, 20)),
        "held": summary.held,
        "new_contacts": summary.new_contacts,
        "reach": [(r.kind, r.reach) for r in summary.reach],
        "by_kind": summary.by_organisation_kind,
        "participants": db.session.scalar(
            select(func.count()).select_from(Meeting).join(Meeting.contacts)
        ),
        "affiliations": sorted(
            db.session.execute(
                select(Affiliation.organisation_id, func.count()).group_by(
                    Affiliation.organisation_id
                )
            ).all()
        ),
    }


def everything_kept() -> str:
    """Every audit event and import record, as one text."""
    events = db.session.execute(select(AuditEvent.changes, AuditEvent.note)).all()
    items = db.session.scalars(select(ImportItem.before)).all()
    batches = db.session.scalars(select(ImportBatch.rows)).all()
    return json.dumps([[list(e) for e in events], items, batches], ensure_ascii=False)


@pytest.fixture
def imported(person, seeded):
    """An import that updated Greta (so her old values are kept for undoing it), and a
    draft upload with one of her addresses."""
    with seeded.app_context():
        by = staff_member()
        batch = start_import(
            filename="kontakter.csv",
            header=["Förnamn", "Efternamn", "E-post", "Telefon"],
            rows=[
                ["Greta", "Zylberstein", "greta.z@malmo.se", "08-123 456 78"],
                ["Olle", "Annan", "olle@annan.se", ""],
            ],
            by=by,
        )
        plan = plan_import(batch.rows, batch.mapping)
        commit_import(batch, expected=plan.fingerprint, skip_errors=False, by=by)
        start_import(
            filename="utkast.csv",
            header=["Namn", "E-post"],
            rows=[["G. Zylberstein", "GRETA@privat.se"], ["Olle Annan", "olle@annan.se"]],
            by=by,
        )
        db.session.commit()
    return person


@pytest.mark.parametrize("role", ["coordinator", "reader"])
def test_only_admins_may_anonymise(person, as_role, role):
    client = as_role(role)
    path = f"/kontakter/{person.contact_id}/anonymisera"
    assert client.get(path).status_code == 403
    assert client.post(path, data={"reason": REASON}).status_code == 403
    page = client.get(f"/kontakter/{person.contact_id}").text
    assert "/anonymisera" not in page
    assert ("/registerutdrag.json" in page) is (role == "coordinator")


def test_the_confirmation_page_explains_and_lists_text_to_review(person, as_role):
    page = as_role("admin").get(f"/kontakter/{person.contact_id}/anonymisera").text
    assert "Anonymiserad kontakt #" in page and "[raderad]" in page
    assert "deltagande i 1 möte" in page and "2 roller vid organisationer" in page
    # Both meetings name her (by name, by address): the admin reviews them first.
    assert f'href="/moten/{person.meeting_id}"' in page
    assert f'href="/moten/{person.other_meeting_id}"' in page
    assert 'aria-describedby="reason-description"' in page


def test_a_reason_is_required(person, as_role, app):
    response = as_role("admin").post(
        f"/kontakter/{person.contact_id}/anonymisera", data={"reason": "  "}
    )
    assert response.status_code == 200
    assert "Fältet måste fyllas i." in response.text
    with app.app_context():
        contact = db.session.get(Contact, person.contact_id)
        assert contact.last_name == "Zylberstein" and contact.anonymised_at is None
        assert len(contact.emails) == 2


def test_anonymising_erases_the_person_and_keeps_the_counts(imported, app, users, as_role):
    person = imported
    with app.app_context():
        before = figures()
        assert "Zylberstein" in everything_kept()
    client = as_role("admin")
    response = client.post(f"/kontakter/{person.contact_id}/anonymisera", data={"reason": REASON})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/kontakter/{person.contact_id}"
    page = client.get(response.headers["Location"]).text
    assert "Personuppgifterna för kontakt nr" in page and "Uppgifterna är anonymiserade" in page
    assert REASON in page and "anonymiserade" in page
    with app.app_context():
        contact = db.session.get(Contact, person.contact_id)
        assert contact.full_name == f"Anonymiserad kontakt #{contact.id}"
        assert contact.anonymised_at is not None and contact.version > 1
        assert (contact.emails, contact.phones, contact.tags, contact.notes) == ([], [], [], "")
        assert [a.title for a in contact.affiliations] == ["", ""]
        for query in ("Zylberstein", "greta.z@malmo.se", "Greta"):
            assert search_contacts(query) == []
        assert figures() == before
        kept = everything_kept()
        for trace in TRACES:
            assert trace not in kept, trace
        assert "Olle" in kept and "olle@annan.se" in kept  # the other rows stay
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "anonymise")).one()
        admin = db.session.scalar(select(User).filter_by(email=users["admin"]))
        assert (event.note, event.actor_id, event.actor_name) == (REASON, admin.id, admin.name)
        assert event.entity_id == contact.id
        assert set(event.changes) == {
            "first_name",
            "last_name",
            "notes",
            "emails",
            "phones",
            "tags",
        }
        # The import that updated her can no longer be undone (it would bring data back).
        batch = db.session.scalars(select(ImportBatch).filter_by(status="committed")).one()
        with pytest.raises(ImportNotPossible):
            revert_import(batch, by=admin)
    meeting_page = client.get(f"/moten/{person.meeting_id}").text
    assert f"Anonymiserad kontakt #{person.contact_id}" in meeting_page
    assert "Anonymiserad kontakt" in client.get(f"/organisationer/{person.malmo_id}").text
    for query in ("Zylberstein", "greta.z@malmo.se"):
        assert f'href="/kontakter/{person.contact_id}"' not in client.get(f"/sok?q={query}").text


def test_an_anonymised_contact_is_not_anonymised_again(person, app, as_role):
    with app.app_context():
        contact = db.session.get(Contact, person.contact_id)
        anonymise_contact(contact, reason=REASON, by=staff_member())
        db.session.commit()
        with pytest.raises(AnonymisationRefused):
            anonymise_contact(contact, reason=REASON, by=staff_member())
        events = db.session.scalar(select(func.count()).where(AuditEvent.action == "anonymise"))
    assert events == 1
    client = as_role("admin")
    path = f"/kontakter/{person.contact_id}/anonymisera"
    assert "En kontakt kan bara anonymiseras en gång." in client.get(path).text
    response = client.post(path, data={"reason": REASON})
    assert response.status_code == 302
    assert "Kontakten är redan anonymiserad." in client.get(response.headers["Location"]).text
    # Editing it says what it is, so nothing personal is typed back without a word.
    edit = client.get(f"/kontakter/{person.contact_id}/redigera").text
    assert "Uppgifterna är anonymiserade" in edit


# --- The retention list ----------------------------------------------------------------------

TODAY = date(2026, 6, 15)
OLD = datetime(2019, 3, 1, 12, tzinfo=UTC)


def old_contact(last_name: str, **values) -> Contact:
    contact = create_contact(
        values=ContactValues(first_name="Kim", last_name=last_name, **values), by=None
    )
    db.session.flush()
    return contact


def age(contact: Contact, *, changed: datetime = OLD) -> None:
    stamp(Contact, contact.id, created_at=OLD, updated_at=changed)


@pytest.fixture
def activity(seeded, users) -> dict[str, int]:
    """Contacts whose last activity is known, relative to TODAY (2026-06-15)."""
    with seeded.app_context():
        people = {}
        recent = old_contact("Aktiv")  # a meeting this spring
        schedule_meeting(
            values=meeting_values(
                "Vår", datetime(2026, 3, 2, 9, tzinfo=UTC), contact_ids=[recent.id]
            ),
            by=None,
        )
        met = old_contact("Mötte")  # a meeting two years ago
        schedule_meeting(
            values=meeting_values(
                "Förr", datetime(2024, 5, 6, 9, tzinfo=UTC), contact_ids=[met.id]
            ),
            by=None,
        )
        due = old_contact("Uppföljd")  # a follow-up due last autumn, created long ago
        follow_up = create_follow_up(
            values=FollowUpValues(
                title="Ring", owner_id=1, due_on=date(2025, 9, 1), contact_id=due.id
            ),
            by=None,
            today=TODAY,
        )
        stamp(type(follow_up), follow_up.id, created_at=OLD, updated_at=OLD)
        left = old_contact("Slutade")  # a role that ended in 2022
        left.affiliations.append(
            Affiliation(
                organisation=malmo(), started_on=date(2015, 1, 1), ended_on=date(2022, 12, 31)
            )
        )
        edited = old_contact("Ändrad")  # changed in January 2024
        cancelled = old_contact("Inställd")  # only a cancelled meeting, this year
        schedule_meeting(
            values=meeting_values(
                "Ställdes in",
                datetime(2026, 1, 12, 9, tzinfo=UTC),
                contact_ids=[cancelled.id],
                status=MeetingStatus.CANCELLED,
            ),
            by=None,
        )
        gone = old_contact("Anonym")
        anonymise_contact(gone, reason="Begäran", by=db.session.get(User, 1))
        db.session.flush()
        for contact in (recent, met, due, left, cancelled, gone):
            age(contact)
        age(edited, changed=datetime(2024, 1, 10, 9, tzinfo=UTC))
        people = {c.last_name: c.id for c in (recent, met, due, left, edited, cancelled)}
        db.session.commit()
    return people


def listed(years: int) -> dict[str, tuple[date, ActivityKind]]:
    contacts = db.session.scalars(
        inactive_contacts_query(cutoff=retention_cutoff(TODAY, years))
    ).all()
    activities = last_activities(contacts)
    return {c.last_name: (activities[c.id].on, activities[c.id].kind) for c in contacts}


def test_retention_lists_exactly_the_inactive(activity, app):
    with app.app_context():
        assert listed(1) == {
            "Inställd": (date(2019, 3, 1), ActivityKind.CREATED),
            "Mötte": (date(2024, 5, 6), ActivityKind.MEETING),
            "Slutade": (date(2022, 12, 31), ActivityKind.AFFILIATION_ENDED),
            "Ändrad": (date(2024, 1, 10), ActivityKind.UPDATED),
        }
        assert list(listed(3)) == ["Inställd", "Slutade"]  # Swedish order
        assert listed(10) == {}
    assert retention_cutoff(date(2024, 2, 29), 1) == date(2023, 2, 28)


@pytest.mark.parametrize("value", ["0", "21", "abc", "-1", "2.5", "²", "9" * 5000])
def test_retention_refuses_bad_years_with_a_message(seeded, as_role, value):
    response = as_role("coordinator").get(f"/kontakter/gallring?ar={value}")
    assert response.status_code == 400
    assert "Ange ett antal år mellan 1 och 20." in response.text
    assert f'value="{value}"' in response.text
    assert "<table" not in response.text


def test_retention_page(seeded, app, users, as_role, count_statements):
    """The page works from today's date: contacts aged relative to it."""
    two_years_ago = local_midnight(retention_cutoff(local_today(), 2))
    with app.app_context():
        dormant = old_contact("Gammal")
        dormant.affiliations.append(
            Affiliation(
                organisation=malmo(), started_on=date(2015, 1, 1), ended_on=date(2019, 6, 30)
            )
        )
        middle = old_contact("Mellan")
        old_contact("Färsk")
        db.session.flush()
        age(dormant)
        age(middle, changed=two_years_ago)
        db.session.commit()
        dormant_id = dormant.id
    coordinator = as_role("coordinator")
    page = coordinator.get("/kontakter/gallring").text  # RETENTION_YEARS, 3 by default
    assert 'name="ar"' in page and 'value="3"' in page
    assert "Gammal, Kim" in page and "Mellan" not in page and "Färsk" not in page
    assert "2019-06-30" in page and "Roll avslutad" in page and "/anonymisera" not in page
    page = coordinator.get("/kontakter/gallring?ar=1").text
    assert "Gammal, Kim" in page and "Mellan, Kim" in page and "Färsk" not in page
    assert client_for(app, users, "reader").get("/kontakter/gallring").status_code == 403
    admin = client_for(app, users, "admin")
    assert f'href="/kontakter/{dormant_id}/anonymisera"' in admin.get("/kontakter/gallring").text
    counts = []
    for extra in (0, 30):
        with app.app_context():
            for number in range(extra):
                contact = old_contact(f"Extra{number:02}", emails=[f"x{number}@a.se"])
                add_affiliation(
                    contact, organisation=malmo(), title="", started_on=date(2001, 1, 1), by=None
                )
                follow_up = create_follow_up(
                    values=FollowUpValues(
                        title="X", owner_id=1, due_on=date(2001, 1, 1), contact_id=contact.id
                    ),
                    by=None,
                    today=date(2001, 1, 1),
                )
                stamp(type(follow_up), follow_up.id, created_at=OLD, updated_at=OLD)
                age(contact)
            db.session.commit()
        with count_statements() as counter:
            response = admin.get("/kontakter/gallring")
        assert response.status_code == 200
        assert response.text.count('/anonymisera"') == 1 + extra
        counts.append(counter.count)
    assert counts[0] == counts[1] <= 12, counts
    app.config["RETENTION_YEARS"] = 1
    assert "Mellan, Kim" in coordinator.get("/kontakter/gallring").text


# --- The notice under free-text fields -------------------------------------------------------

NOTICE = "Skriv inte känsliga personuppgifter (t.ex. hälsa, etnicitet, religion, politisk åsikt)"
NOTE_FIELDS = {
    "/kontakter/ny": ["notes"],
    "/kontakter/1/redigera": ["notes"],
    "/organisationer/ny": ["notes"],
    "/organisationer/1/redigera": ["notes"],
    "/organisationer/1/engagemang": ["comment", "opportunities", "challenges"],
    "/moten/ny": ["agenda", "notes", "outcome"],
    "/moten/1/redigera": ["agenda", "notes", "outcome"],
    "/uppfoljningar/ny": ["description"],
    "/uppfoljningar/1/redigera": ["description"],
    "/uppfoljningar/efter-mote/1": ["outcome", "notes"],
}


def described_by(page: str, field_id: str) -> list[str]:
    """The ids in the aria-describedby of the control with `field_id`."""
    tag = re.search(rf'<(?:textarea|input|select)\b[^>]*\bid="{field_id}"[^>]*>', page)
    assert tag, field_id
    found = re.search(r'aria-describedby="([^"]*)"', tag.group(0))
    return found.group(1).split() if found else []


@pytest.fixture
def examples(seeded, users):
    from ..factories import make_example_rows

    with seeded.app_context():
        make_example_rows()
        db.session.commit()


@pytest.mark.parametrize("path", list(NOTE_FIELDS))
def test_note_fields_warn_against_sensitive_data(examples, as_role, path):
    page = as_role("coordinator").get(path).text
    for field_id in NOTE_FIELDS[path]:
        assert f'<p class="hint" id="{field_id}-description">{NOTICE}' in page, field_id
        assert f"{field_id}-description" in described_by(page, field_id)


def test_the_notice_and_the_error_are_both_announced(seeded, as_role):
    page = as_role("coordinator").post(
        "/kontakter/ny", data={"first_name": "Bo", "notes": "x" * 20001}
    )
    assert described_by(page.text, "notes") == ["notes-description", "notes-error"]
    assert 'aria-invalid="true"' in page.text
