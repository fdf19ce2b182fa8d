"""What the start page shows, each part a bounded query so the page costs the same
number of statements whatever the amount of data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from itertools import groupby
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    and_,
    bindparam,
    desc,
    func,
    literal,
    select,
    union_all,
)

from app.auth.models import User
from app.common.time import iso_week, local_midnight, to_local, week_bounds
from app.extensions import db
from app.followups.models import FollowUp, FollowUpStatus
from app.followups.rows import ROW_COLUMNS, FollowUpRow, read_rows, row_statement
from app.meetings.models import Meeting, MeetingStatus
from app.meetings.queries import (
    going_on_from_before,
    involving,
    organisation_names,
    window_start,
)

#: Meetings shown per week before "Visa alla"; follow-ups and recent meetings likewise.
WEEK_LIMIT = 40
#: A week's meetings are counted exactly up to this many ("fler än 200" above it), so the
#: count reads at most this many rows however busy the registry's weeks are.
WEEK_COUNT_LIMIT = 200
#: My overdue follow-ups, and those due within a week, are counted exactly up to this many
#: ("fler än 200" above it, as a week's meetings).
FOLLOW_UP_COUNT_LIMIT = 200
FOLLOW_UP_LIMIT = 10
RECENT_LIMIT = 8
#: "Due soon": within this many days from today.
DUE_SOON_DAYS = 7


@dataclass(frozen=True)
class AgendaMeeting:
    """A meeting as the start page lists it: plain values read in two statements for the
    whole list (the meetings with their responsible, their organisations' names), not an
    ORM object per meeting, organisation and parent."""

    id: int
    title: str
    status: MeetingStatus
    starts_at: datetime
    ends_at: datetime
    all_day: bool
    created_at: datetime
    responsible: str  # the responsible team member's name
    organisations: tuple[str, ...]  # display names, in Swedish order

    @property
    def local_start(self) -> datetime:
        return to_local(self.starts_at)

    @property
    def local_end(self) -> datetime:
        return to_local(self.ends_at)


def agenda_statement(query: Select[Any]) -> Select[Any]:
    """`query`'s meetings, in its order, with the columns of an AgendaMeeting."""
    return query.with_only_columns(
        Meeting.id,
        Meeting.title,
        Meeting.status,
        Meeting.starts_at,
        Meeting.ends_at,
        Meeting.all_day,
        Meeting.created_at,
        User.name,
    ).join(User, User.id == Meeting.responsible_id)


def read_agenda(
    statement: Select[Any], parameters: dict[str, Any] | None = None
) -> list[AgendaMeeting]:
    """The meetings an `agenda_statement` selects, as AgendaMeetings (two statements)."""
    rows = db.session.execute(statement, parameters).all()
    names = organisation_names([row[0] for row in rows])
    return [AgendaMeeting(*row, organisations=tuple(names.get(row[0], ()))) for row in rows]


def agenda_meetings(query: Select[Any]) -> list[AgendaMeeting]:
    """The meetings `query` selects, in its order, as AgendaMeetings (two statements)."""
    return read_agenda(agenda_statement(query))


@dataclass(frozen=True)
class Week:
    """The meetings of one ISO week, grouped by Stockholm day."""

    number: int
    monday: date
    days: list[tuple[date, list[AgendaMeeting]]]
    total: int  # at most WEEK_COUNT_LIMIT + 1: see `more_than`

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)

    @property
    def more_than(self) -> int | None:
        """WEEK_COUNT_LIMIT when the week has more meetings than that (not counted exactly)."""
        return WEEK_COUNT_LIMIT if self.total > WEEK_COUNT_LIMIT else None

    @property
    def shown(self) -> int:
        return sum(len(meetings) for _, meetings in self.days)


def _week(monday: date, meetings: list[AgendaMeeting], total: int) -> Week:
    days = [
        (day, list(items))
        for day, items in groupby(meetings, key=lambda m: max(m.local_start.date(), monday))
    ]
    return Week(number=iso_week(monday), monday=monday, days=days, total=total)


