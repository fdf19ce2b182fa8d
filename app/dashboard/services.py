"""What the start page shows, each part a bounded query so the page costs the same
number of statements whatever the amount of data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from itertools import groupby

from sqlalchemy import func, select

from app.common.time import iso_week, local_midnight, week_bounds
from app.extensions import db
from app.followups.models import FollowUp, FollowUpStatus
from app.followups.services import LIST_OPTIONS
from app.meetings.models import Meeting, MeetingStatus
from app.meetings.queries import MeetingFilter, meeting_query

#: Meetings shown per week before "Visa alla"; follow-ups and recent meetings likewise.
WEEK_LIMIT = 40
FOLLOW_UP_LIMIT = 10
RECENT_LIMIT = 8
#: "Due soon": within this many days from today.
DUE_SOON_DAYS = 7


@dataclass(frozen=True)
class Week:
    """The meetings of one ISO week, grouped by Stockholm day."""

    number: int
    monday: date
    days: list[tuple[date, list[Meeting]]]
    total: int

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)

    @property
    def shown(self) -> int:
        return sum(len(meetings) for _, meetings in self.days)


def _week(monday: date, meetings: list[Meeting], total: int) -> Week:
    days = [
        (day, list(items))
        for day, items in groupby(meetings, key=lambda m: max(m.local_start.date(), monday))
    ]
    return Week(number=iso_week(monday), monday=monday, days=days, total=total)


def this_and_next_week(today: date, *, user_id: int | None) -> tuple[Week, Week]:
    """This ISO week's and next week's planned and held meetings (cancelled ones are left
    out), earliest first; with `user_id`, only those the user is responsible for or takes
    part in. One statement for both weeks (two more only when a week is over its limit)."""
    monday, next_monday = week_bounds(today)
    following_monday = next_monday + timedelta(days=7)

    def meetings(first: date, last: date):
        filters = MeetingFilter(start=first, end=last, user_id=user_id, descending=False)
        return meeting_query(filters).where(Meeting.status != MeetingStatus.CANCELLED)

    both = list(
        db.session.scalars(
            meetings(monday, following_monday - timedelta(days=1)).limit(2 * WEEK_LIMIT + 1)
        )
    )
    boundary = local_midnight(next_monday)
    weeks = []
    for first in (monday, next_monday):
        last = first + timedelta(days=6)
        if len(both) > 2 * WEEK_LIMIT:  # a busy fortnight: each week on its own, with a count
            query = meetings(first, last)
            items = list(db.session.scalars(query.limit(WEEK_LIMIT)))
            total = db.session.scalar(
                select(func.count()).select_from(query.order_by(None).subquery())
            )
        else:
            in_week = (
                (lambda m: m.starts_at < boundary)
                if first == monday
                else (lambda m: m.ends_at > boundary)
            )
            items = [m for m in both if in_week(m)]
            total = len(items)
            items = items[:WEEK_LIMIT]
        weeks.append(_week(first, items, total))
    return weeks[0], weeks[1]


@dataclass(frozen=True)
class MyFollowUps:
    overdue: list[FollowUp]
    overdue_total: int
    due_soon: list[FollowUp]
    due_soon_total: int


def my_follow_ups(user_id: int, today: date) -> MyFollowUps:
    """The user's open follow-ups that are overdue (due before today, in Stockholm) and
    those due within the coming week, most urgent first; counts in one statement."""
    soon_end = today + timedelta(days=DUE_SOON_DAYS)
    base = select(FollowUp).where(
        FollowUp.status == FollowUpStatus.OPEN, FollowUp.owner_id == user_id
    )
    ordered = base.options(*LIST_OPTIONS).order_by(FollowUp.due_on, FollowUp.id)
    ordered = ordered.limit(FOLLOW_UP_LIMIT)
    overdue = list(db.session.scalars(ordered.where(FollowUp.due_on < today)))
    due_soon = list(
        db.session.scalars(ordered.where(FollowUp.due_on >= today, FollowUp.due_on < soon_end))
    )
    overdue_total, soon_total = db.session.execute(
        select(
            func.count().filter(FollowUp.due_on < today),
            func.count().filter(FollowUp.due_on >= today),
        ).where(
            FollowUp.status == FollowUpStatus.OPEN,
            FollowUp.owner_id == user_id,
            FollowUp.due_on < soon_end,
        )
    ).one()
    return MyFollowUps(overdue, overdue_total, due_soon, soon_total)


def recently_logged(limit: int = RECENT_LIMIT) -> list[Meeting]:
    """The meetings most recently entered, newest entry first."""
    query = meeting_query(MeetingFilter()).order_by(None)
    query = query.order_by(Meeting.created_at.desc(), Meeting.id.desc())
    return list(db.session.scalars(query.limit(limit)))
