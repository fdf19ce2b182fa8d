"""The aggregates behind the activity summary and the whole-period report, and the list of
held meetings.

Each aggregate is one SQL statement, whatever the data volume: nothing loads every meeting
into Python. "Möte hållet" is the one of app/meetings/figures.py, as on the start page: only
held meetings count; a meeting belongs to the Stockholm day, month or quarter it starts in; an
organisation has had a meeting held when one was held with it or with one of its units
(`figures.root_id`), and it counts once.

Figures for several periods ("buckets": the months of a chart, the quarters of the final
account, and the period itself) come from the same statement. The buckets' first and last
days cut time into consecutive slots (`_Slots`), and a bucket's figure is the sum of the slots
it spans. Counts are taken per slot, each a range of an index (status and start, creation
time, status and completion day), joined by UNION ALL into one statement: reading the index
entries of the rows that count and nothing else, where one pass over the table with a CASE
per row to find its slot took seconds at 800,000 follow-ups. Reach, which needs every held
meeting up to the end, uses that CASE, computed in a subquery and grouped on outside it:
PostgreSQL would not recognise a CASE full of bind parameters in GROUP BY as the one in the
select list.

The held meetings are listed page by page for the report page (`held_meetings_page`, two
statements) and streamed as plain rows for the exports (`held_meeting_rows`, one statement).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    Integer,
    and_,
    case,
    cast,
    func,
    literal_column,
    null,
    select,
    union_all,
)

from app.aggregates.models import MEETING_KIND
from app.aggregates.queries import counts, met_counts, top_level
from app.auth.models import User
from app.common.text import sort_key
from app.common.time import local_midnight
from app.contacts.models import Contact
from app.extensions import db
from app.followups.models import FollowUp, FollowUpStatus
from app.meetings.figures import COVERED_KINDS
from app.meetings.models import Meeting, MeetingKind, MeetingStatus
from app.organisations.models import Organisation, OrganisationKind

from .periods import Period
from .sql import unindexed


@dataclass(frozen=True)
class Reach:
    """Organisations of one kind with Möte hållet (meetings/figures.py): during a bucket, for
    the first time during it, and at any time up to its end."""

    reached: int = 0
    new: int = 0
    cumulative: int = 0


@dataclass(frozen=True)
class Activity:
    """Contacts added and follow-ups created and completed during a bucket."""

    new_contacts: int = 0
    follow_ups_created: int = 0
    follow_ups_completed: int = 0


@dataclass(frozen=True)
class OwnerFollowUps:
    """One team member's follow-ups in a period."""

    owner_id: int
    owner: str
    created: int
    completed: int
    overdue: int  # open at the period's end and due before it ended


@dataclass(frozen=True)
class _Slots:
    """Time cut at every bucket's first day and at the day after its last: slot `i` runs from
    `days[i]` (included) to `days[i + 1]` (excluded), in Stockholm days."""

    days: tuple[date, ...]

    @classmethod
    def of(cls, buckets: Sequence[Period]) -> _Slots:
        cuts = {b.start for b in buckets} | {b.end + timedelta(days=1) for b in buckets}
        return cls(tuple(sorted(cuts)))

    @property
    def moments(self) -> list[datetime]:
        """The cuts as UTC moments (for columns holding a moment)."""
        return [local_midnight(day) for day in self.days]

    @property
    def count(self) -> int:
        return len(self.days) - 1

    def spanned(self, bucket: Period) -> range:
        """The slots that make up `bucket`."""
        return range(self.days.index(bucket.start), self.days.index(bucket.end + timedelta(1)))

    def case(self, column: Any, *, dates: bool = False, before: bool = False) -> Any:
        """The slot of `column`'s value (a moment, or a date if `dates`); -1 before the first
        cut if `before`. The caller's WHERE keeps values before the last cut."""
        cuts: list[Any] = list(self.days) if dates else self.moments
        whens = [(column < cut, position) for position, cut in enumerate(cuts[1:])]
        if before:
            whens.insert(0, (column < cuts[0], -1))
        return case(*whens, else_=self.count - 1)

    def ranges(self, *, dates: bool = False) -> list[tuple[int, Any, Any]]:
        """(slot, first, after) for each slot: moments, or dates if `dates`."""
        cuts: list[Any] = list(self.days) if dates else self.moments
        return [(slot, cuts[slot], cuts[slot + 1]) for slot in range(self.count)]