@cache
def _week_statement(mine: bool, limit: int, count_limit: int) -> Select[Any]:
    """This and next week's first `limit` meetings as agenda rows, each with its week (0
    this, 1 next) and how many meetings the week has, counted up to `count_limit` + 1; for
    the whole team or for the user in the parameter "user" (`mine`).

    Each week's meetings are read once, in order, up to `count_limit` + 1: numbered as they
    come, the first `limit` are shown and the last number is the count. A week's meetings
    are those that start in it, read from the index on starts_at from the week's Monday, and
    the few that cross a midnight and go on into it (`going_on_from_before`, their own
    index): reading one window from MAX_MEETING_DAYS before the week passed some 10,000
    entries of the index a week at scale 100 (6 of the page's 25 ms). The weeks' bounds come
    as parameters (`_week_parameters`), so it is built once per process for each `limit`
    and `count_limit` (WEEK_LIMIT, WEEK_COUNT_LIMIT): building it cost more than running it."""

    def week(n: int) -> Select[Any]:
        """Week `n`'s planned and held meetings, earliest first, numbered and counted."""
        start = bindparam(f"start{n}")

        def part(*window: ColumnElement[bool]) -> Select[Any]:
            """The first `count_limit` + 1 of one kind, in order: each part ordered and
            limited on its own, so the database reads the index in order and stops
            (PostgreSQL otherwise appended all of a week's 5,100 meetings at scale 100 and
            sorted them: 14 ms against 5)."""
            query = select(Meeting.id, Meeting.starts_at).where(
                Meeting.status != MeetingStatus.CANCELLED, *window
            )
            if mine:
                query = query.where(involving(bindparam("user")))
            firsts = (
                query.order_by(Meeting.starts_at, Meeting.id.desc())
                .limit(count_limit + 1)
                .subquery()
            )
            return select(firsts.c.id, firsts.c.starts_at)

        # Those that start in the week, and the few that started before it and go on.
        first = (
            union_all(
                part(Meeting.starts_at >= start, Meeting.starts_at < bindparam(f"end{n}")),
                part(*going_on_from_before(start, bindparam(f"earliest{n}"))),
            )
            .order_by("starts_at", desc("id"))
            .limit(count_limit + 1)
            .subquery()
        )
        order = (first.c.starts_at, first.c.id.desc())
        return select(
            literal(n, Integer).label("week"),
            first.c.id,
            func.count().over().label("total"),
            func.row_number().over(order_by=order).label("place"),
        )

    weeks = union_all(week(0), week(1)).subquery()
    return (
        agenda_statement(select(Meeting))
        .join(weeks, weeks.c.id == Meeting.id)
        .where(weeks.c.place <= limit)
        .add_columns(weeks.c.week, weeks.c.total)
        .order_by(weeks.c.week, Meeting.starts_at, Meeting.id.desc())
    )


def _week_parameters(monday: date, user_id: int | None) -> dict[str, Any]:
    """The values `_week_statement` takes for the week of `monday` and the next."""
    parameters: dict[str, Any] = {"user": user_id} if user_id is not None else {}
    for n, first in enumerate((monday, monday + timedelta(days=7))):
        parameters[f"start{n}"], parameters[f"earliest{n}"] = window_start(first)
        parameters[f"end{n}"] = local_midnight(first + timedelta(days=7))
    return parameters


def this_and_next_week(today: date, *, user_id: int | None) -> tuple[Week, Week]:
    """This ISO week's and next week's planned and held meetings (cancelled ones are left
    out), earliest first, at most `WEEK_LIMIT` a week; with `user_id`, only those the user is
    responsible for or takes part in; and how many each week has in all (exactly up to
    WEEK_COUNT_LIMIT). One statement (and one for the organisations' names), however busy
    the weeks are."""
    monday, next_monday = week_bounds(today)
    statement = _week_statement(user_id is not None, WEEK_LIMIT, WEEK_COUNT_LIMIT)
    rows = db.session.execute(statement, _week_parameters(monday, user_id)).all()
    names = organisation_names(list({row[0] for row in rows}))
    weeks: tuple[list[AgendaMeeting], list[AgendaMeeting]] = ([], [])
    totals = [0, 0]
    for *agenda, week, total in rows:
        weeks[week].append(AgendaMeeting(*agenda, organisations=tuple(names.get(agenda[0], ()))))
        totals[week] = total
    return (
        _week(monday, weeks[0], totals[0]),
        _week(next_monday, weeks[1], totals[1]),
    )


