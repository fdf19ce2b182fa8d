"""Test data for the digest: a user who wants it, follow-ups and meetings on given days."""

from __future__ import annotations

from datetime import date, time, timedelta

from app.auth.models import User
from app.common.time import local_to_utc
from app.extensions import db
from app.followups.services import FollowUpValues, create_follow_up
from app.meetings.models import MeetingKind, MeetingStatus
from app.meetings.services import MeetingValues, schedule_meeting
from app.plans.models import ContactPlan, ContactPlanItem

from ..factories import make_organisation, make_user


def make_reader(*, enabled: bool = True, **fields) -> User:
    user = make_user(**fields)
    user.digest_enabled = enabled
    db.session.flush()
    return user


def follow_up(user: User, title: str, due_on: date):
    values = FollowUpValues(title=title, owner_id=user.id, due_on=due_on)
    return create_follow_up(values=values, by=None, today=due_on)


def meeting(
    user: User,
    title: str,
    day: date,
    *,
    at=time(10),
    status=MeetingStatus.PLANNED,
    organisation=None,
):
    start = local_to_utc(day, at)
    organisation = organisation or make_organisation(name=f"Organisation för {title}")
    values = MeetingValues(
        title=title,
        kind=MeetingKind.IN_PERSON,
        status=status,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        all_day=False,
        responsible_id=user.id,
        organisation_ids=[organisation.id],
    )
    return schedule_meeting(values=values, by=None)


def plan(owner, title: str, ends_on: date, items):
    """A contact plan with (organisation, responsible or None) items."""
    made = ContactPlan(title=title, owner_id=owner.id, starts_on=date(2026, 1, 1), ends_on=ends_on)
    db.session.add(made)
    db.session.flush()
    for organisation, responsible in items:
        db.session.add(
            ContactPlanItem(
                plan_id=made.id,
                organisation_id=organisation.id,
                responsible_id=responsible.id if responsible else None,
            )
        )
    db.session.flush()
    return made
