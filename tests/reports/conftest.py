"""A small world whose report figures are computed by hand in the tests (see `build_world`).

October 2026 is the month under report. Everything is placed at Stockholm times around the
month's and quarters' edges, so a report that confused UTC and Stockholm would be off.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from app.auth.models import Role, User
from app.common.time import local_to_utc
from app.contacts.services import ContactValues, create_contact
from app.extensions import db
from app.followups.models import FollowUpStatus
from app.followups.services import FollowUpValues, create_follow_up
from app.meetings.models import MeetingKind, MeetingStatus, Perspective
from app.meetings.services import MeetingValues, schedule_meeting
from app.organisations.models import Organisation, OrganisationKind
from app.organisations.services import change_engagement
from app.organisations.stages import Stage
from app.reports.periods import Period

from ..factories import make_organisation, make_user

OCTOBER = Period(date(2026, 10, 1), date(2026, 10, 31))
WHOLE = Period(date(2025, 6, 5), date(2026, 11, 30))
HYPERLINK = '=HYPERLINK("http://example.com","klicka")'


def at(day: date, clock: time = time(10)) -> datetime:
    """A Stockholm wall-clock time as the UTC moment it is stored as."""
    return local_to_utc(day, clock)


def municipality(code: str) -> Organisation:
    return db.session.scalar(select(Organisation).filter_by(municipality_code=code))


def county_board(county: str) -> Organisation:
    return db.session.scalar(select(Organisation).filter_by(reference_key=f"lansstyrelse:{county}"))


def meet(title, start, organisations, *, kind=MeetingKind.DIGITAL, status=None, hours=1, **extra):
    values = MeetingValues(
        title=title,
        kind=kind,
        status=status or MeetingStatus.HELD,
        starts_at=start,
        ends_at=start + timedelta(hours=hours),
        all_day=False,
        responsible_id=extra.pop("responsible_id"),
        organisation_ids=[o.id for o in organisations],
        **extra,
    )
    return schedule_meeting(values=values, by=None)


def follow_up(owner: User, title: str, *, created: datetime, due: date, **extra):
    done_on = extra.pop("completed_on", None)
    status = extra.pop("status", FollowUpStatus.DONE if done_on else FollowUpStatus.OPEN)
    item = create_follow_up(
        values=FollowUpValues(title=title, owner_id=owner.id, due_on=due, **extra),
        by=None,
        today=due,
    )
    item.created_at, item.status, item.completed_on = created, status, done_on
    return item


def stage_change(organisation: Organisation, stage: Stage, when: datetime, by: User, **text):
    change = change_engagement(
        organisation,
        stage=stage,
        comment="",
        opportunities=text.get("opportunities", ""),
        challenges=text.get("challenges", ""),
        by=by,
    )
    change.changed_at = when
    return change


@dataclass
class World:
    anna: int
    bertil: int
    malmo: int
    lund: int
    kiruna: int
    goteborg: int
    uppsala: int
    skane_board: int
    social_services: int
    association: int
    formula_meeting: int


def build_world() -> World:
    """The hand-computed world (figures in the tests' docstrings)."""
    anna = make_user(name="Anna Andersson", email="anna@example.se")
    bertil = make_user(name="Bertil Berg", email="bertil@example.se", role=Role.ADMIN)
    malmo, lund, kiruna = municipality("1280"), municipality("1281"), municipality("2584")
    goteborg, uppsala, stockholm = municipality("1480"), municipality("0380"), municipality("0180")
    skane = county_board("12")
    agency = db.session.scalar(select(Organisation).filter_by(name="Migrationsverket"))
    social_services = make_organisation(
        name="Socialtjänsten", kind=OrganisationKind.KOMMUN, parent_id=malmo.id
    )
    association = make_organisation(name="Föreningen Återvändo")
    who = {"responsible_id": anna.id}

    # October's held meetings: six. Malmö directly, through its unit and again: once.
    meet(
        "Malmö, Lund och länsstyrelsen",
        at(date(2026, 10, 5)),
        [malmo, lund, skane],
        topics=["Återvandringsbidrag"],
        target_groups=["Unga vuxna"],
        perspectives={Perspective.CHILD_RIGHTS: "Barnens situation"},
        outcome="Överens om att ses igen.",
        **who,
    )
    meet(
        "Socialtjänsten i Malmö",
        at(date(2026, 10, 12), time(9)),
        [social_services],
        kind=MeetingKind.IN_PERSON,
        topics=["återvandringsbidrag"],
        perspectives={Perspective.GENDER_EQUALITY: ""},
        **who,
    )
    formula = meet(
        HYPERLINK, at(date(2026, 10, 15)), [association], kind=MeetingKind.CONFERENCE, **who
    )
    meet("Malmö igen", at(date(2026, 10, 20)), [malmo], **who)
    meet("Till Migrationsverket", at(date(2026, 10, 21)), [agency], kind=MeetingKind.WRITTEN, **who)
    # Spans midnight into November: belongs to October, the month it starts in.
    meet(
        "Kiruna sent",
        at(date(2026, 10, 31), time(23, 30)),
        [kiruna],
        kind=MeetingKind.PHONE,
        hours=2,
        **who,
    )
    # Not October's: cancelled, planned, September's, and 00:30 on 1 November (UTC: October).
    meet("Inställt", at(date(2026, 10, 20)), [uppsala], status=MeetingStatus.CANCELLED, **who)
    meet("Planerat", at(date(2026, 10, 28)), [stockholm], status=MeetingStatus.PLANNED, **who)
    meet("Lund i september", at(date(2026, 9, 10)), [lund], kind=MeetingKind.IN_PERSON, **who)
    meet("Göteborg vid midnatt", at(date(2026, 11, 1), time(0, 30)), [goteborg], **who)

    # Contacts: one in October; the others a few minutes either side of it (and of 2026K4).
    for first, when in [
        ("Oktober", at(date(2026, 10, 1), time(0, 10))),
        ("September", at(date(2026, 9, 30), time(23, 50))),
        ("November", at(date(2026, 11, 1), time(0, 5))),
    ]:
        contact = create_contact(
            values=ContactValues(first_name=first, last_name="Kontakt"), by=None
        )
        contact.created_at = when

    # Follow-ups. October: Anna created 2, completed 1, 1 overdue at the month's end;
    # Bertil created 1, 1 overdue (done only in November). A cancelled one never counts.
    follow_up(
        anna,
        "Skicka material",
        created=at(date(2026, 10, 3)),
        due=date(2026, 10, 10),
        completed_on=date(2026, 10, 9),
    )
    follow_up(
        anna,
        "Boka uppföljning",
        created=at(date(2026, 10, 6)),
        due=date(2026, 10, 20),
        organisation_id=social_services.id,
    )
    follow_up(
        bertil,
        "Svara Lund",
        created=at(date(2026, 9, 15)),
        due=date(2026, 10, 31),
        completed_on=date(2026, 11, 2),
        organisation_id=lund.id,
    )
    follow_up(
        bertil,
        "Inbjudan till konferens",
        created=at(date(2026, 10, 20)),
        due=date(2026, 11, 15),
        organisation_id=malmo.id,
    )
    follow_up(
        bertil,
        "Avbruten",
        created=at(date(2026, 9, 1)),
        due=date(2026, 9, 20),
        status=FollowUpStatus.CANCELLED,
    )

    # The lägesbild's history: Lund's two changes straddle the New Year in Stockholm.
    stage_change(malmo, Stage.CONTACTED, at(date(2025, 8, 1)), anna)
    stage_change(
        malmo,
        Stage.IN_DIALOGUE,
        at(date(2026, 2, 10)),
        anna,
        opportunities="Stort intresse",
        challenges="Tolkar saknas",
    )
    stage_change(lund, Stage.INFORMED, at(date(2025, 12, 31), time(23, 30)), anna)
    stage_change(lund, Stage.ACTIVE, at(date(2026, 1, 1), time(0, 30)), anna)
    stage_change(kiruna, Stage.DECLINED, at(date(2026, 5, 1)), anna)

    db.session.flush()
    return World(
        anna=anna.id,
        bertil=bertil.id,
        malmo=malmo.id,
        lund=lund.id,
        kiruna=kiruna.id,
        goteborg=goteborg.id,
        uppsala=uppsala.id,
        skane_board=skane.id,
        social_services=social_services.id,
        association=association.id,
        formula_meeting=formula.id,
    )


def add_more(world: World, count: int) -> None:
    """`count` more October meetings (with organisations, labels and perspectives),
    follow-ups, contacts and stage changes: for statement counts at two data sizes."""
    anna, bertil = db.session.get(User, world.anna), db.session.get(User, world.bertil)
    association = db.session.get(Organisation, world.association)
    for number in range(count):
        other = municipality(["0114", "0115", "0117", "0120"][number % 4])
        meet(
            f"Extra {number}",
            at(date(2026, 10, 1 + number % 28)),
            [other, association],
            topics=[f"Ämne {number}"],
            target_groups=[f"Grupp {number}"],
            perspectives={Perspective.DISABILITY: ""},
            responsible_id=anna.id,
        )
        follow_up(bertil, f"Extra {number}", created=at(date(2026, 10, 2)), due=date(2026, 10, 5))
        create_contact(values=ContactValues(first_name="Extra", last_name=str(number)), by=None)
        stage_change(other, Stage.INFORMED, at(date(2026, 3, 1 + number % 28)), anna)
    db.session.flush()


@pytest.fixture
def world(seeded) -> World:
    """The hand-computed world, committed."""
    with seeded.app_context():
        built = build_world()
        db.session.commit()
    return built


@pytest.fixture
def reader(seeded, client):
    """The client, logged in as a reader."""
    from ..conftest import login

    with seeded.app_context():
        make_user(email="reader@example.se", role=Role.READER)
        db.session.commit()
    response = login(client, "reader@example.se")
    assert response.status_code == 302
    return client