def _within(column: Any, start: datetime, end: datetime) -> Any:
    return and_(column >= start, column < end)


def _in(column: Any, bucket: Period) -> Any:
    return _within(column, bucket.starts_at, bucket.ends_at)


def held_in(period: Period) -> Any:
    return and_(Meeting.status == MeetingStatus.HELD, _in(Meeting.starts_at, period))


def as_int(value: Any) -> int:
    return int(value or 0)


def held_per_bucket(buckets: Sequence[Period]) -> list[dict[MeetingKind, int]]:
    """Held meetings per meeting kind, for each bucket (from the maintained tallies)."""
    per_bucket = counts([MEETING_KIND], buckets)
    return [
        {kind: figures[MEETING_KIND][kind.value] for kind in MeetingKind} for figures in per_bucket
    ]


def reach_per_bucket(buckets: Sequence[Period]) -> list[dict[OrganisationKind, Reach]]:
    """Top-level organisations with Möte hållet per kind, for each bucket: during it, for the
    first time during it, and at any time up to its end. Archived municipalities and county
    boards are left out, as the start page's coverage does; the totals they are measured
    against (`registry_totals`) leave them out too.

    Two statements over the maintained figures: the organisations met in each bucket (the
    tallies of its months), and every top-level organisation with its first held meeting."""
    if not buckets:
        return []
    organisations = [
        o for o in top_level().values() if not (o.archived and o.kind in COVERED_KINDS)
    ]
    met = met_counts(buckets)
    result: list[dict[OrganisationKind, Reach]] = []
    for bucket, reached in zip(buckets, met, strict=True):
        starts_at, ends_at = bucket.starts_at, bucket.ends_at
        new: Counter[OrganisationKind] = Counter()
        cumulative: Counter[OrganisationKind] = Counter()
        for organisation in organisations:
            first = organisation.first_held_at
            if first is None or first >= ends_at:
                continue
            cumulative[organisation.kind] += 1
            if first >= starts_at:
                new[organisation.kind] += 1
        result.append(
            {kind: Reach(reached[kind], new[kind], cumulative[kind]) for kind in OrganisationKind}
        )
    return result


#: What a row of `activity_per_bucket`'s statement counts.
_CREATED, _COMPLETED, _OVERDUE, _CONTACTS = range(4)


