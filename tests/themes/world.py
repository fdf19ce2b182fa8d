"""Test data for themes: municipalities from the seeded registry, a unit, meetings held with
them, themes. They need an app context with the registry seeded; they flush, never commit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from app.auth.models import User
from app.extensions import db
from app.meetings.models import Meeting, MeetingKind, MeetingStatus
from app.meetings.services import MeetingValues, schedule_meeting
from app.organisations.models import Organisation, OrganisationKind
from app.themes.models import Theme, ThemeSide
from app.themes.services import ThemeValues, create_theme

from ..factories import make_organisation, make_user


def organisation(name: str) -> Organisation:
    """A seeded organisation by its exact name ("Kramfors kommun")."""
    return db.session.scalars(select(Organisation).where(Organisation.name == name)).one()


def unit_of(municipality: Organisation, name: str = "Socialtjänsten") -> Organisation:
    return make_organisation(
        name=name, kind=OrganisationKind.ENHET, parent_id=municipality.id, county_code=None
    )


def theme(name: str, side: ThemeSide | None = None, *, by: User | None = None) -> Theme:
    return create_theme(values=ThemeValues(name=name, side=side), by=by)


def meeting(
    organisations: list[Organisation],
    starts_at: datetime,
    *,
    by: User | None = None,
    title: str = "Dialog om återvandring",
) -> Meeting:
    """A held meeting of an hour from `starts_at` (UTC) with the organisations."""
    user = by or make_user()
    return schedule_meeting(
        values=MeetingValues(
            title=title,
            kind=MeetingKind.DIGITAL,
            status=MeetingStatus.HELD,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=1),
            all_day=False,
            responsible_id=user.id,
            organisation_ids=[o.id for o in organisations],
        ),
        by=user,
    )


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)
