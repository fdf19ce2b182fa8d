"""The figures behind the activity summary and the whole-period report, for several periods
("buckets": the months of a chart, the quarters of the final account, and the period itself)
at once.

Every figure is read from the maintained figures (app/aggregates): held meetings per kind and
"Möte hållet" (app/meetings/figures.py: only held meetings count; a meeting belongs to the
Stockholm day, month or quarter it starts in; an organisation has had a meeting held when one
was held with it or with one of its units, and it counts once) from the meeting tallies, and
follow-ups and contacts from the activity tallies. A bucket's whole months are a row per month
and key, its other days a row per day: the cost follows the months and the organisations and
owners, not the meetings and follow-ups behind them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    and_,
    func,
    or_,
    select,
)

from app.aggregates.models import COMPLETED, CONTACT, CREATED, MEETING_KIND, RootFigures
from app.aggregates.queries import activity_counts, counts, met_counts, overdue_at
from app.auth.models import User
from app.common.text import sort_key
from app.extensions import db
from app.meetings.figures import COVERED_KINDS
from app.meetings.models import Meeting, MeetingKind, MeetingStatus
from app.organisations.models import Organisation, OrganisationKind

from .periods import Period


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


def _within(column: Any, start: datetime, end: datetime) -> Any:
    return and_(column >= start, column < end)


def _in(column: Any, bucket: Period) -> Any:
    return _within(column, bucket.starts_at, bucket.ends_at)


def held_in(period: Period) -> Any:
    return and_(Meeting.status == MeetingStatus.HELD, _in(Meeting.starts_at, period))


def held_per_bucket(buckets: Sequence[Period]) -> list[dict[MeetingKind, int]]:
    """Held meetings per meeting kind, for each bucket (from the maintained tallies)."""
    per_bucket = counts([MEETING_KIND], buckets)
    return [
        {kind: figures[MEETING_KIND][kind.value] for kind in MeetingKind} for figures in per_bucket
    ]


@dataclass(frozen=True)
class ReachFigures:
    """Reach per kind for each bucket, and the totals it is measured against: the active
    top-level organisations per kind (290 municipalities, 21 county boards)."""

    per_bucket: list[dict[OrganisationKind, Reach]]
    totals: dict[OrganisationKind, int]


def reach_per_bucket(
    buckets: Sequence[Period], *, municipalities_only: Collection[int] = ()
) -> ReachFigures:
    """Top-level organisations with Möte hållet per kind, for each bucket: during it, for the
    first time during it, and at any time up to its end; and the active top-level
    organisations per kind they are measured against (`registry_totals`' figure). Archived
    municipalities and county boards are left out, as the start page's coverage does. In the
    buckets at the positions in `municipalities_only`, the organisations met of other kinds
    may be left uncounted (`reached` 0: see met_counts).

    Two statements over the maintained figures: the organisations met in each bucket (the
    tallies of its months), and the top-level organisations counted per kind, in all and by
    when they first had a meeting held (one row per kind, a pair of counts per bucket)."""
    if not buckets:
        return ReachFigures([], registry_totals())
    first = RootFigures.first_held_at
    columns = [func.count().filter(Organisation.archived_at.is_(None))]
    for bucket in buckets:
        columns += [
            func.count().filter(first < bucket.ends_at),
            func.count().filter(first >= bucket.starts_at, first < bucket.ends_at),
        ]
    rows = db.session.execute(
        select(Organisation.kind, *columns)
        .outerjoin(RootFigures, RootFigures.organisation_id == Organisation.id)
        .where(
            Organisation.parent_id.is_(None),
            # An archived organisation counts where it was met, except among the
            # municipalities and county boards (COVERED_KINDS); never in the totals.
            or_(Organisation.archived_at.is_(None), Organisation.kind.not_in(COVERED_KINDS)),
        )
        .group_by(Organisation.kind)
    ).all()
    totals = dict.fromkeys(OrganisationKind, 0)
    totals.update({kind: int(total or 0) for kind, total, *_ in rows})
    met = met_counts(buckets, municipalities_only=municipalities_only)
    result: list[dict[OrganisationKind, Reach]] = []
    for position, reached in enumerate(met):
        cumulative: Counter[OrganisationKind] = Counter()
        new: Counter[OrganisationKind] = Counter()
        for kind, _total, *figures in rows:
            cumulative[kind] += int(figures[2 * position] or 0)
            new[kind] += int(figures[2 * position + 1] or 0)
        result.append(
            {kind: Reach(reached[kind], new[kind], cumulative[kind]) for kind in OrganisationKind}
        )
    return ReachFigures(result, totals)


def activity_per_bucket(
    buckets: Sequence[Period], *, owners_in: Period
) -> tuple[list[Activity], list[OwnerFollowUps]]:
    """New contacts and follow-ups created and completed, for each bucket; and per owner the
    follow-ups created and completed in `owners_in` (one of the buckets) and those overdue
    when it ended. From the maintained activity tallies (app/aggregates): three statements
    whatever the number of follow-ups (the counts, the overdue ones, the owners' names).

    Overdue at the end = created by then, open then, and due that day or before (the start
    page's rule that a follow-up due today is not yet overdue, applied at the end of the
    day). A follow-up completed after the period was still open at its end; a cancelled one
    has no date to tell, so it is left out."""
    if not buckets:
        return [], []
    spans = list(dict.fromkeys([*buckets, owners_in]))
    figures = dict(zip(spans, activity_counts([CREATED, COMPLETED, CONTACT], spans), strict=True))
    activity = [
        Activity(
            new_contacts=sum(figures[b][CONTACT].values()),
            follow_ups_created=sum(figures[b][CREATED].values()),
            follow_ups_completed=sum(figures[b][COMPLETED].values()),
        )
        for b in buckets
    ]
    own = figures[owners_in]
    overdue = overdue_at(owners_in.end)
    ids = {o for counts in (own[CREATED], own[COMPLETED], overdue) for o, n in counts.items() if n}
    names = (
        dict(db.session.execute(select(User.id, User.name).where(User.id.in_(ids))).all())
        if ids
        else {}
    )
    owners = [
        OwnerFollowUps(
            owner, names.get(owner, ""), own[CREATED][owner], own[COMPLETED][owner], overdue[owner]
        )
        for owner in ids
    ]
    return activity, sorted(owners, key=lambda o: (sort_key(o.owner), o.owner_id))


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