def activity_per_bucket(
    buckets: Sequence[Period], *, owners_in: Period
) -> tuple[list[Activity], list[OwnerFollowUps]]:
    """New contacts and follow-ups created and completed, for each bucket; and per owner the
    follow-ups created and completed in `owners_in` (one of the buckets) and those overdue
    when it ended. One statement of index ranges: per slot, the follow-ups created (by
    creation time) and completed (by status and completion day) and the contacts added (by
    creation time), each counted per owner; and the follow-ups overdue at the end, open ones
    by status and due day, completed ones by status and completion day.

    Overdue at the end = open then, and due before the day after it (the start page's rule
    that a follow-up due today is not yet overdue). A follow-up completed after the period
    was still open at its end; a cancelled one has no date to tell, so it is left out."""
    if not buckets:
        return [], []
    slots = _Slots.of(buckets)
    period = owners_in
    counted = func.count().label("count")
    parts: list[Any] = []
    for slot, first, last in slots.ranges():
        parts.append(
            select(_number(_CREATED, "what"), FollowUp.owner_id, _number(slot, "slot"), counted)
            .where(_within(FollowUp.created_at, first, last))
            .group_by(FollowUp.owner_id)
        )
        parts.append(
            # From the entity, not only its columns: the trash's filter applies to entities.
            select(_number(_CONTACTS), _no_owner(), _number(slot), counted)
            .select_from(Contact)
            .where(_within(Contact.created_at, first, last))
        )
    for slot, first, last in slots.ranges(dates=True):
        parts.append(
            select(_number(_COMPLETED), FollowUp.owner_id, _number(slot), counted)
            .where(
                FollowUp.status == FollowUpStatus.DONE,
                FollowUp.completed_on >= first,
                FollowUp.completed_on < last,
            )
            .group_by(FollowUp.owner_id)
        )
    created = FollowUp.created_at < period.ends_at
    parts += [
        select(_number(_OVERDUE), FollowUp.owner_id, _number(0), counted)
        .where(created, FollowUp.status == FollowUpStatus.OPEN, FollowUp.due_on <= period.end)
        .group_by(FollowUp.owner_id),
        # Completed since: found by completion day (SQLite would take the due day's index,
        # which holds every completed follow-up due before the end).
        select(_number(_OVERDUE), FollowUp.owner_id, _number(0), counted)
        .where(
            created,
            FollowUp.status == FollowUpStatus.DONE,
            FollowUp.completed_on > period.end,
            unindexed(FollowUp.due_on) <= period.end,
        )
        .group_by(FollowUp.owner_id),
    ]
    figures = _union(parts).subquery()
    what, owner_id, slot, count = figures.c
    rows = db.session.execute(
        select(what, owner_id, User.name, slot, count).outerjoin(User, User.id == owner_id)
    ).all()

    new_contacts = [0] * slots.count
    totals = {_CREATED: [0] * slots.count, _COMPLETED: [0] * slots.count}
    per_owner: dict[tuple[int, str], dict[int, list[int]]] = defaultdict(
        lambda: {_CREATED: [0] * slots.count, _COMPLETED: [0] * slots.count, _OVERDUE: [0]}
    )
    for kind, owner, name, position, number in rows:
        number = as_int(number)
        if kind == _CONTACTS:
            new_contacts[position] += number
            continue
        per_owner[(owner, name)][kind][position] += number
        if kind != _OVERDUE:
            totals[kind][position] += number

    def spanned(values: list[int], bucket: Period) -> int:
        return sum(values[s] for s in slots.spanned(bucket))

    activity = [
        Activity(
            new_contacts=spanned(new_contacts, b),
            follow_ups_created=spanned(totals[_CREATED], b),
            follow_ups_completed=spanned(totals[_COMPLETED], b),
        )
        for b in buckets
    ]
    owners = [
        OwnerFollowUps(
            owner,
            name,
            spanned(figures[_CREATED], period),
            spanned(figures[_COMPLETED], period),
            figures[_OVERDUE][0],
        )
        for (owner, name), figures in per_owner.items()
    ]
    owners = [o for o in owners if o.created or o.completed or o.overdue]
    return activity, sorted(owners, key=lambda o: (sort_key(o.owner), o.owner_id))


def _number(value: int, name: str | None = None) -> Any:
    """A constant column (our own small integer, written into the SQL: no bind parameter
    whose type a UNION would have to guess), named `name` if given (a UNION's columns are
    named by its first part)."""
    column = literal_column(str(int(value)), Integer)
    return column if name is None else column.label(name)


def _no_owner() -> Any:
    return cast(null(), Integer)


def _union(parts: Iterable[Any]) -> Any:
    """The parts as one UNION ALL statement (a lone part as itself)."""
    selects = list(parts)
    return selects[0] if len(selects) == 1 else union_all(*selects)


def registry_totals() -> dict[OrganisationKind, int]:
    """Active top-level organisations per kind (290 municipalities, 21 county boards)."""
    rows = db.session.execute(
        select(Organisation.kind, func.count())
        .where(Organisation.parent_id.is_(None), Organisation.archived_at.is_(None))
        .group_by(Organisation.kind)
    ).all()
    totals = dict.fromkeys(OrganisationKind, 0)
    totals.update(dict(rows))
    return totals
