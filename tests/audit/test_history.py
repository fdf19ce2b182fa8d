"""The history speaks the user's language, from the values stored in the log.

Each test stores AuditEvent rows as the writers have stored them (ids, codes, ISO UTC
strings, True/False; meetings' lists as names before step 8 and as ids since) and reads the
rendered history page through the client: names as they are today, Stockholm times,
Ja/Nej, labels, removed and anonymised records marked, and order-only changes left out.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from html import unescape
from typing import Any

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.auth.models import Role, User
from app.contacts.models import Contact
from app.contacts.services import CONTACT_FIELDS, ContactValues, contact_snapshot, create_contact
from app.extensions import db
from app.followups.models import FollowUp
from app.followups.services import FIELDS as FOLLOW_UP_FIELDS
from app.meetings.models import Meeting, MeetingKind, MeetingStatus
from app.meetings.services import FIELDS as MEETING_FIELDS
from app.meetings.services import MeetingValues, schedule_meeting, snapshot, update_meeting
from app.organisations.models import County, Organisation, OrganisationKind
from app.organisations.services import EDITABLE_FIELDS, ENGAGEMENT_FIELDS

from ..conftest import login
from ..factories import make_organisation, make_user

SUMMER = datetime(2026, 6, 10, 8, tzinfo=UTC)


def history_text(client, path: str) -> str:
    """The history section of a page, as text with single spaces."""
    response = client.get(path)
    assert response.status_code == 200, response.status_code
    html = response.get_data(as_text=True)
    section = html[html.index('<section aria-labelledby="history-heading"') :]
    section = section[: section.index("</section>")]
    section = section.replace('<span aria-hidden="true">→</span>', "")  # read as words
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", section)).split())


def store(entity: Any, action: str, changes: dict, *, actor=None, note: str = "") -> None:
    """An event as it was written (by any version of the writers)."""
    db.session.add(
        AuditEvent(
            occurred_at=SUMMER,
            actor_id=actor.id if actor else None,
            actor_name=actor.name if actor else "",
            entity_type=entity.__tablename__,
            entity_id=entity.id,
            action=action,
            changes=changes,
            note=note,
        )
    )


@pytest.fixture
def world(app, client):
    """Two counties, a municipality with a unit, an organisation in the trash, two
    coordinators (one since renamed), a contact, an anonymised one and one in the trash,
    a meeting and one in the trash; the client logged in."""
    with app.app_context():
        for code, name, letter in (("08", "Kalmar län", "H"), ("01", "Stockholms län", "AB")):
            db.session.add(County(code=code, name=name, short_name=name, letter=letter))
        kalmar = make_organisation(name="Kalmar kommun", kind=OrganisationKind.KOMMUN)
        unit = make_organisation(name="Socialtjänsten", parent_id=kalmar.id)
        gone = make_organisation(name="Kalmar kommun gammal")
        gone.deleted_at = SUMMER
        for organisation in (kalmar, unit, gone):
            organisation.index()
        anna = make_user(name="Anna Samordnare", role=Role.COORDINATOR)
        bo = make_user(name="Bo Handläggare", role=Role.COORDINATOR)
        greta = create_contact(values=ContactValues(first_name="Greta", last_name="Berg"), by=None)
        secret = create_contact(
            values=ContactValues(first_name="Hemlig", last_name="Person"), by=None
        )
        secret.first_name, secret.last_name = "Anonymiserad", f"kontakt #{secret.id}"
        secret.anonymised_at = SUMMER
        trashed = create_contact(
            values=ContactValues(first_name="Olle", last_name="Borta"), by=None
        )
        trashed.deleted_at = SUMMER
        meeting = schedule_meeting(
            values=MeetingValues(
                title="Samråd Kalmar",
                kind=MeetingKind.IN_PERSON,
                status=MeetingStatus.HELD,
                starts_at=SUMMER,
                ends_at=datetime(2026, 6, 10, 9, tzinfo=UTC),
                all_day=False,
                responsible_id=anna.id,
                organisation_ids=[kalmar.id, unit.id],
                contact_ids=[greta.id],
            ),
            by=anna,
        )
        old_meeting = schedule_meeting(
            values=MeetingValues(
                title="Gammalt möte",
                kind=MeetingKind.DIGITAL,
                status=MeetingStatus.HELD,
                starts_at=SUMMER,
                ends_at=datetime(2026, 6, 10, 9, tzinfo=UTC),
                all_day=False,
                responsible_id=anna.id,
                organisation_ids=[kalmar.id],
            ),
            by=anna,
        )
        old_meeting.deleted_at = SUMMER
        db.session.flush()
        ids = {
            "kalmar": kalmar.id,
            "unit": unit.id,
            "gone": gone.id,
            "anna": anna.id,
            "bo": bo.id,
            "greta": greta.id,
            "secret": secret.id,
            "trashed": trashed.id,
            "meeting": meeting.id,
            "old_meeting": old_meeting.id,
            "anna_email": anna.email,
        }
        db.session.commit()
    assert login(client, ids["anna_email"]).status_code == 302
    return ids


def test_organisation_history_names_parents_counties_kinds_and_stages(app, client, world):
    with app.app_context():
        unit = db.session.get(Organisation, world["unit"])
        kalmar = db.session.get(Organisation, world["kalmar"])
        store(
            unit,
            "update",
            {
                "parent_id": [world["gone"], world["kalmar"]],
                "county_code": ["01", "08"],
                "kind": ["civilsamhalle", "annan"],
            },
        )
        store(
            kalmar,
            "stage",
            {"engagement_stage": ["ej_kontaktad", "i_dialog"]},
            note="Första mötet hölls",
        )
        db.session.commit()
    text = history_text(client, f"/organisationer/{world['unit']}")
    assert "Ingår i Kalmar kommun gammal (borttagen) ändrades till Kalmar kommun" in text
    assert "Län Stockholms län ändrades till Kalmar län" in text
    assert "Typ Civilsamhälle ändrades till Annan" in text
    assert "parent_id" not in text and "county_code" not in text
    text = history_text(client, f"/organisationer/{world['kalmar']}")
    assert "Engagemangssteg Ej kontaktad ändrades till I dialog" in text


def test_meeting_history_shows_local_times_yes_no_labels_and_names(app, client, world):
    with app.app_context():
        meeting = db.session.get(Meeting, world["meeting"])
        store(
            meeting,
            "update",
            {
                "starts_at": ["2026-06-10T10:30:00+00:00", "2026-06-10T11:30:00+00:00"],
                "ends_at": ["2026-06-10T11:30:00+00:00", "2026-12-10T12:30:00+00:00"],
                "all_day": [False, True],
                "kind": ["fysiskt", "digitalt"],
                "status": ["planerat", "genomfort"],
                "responsible_id": [world["anna"], world["bo"]],
                "team": [[world["anna"]], [world["anna"], world["bo"]]],
                "organisations": [[world["gone"]], [world["kalmar"], world["unit"]]],
                "contacts": [[world["trashed"]], [world["greta"], world["secret"]]],
            },
            actor=db.session.get(Meeting, world["meeting"]).responsible,
        )
        # Written before step 8: lists held names; and a change of order only.
        store(meeting, "update", {"organisations": [["Borgholm kommun"], ["Kalmar kommun"]]})
        store(
            meeting,
            "update",
            {
                "organisations": [
                    ["Kalmar kommun", "Nybro kommun"],
                    ["Nybro kommun", "Kalmar kommun"],
                ]
            },
        )
        db.session.commit()
    text = history_text(client, f"/moten/{world['meeting']}")
    assert "Börjar 2026-06-10 12:30 ändrades till 2026-06-10 13:30" in text  # summer: UTC+2
    assert "Slutar 2026-06-10 13:30 ändrades till 2026-12-10 13:30" in text  # winter: UTC+1
    assert "+00:00" not in text
    assert "Heldag Nej ändrades till Ja" in text
    assert "False" not in text and "True" not in text
    assert "Typ av möte Fysiskt möte ändrades till Digitalt möte" in text
    assert "Status Planerat ändrades till Genomfört" in text
    assert "Ansvarig Anna Samordnare ändrades till Bo Handläggare" in text
    assert "Teamet Anna Samordnare ändrades till Anna Samordnare, Bo Handläggare" in text
    assert (
        "Organisationer Kalmar kommun gammal (borttagen) ändrades till "
        "Kalmar kommun, Socialtjänsten, Kalmar kommun" in text
    )
    assert "Kontakter Olle Borta (borttagen) ändrades till Greta Berg, Anonymiserad kontakt" in text
    assert "Hemlig" not in text
    assert "Organisationer Borgholm kommun ändrades till Kalmar kommun" in text
    assert "Nybro" not in text  # the order-only row is not shown
    # The first event shown is the meeting's creation, with the names of its lists.
    assert "Organisationer – ändrades till Kalmar kommun, Socialtjänsten, Kalmar kommun" in text


def test_an_edit_that_only_reorders_a_meetings_lists_records_no_change(app, world):
    with app.app_context():
        # Borgholm sorts before Kalmar but has the higher id: the page lists the meeting's
        # organisations by name, the database hands them back by id.
        borgholm = make_organisation(name="Borgholm kommun", kind=OrganisationKind.KOMMUN)
        borgholm.index()
        meeting = db.session.get(Meeting, world["meeting"])

        def save(organisation_ids: list[int]) -> dict:
            return update_meeting(
                meeting,
                values=MeetingValues(
                    title=meeting.title,
                    kind=meeting.kind,
                    status=meeting.status,
                    starts_at=meeting.starts_at,
                    ends_at=meeting.ends_at,
                    all_day=meeting.all_day,
                    responsible_id=meeting.responsible_id,
                    organisation_ids=organisation_ids,
                    contact_ids=[world["greta"]],
                ),
                expected_version=meeting.version,
                by=meeting.responsible,
            )

        assert save([world["kalmar"], borgholm.id])  # a real change: Borgholm instead
        db.session.commit()
        before = db.session.scalar(select(func.count()).select_from(AuditEvent))
        for order in ([borgholm.id, world["kalmar"]], [world["kalmar"], borgholm.id]):
            assert save(order) == {}
            db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == before
        assert snapshot(meeting)["organisations"] == sorted([world["kalmar"], borgholm.id])


def test_follow_up_history_names_owner_meeting_organisation_contact(app, client, world):
    with app.app_context():
        follow_up = FollowUp(
            title="Skicka material",
            owner_id=world["bo"],
            due_on=date(2026, 7, 1),
            meeting_id=world["meeting"],
        )
        db.session.add(follow_up)
        db.session.flush()
        store(
            follow_up,
            "update",
            {
                "owner_id": [world["anna"], world["bo"]],
                "due_on": ["2026-06-20", "2026-07-01"],
                "status": ["oppen", "klar"],
                "completed_on": [None, "2026-06-30"],
                "meeting_id": [world["old_meeting"], world["meeting"]],
                "organisation_id": [world["gone"], world["unit"]],
                "contact_id": [world["secret"], world["greta"]],
            },
        )
        follow_up_id = follow_up.id
        db.session.commit()
    text = history_text(client, f"/uppfoljningar/{follow_up_id}")
    assert "Ansvarig Anna Samordnare ändrades till Bo Handläggare" in text
    assert "Sista dag 2026-06-20 ändrades till 2026-07-01" in text
    assert "Status Öppen ändrades till Klar" in text
    assert "Klar – ändrades till 2026-06-30" in text
    assert "Möte Gammalt möte (borttagen) ändrades till Samråd Kalmar" in text
    assert (
        "Organisation Kalmar kommun gammal (borttagen) ändrades till Socialtjänsten, Kalmar kommun"
        in text
    )
    assert "Kontakt Anonymiserad kontakt ändrades till Greta Berg" in text


def test_contact_history_of_imports_merges_anonymisation_and_trash(app, client, world):
    with app.app_context():
        greta = db.session.get(Contact, world["greta"])
        bo = make_user(name="Bo Gammalt", role=Role.COORDINATOR)
        store(greta, "import", {"phones": [[], ["+46701234567"]]}, actor=bo, note="kontakter.csv")
        store(greta, "merge", {"emails": [["a@kalmar.se"], ["a@kalmar.se", "b@kalmar.se"]]})
        store(greta, "update", {"tags": [["Skola", "Vård"], ["Vård", "Skola"]]})
        store(greta, "delete", {}, note="Greta Berg")
        store(greta, "restore", {}, note="Greta Berg")
        store(greta, "anonymise", {"notes": ["(raderat)", ""]}, note="Begäran")
        bo.name = "Bo Nyttnamn"  # the actor's name today
        db.session.commit()
    text = history_text(client, f"/kontakter/{world['greta']}")
    assert "Bo Nyttnamn · importerade" in text and "Bo Gammalt" not in text
    assert "Telefonnummer – ändrades till 070-123 45 67" in text
    assert "E-postadresser a@kalmar.se ändrades till a@kalmar.se, b@kalmar.se" in text
    assert "Taggar" not in text  # reordered only, and empty at creation: nothing to show
    for action in ("tog bort", "återställde", "anonymiserade", "slog ihop"):
        assert action in text
    assert "Anteckningar (raderat) ändrades till –" in text


def test_contact_roles_read_as_organisation_role_and_local_dates(app, client, world):
    """A role ("Roll") in the contact's history, as the writers record it today (creating a
    contact with a role, adding one, ending it, changing organisation) and as older
    versions stored it: the organisation with its municipality, the role, dates as the
    pages show them; never an id, a code, UTC or False, and no dangling colon."""
    from app.contacts import services as contact_services
    from app.contacts.services import add_affiliation, change_organisation, end_affiliation

    with app.app_context():
        anna = db.session.get(User, world["anna"])
        unit = db.session.get(Organisation, world["unit"])
        kalmar = db.session.get(Organisation, world["kalmar"])
        eva = create_contact(
            values=ContactValues(first_name="Eva", last_name="Lund"),
            organisation=unit,
            title="Handläggare",
            started_on=date(2026, 1, 12),
            by=anna,
        )
        per = create_contact(
            values=ContactValues(first_name="Per", last_name="Lund"), organisation=kalmar, by=anna
        )
        greta = db.session.get(Contact, world["greta"])
        role = add_affiliation(
            greta, organisation=unit, title="Enhetschef", started_on=date(2026, 2, 1), by=anna
        )
        end_affiliation(role, ended_on=date(2026, 5, 31), by=anna)
        change_organisation(
            greta, organisation=kalmar, title="Samordnare", starts_on=date(2026, 6, 1), by=anna
        )
        store(per, "update", {"affiliation": [None, "Kalmar kommun:"]})  # as stored before
        db.session.commit()
        ids = {"eva": eva.id, "per": per.id}
        assert contact_services.role_record(kalmar.id, " Samordnare ") == {
            "organisation": kalmar.id,
            "title": "Samordnare",
            "started_on": None,
            "ended_on": None,
        }
    eva_text = history_text(client, f"/kontakter/{ids['eva']}")
    assert (
        "Roll – ändrades till Socialtjänsten, Kalmar kommun: Handläggare, 2026-01-12–" in eva_text
    )
    greta_text = history_text(client, f"/kontakter/{world['greta']}")
    assert (
        "Roll Socialtjänsten, Kalmar kommun: Enhetschef, 2026-02-01– ändrades till "
        "Socialtjänsten, Kalmar kommun: Enhetschef, 2026-02-01–2026-05-31"
    ) in greta_text
    assert "Roll – ändrades till Kalmar kommun: Samordnare, 2026-06-01–" in greta_text
    per_text = history_text(client, f"/kontakter/{ids['per']}")
    assert per_text.count("Roll – ändrades till Kalmar kommun") == 2, per_text
    assert "Kalmar kommun:" not in per_text
    for text in (eva_text, greta_text, per_text):
        roles = re.findall(r"Roll (.*?)(?= \d{4}-\d\d-\d\d \d\d:\d\d|$)", text)
        assert roles, text
        for shown in roles:
            for wrong in ("False", "True", "None", "+00:00", "T00:", "nr "):
                assert wrong not in shown, (wrong, shown)


def test_a_role_names_its_organisation_as_it_is_called_today(app, client, world):
    """The history stores a role's organisation by id: renamed, it reads under today's
    name; in the trash, as removed; gone for good, by number. A role stored as text by an
    older version keeps the name it had."""
    from app.contacts.services import add_affiliation, role_record

    with app.app_context():
        anna = db.session.get(User, world["anna"])
        greta = db.session.get(Contact, world["greta"])
        unit = db.session.get(Organisation, world["unit"])
        add_affiliation(greta, organisation=unit, title="Kurator", started_on=None, by=anna)
        store(greta, "update", {"affiliation": [None, "Socialförvaltningen, Kalmar kommun: Chef"]})
        db.session.commit()
    before = history_text(client, f"/kontakter/{world['greta']}")
    assert "Roll – ändrades till Socialtjänsten, Kalmar kommun: Kurator" in before
    with app.app_context():
        unit = db.session.get(Organisation, world["unit"])
        unit.name = "Individ- och familjeomsorgen"
        db.session.commit()
    renamed = history_text(client, f"/kontakter/{world['greta']}")
    assert "Roll – ändrades till Individ- och familjeomsorgen, Kalmar kommun: Kurator" in renamed
    assert "Socialtjänsten, Kalmar kommun: Kurator" not in renamed
    assert "Roll – ändrades till Socialförvaltningen, Kalmar kommun: Chef" in renamed  # as stored
    with app.app_context():
        greta = db.session.get(Contact, world["greta"])
        store(greta, "update", {"affiliation": [None, role_record(world["gone"], "Rektor")]})
        store(greta, "update", {"affiliation": [None, role_record(10**9, "Lärare")]})
        db.session.commit()
    trashed = history_text(client, f"/kontakter/{world['greta']}")
    assert re.search(r"Roll – ändrades till [^:]+ \(borttagen\): Rektor", trashed), trashed
    assert f"Roll – ändrades till nr {10**9} (borttagen): Lärare" in trashed


def test_every_field_the_writers_record_has_a_label(app, world):
    from app.audit.display import registered_fields

    with app.app_context():
        contact = db.session.get(Contact, world["greta"])
        meeting = db.session.get(Meeting, world["meeting"])
        recorded = {
            "contacts": {*CONTACT_FIELDS, *contact_snapshot(contact), "affiliation"},
            "meetings": {*MEETING_FIELDS, *snapshot(meeting)},
            "organisations": {*EDITABLE_FIELDS, *ENGAGEMENT_FIELDS},
            "follow_ups": set(FOLLOW_UP_FIELDS),
        }
        for entity_type, fields in recorded.items():
            labels = registered_fields(entity_type)
            assert fields <= set(labels), (entity_type, fields - set(labels))
            for name in fields:
                assert str(labels[name].label) and str(labels[name].label) != name


def test_a_long_history_costs_no_more_statements(app, client, world, count_statements):
    path = f"/moten/{world['meeting']}"

    def statements() -> int:
        with count_statements() as counter:
            assert client.get(path).status_code == 200
        return counter.count

    few = statements()
    with app.app_context():
        meeting = db.session.get(Meeting, world["meeting"])
        people = [make_user(name=f"Person {n}") for n in range(30)]
        places = [make_organisation(name=f"Förening {n}") for n in range(30)]
        for person, place in zip(people, places, strict=True):
            store(
                meeting,
                "update",
                {
                    "responsible_id": [world["anna"], person.id],
                    "organisations": [[world["kalmar"]], [place.id]],
                    "contacts": [[], [world["greta"]]],
                },
                actor=person,
            )
        db.session.commit()
    text = history_text(client, path)
    assert "Person 29" in text and "Förening 29" in text
    assert statements() == few