@dataclass(frozen=True)
class MyFollowUps:
    overdue: list[FollowUpRow]
    overdue_total: int  # at most FOLLOW_UP_COUNT_LIMIT + 1: see `overdue_more_than`
    due_soon: list[FollowUpRow]
    due_soon_total: int  # likewise

    @property
    def overdue_more_than(self) -> int | None:
        """FOLLOW_UP_COUNT_LIMIT when more are overdue than that (not counted exactly)."""
        return FOLLOW_UP_COUNT_LIMIT if self.overdue_total > FOLLOW_UP_COUNT_LIMIT else None

    @property
    def due_soon_more_than(self) -> int | None:
        return FOLLOW_UP_COUNT_LIMIT if self.due_soon_total > FOLLOW_UP_COUNT_LIMIT else None


@cache
def _my_follow_ups_statement(limit: int, count_limit: int) -> Select[Any]:
    """The statement of `my_follow_ups`, built once per process (for each `limit` and
    `count_limit`: FOLLOW_UP_LIMIT, FOLLOW_UP_COUNT_LIMIT): the user, today and the end of
    the coming week come as the parameters "user", "today" and "soon"."""
    mine = (FollowUp.status == FollowUpStatus.OPEN, FollowUp.owner_id == bindparam("user"))
    kinds = {
        1: FollowUp.due_on < bindparam("today"),
        0: and_(FollowUp.due_on >= bindparam("today"), FollowUp.due_on < bindparam("soon")),
    }

    def first(kind: int, due: Any) -> Select[Any]:
        """The first FOLLOW_UP_LIMIT of one kind, in due order, with the kind."""
        ids = (
            select(FollowUp.id)
            .where(*mine, due)
            .order_by(FollowUp.due_on, FollowUp.id)
            .limit(limit)
            .subquery()
        )
        return select(literal(kind).label("kind"), ids.c.id)

    firsts = union_all(*(first(kind, due) for kind, due in kinds.items())).subquery()
    late_total, soon_total = (
        # Counted up to FOLLOW_UP_COUNT_LIMIT + 1 from the index alone (18,361 overdue
        # follow-ups, counted exactly: 12.5 ms on PostgreSQL, 3 ms on SQLite).
        select(func.count())
        .select_from(
            select(literal(1))
            .select_from(FollowUp)
            .where(*mine, due)
            .limit(count_limit + 1)
            .subquery()
        )
        .scalar_subquery()
        for due in kinds.values()
    )
    return row_statement(
        select(firsts.c.kind, late_total, soon_total)
        .select_from(FollowUp)
        .join(firsts, firsts.c.id == FollowUp.id)
        .order_by(firsts.c.kind.desc(), FollowUp.due_on, FollowUp.id)
    )


def my_follow_ups(user_id: int, today: date) -> MyFollowUps:
    """The user's open follow-ups that are overdue (due before today, in Stockholm) and
    those due within the coming week, most urgent first, at most FOLLOW_UP_LIMIT of each,
    with how many there are of each (exactly up to FOLLOW_UP_COUNT_LIMIT), as plain rows
    (followups/rows.py): one statement, and one for their meetings' organisations. Each
    list is read in due order from the index on (owner, status, due day) and stops at its
    limit, and each count reads at most
    FOLLOW_UP_COUNT_LIMIT + 1 entries of that index, so someone with thousands of overdue
    follow-ups costs as little as someone with ten (ranking them all with window functions
    took 65 ms for 20,000)."""
    parameters = {
        "user": user_id,
        "today": today,
        "soon": today + timedelta(days=DUE_SOON_DAYS),
    }
    statement = _my_follow_ups_statement(FOLLOW_UP_LIMIT, FOLLOW_UP_COUNT_LIMIT)
    rows = db.session.execute(statement, parameters).all()
    kinds = [row[ROW_COLUMNS] for row in rows]
    items = read_rows(rows)
    late = [item for item, kind in zip(items, kinds, strict=True) if kind == 1]
    soon = [item for item, kind in zip(items, kinds, strict=True) if kind == 0]
    totals = tuple(rows[0][ROW_COLUMNS + 1 :]) if rows else (0, 0)
    return MyFollowUps(late, totals[0], soon, totals[1])


@cache
def _recent_statement(limit: int) -> Select[Any]:
    return agenda_statement(
        select(Meeting).order_by(Meeting.created_at.desc(), Meeting.id.desc()).limit(limit)
    )


def recently_logged(limit: int = RECENT_LIMIT) -> list[AgendaMeeting]:
    """The meetings most recently entered, newest entry first."""
    return read_agenda(_recent_statement(limit))
