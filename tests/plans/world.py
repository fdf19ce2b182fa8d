"""Test data for contact plans: seeded municipalities, meetings with them, a plan. Needs an
app context with the registry seeded; flushes, never commits."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from app.auth.models import User
from app.extensions import db
from app.meetings.models import Meeting, MeetingKind, MeetingStatus
from app.meetings.services import MeetingValues, schedule_meeting
from app.organisations.models import Organisation, OrganisationKind
from app.plans.models import ContactPlan
from app.plans.services import PlanValues, add_organisations, create_plan

from ..factories import make_organisation, make_user


def organisation(name: str) -> Organisation:
    """A seeded organisation by its exact name ("Kramfors kommun")."""
    return db.session.scalars(select(Organisation).where(Organisation.name == name)).one()


def unit_of(municipality: Organisation, name: str = "Socialtjänsten") -> Organisation:
    return make_organisation(
        name=name, kind=OrganisationKind.ENHET, parent_id=municipality.id, county_code=None
    )


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def meeting(
    organisations: list[Organisation],
    starts_at: datetime,
    *,
    by: User,
    status: MeetingStatus = MeetingStatus.HELD,
) -> Meeting:
    """A meeting of an hour from `starts_at` (UTC) with the organisations."""
    return schedule_meeting(
        values=MeetingValues(
            title="Dialog om återvandring",
            kind=MeetingKind.DIGITAL,
            status=status,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=1),
            all_day=False,
            responsible_id=by.id,
            organisation_ids=[o.id for o in organisations],
        ),
        by=by,
    )


def plan(
    owner: User,
    *,
    title: str = "Västernorrland hösten 2026",
    starts_on: date = date(2026, 11, 1),
    ends_on: date = date(2026, 11, 30),
    organisations: list[Organisation] = (),
) -> ContactPlan:
    made = create_plan(
        values=PlanValues(
            title=title,
            scope="Västernorrlands län",
            owner_id=owner.id,
            starts_on=starts_on,
            ends_on=ends_on,
        ),
        by=owner,
    )
    add_organisations(made, [o.id for o in organisations], by=owner)
    return made


def coordinator(name: str = "Karin Koordinator") -> User:
    from app.auth.models import Role

    return make_user(name=name, role=Role.COORDINATOR)
