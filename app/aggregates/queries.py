"""Reading the maintained figures: per period and per organisation (the start page's
coverage is in coverage.py). Each read costs a statement or two whose rows are bounded by
months × keys (at most one row per organisation per month) and the organisations, not by
the meetings held.

A period is any run of whole Stockholm days (`start`, `end`, both included). Its whole months
are read from the tallies; the days before its first whole month and after its last (a
period that starts on the 5th, a free period) from the facts of those days.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Any, Protocol

from sqlalchemy import (
    Integer,
    and_,
    bindparam,
    cast,
    func,
    literal,
    literal_column,
    or_,
    select,
    union_all,
)

from app.common.bitmaps import from_bytes
from app.extensions import db
from app.meetings.coverage import (
    month_start,
    next_month_start,
)
from app.meetings.figures import COVERED_KINDS
from app.organisations.models import Organisation, OrganisationKind

from .models import (
    DAY,
    MONTH,
    OVERDUE_FROM,
    OVERDUE_TO,
    ROOT,
    ActivityTally,
    DayTally,
    FollowUpFact,
    MetMonth,
    Tally,
)


class Span(Protocol):
    """Whole Stockholm days from `start` to `end`, both included (reports.periods.Period)."""

    start: date
    end: date


@dataclass(frozen=True)
class Parts:
    """A period cut into whole months (first days) and the days outside them."""

    months: tuple[date, ...]
    days: tuple[tuple[date, date], ...]  # (first, last) ranges, both included


def parts(span: Span) -> Parts:
    first = span.start if span.start.day == 1 else next_month_start(span.start)
    after = span.end + timedelta(days=1)
    last = month_start(after)  # the first month not wholly inside (exclusive)
    months: list[date] = []
    month = first
    while month < last:
        months.append(month)
        month = next_month_start(month)
    if not months:
        return Parts((), ((span.start, span.end),))
    days = []
    if span.start < months[0]:
        days.append((span.start, months[0] - timedelta(days=1)))
    if last <= span.end:
        days.append((last, span.end))
    return Parts(tuple(months), tuple(days))


@cache
def _month_tallies() -> Any:
    """The month tallies of some dimensions (the expanding parameter "dimensions") in the
    months from "first" to "last": built once per process (a report's whole months, the
    start page's two)."""
    return select(
        literal(0, Integer).label("grain"),
        Tally.dimension,
        Tally.month.label("date"),
        Tally.key,
        Tally.meetings,
    ).where(
        Tally.dimension.in_(bindparam("dimensions", expanding=True)),
        Tally.month >= bindparam("first"),
        Tally.month <= bindparam("last"),
    )


def counts(dimensions: Sequence[str], spans: Sequence[Span]) -> list[dict[str, Counter[str]]]:
    """Held meetings per key of each dimension, for each span: one statement (the tallies of
    the months any span covers, and the day tallies of the days outside them)."""
    if not spans or not dimensions:
        return [{d: Counter() for d in dimensions} for _ in spans]
    cut = [parts(span) for span in spans]
    months = sorted({m for p in cut for m in p.months})
    ranges = sorted({r for p in cut for r in p.days})
    statements: list[Any] = []
    parameters: dict[str, Any] = {}
    if months:
        statements.append(_month_tallies())
        parameters = {"dimensions": list(dimensions), "first": months[0], "last": months[-1]}
    # One part per dimension and run of days: each a range of the day tallies' primary key
    # (with an IN and an OR of ranges, SQLite read every row).
    statements += [
        select(
            literal(1, Integer), DayTally.dimension, DayTally.day, DayTally.key, DayTally.meetings
        ).where(DayTally.dimension == dimension, DayTally.day.between(first, last))
        for dimension in dimensions
        for first, last in ranges
    ]
    statement = statements[0] if len(statements) == 1 else union_all(*statements)
    rows = db.session.execute(statement, parameters).all()
    result = [{d: Counter() for d in dimensions} for _ in spans]
    # Each month and day to the spans it belongs to, then each row added where it belongs.
    by_month: dict[date, list[int]] = {}
    by_day: dict[date, list[int]] = {}
    for position, part in enumerate(cut):
        for month in part.months:
            by_month.setdefault(month, []).append(position)
        for first, last in part.days:
            day = first
            while day <= last:
                by_day.setdefault(day, []).append(position)
                day += timedelta(days=1)
    for grain, dimension, day, key, meetings in rows:
        for position in (by_month if grain == 0 else by_day).get(day, ()):
            result[position][dimension][key] += int(meetings)
    return result


@dataclass(frozen=True)
class Days:
    """A run of whole Stockholm days (for spans that are not report periods)."""

    start: date
    end: date


def month_span(first: date) -> Days:
    return Days(first, next_month_start(first) - timedelta(days=1))


def met_counts(
    spans: Sequence[Span], *, municipalities_only: Collection[int] = ()
) -> list[Counter[OrganisationKind]]:
    """Möte hållet during each span: the top-level organisations with a held meeting in it,
    per kind, archived municipalities and county boards left out. One statement: per span,
    the organisations of its months' tallies and of its other days' tallies, counted once;
    spans that are each one whole month read `met_months` instead (two statements).

    The spans at the positions in `municipalities_only` need only the municipalities (a
    monthly summary's series: its chart and table show those); the other kinds may then be
    left out of their counts, so as not to read every organisation met in every month."""
    if not spans:
        return []
    cut = [parts(span) for span in spans]
    if all(len(part.months) == 1 and not part.days for part in cut):
        return _met_counts_of_months(
            [part.months[0] for part in cut],
            every_kind=[
                part.months[0]
                for position, part in enumerate(cut)
                if position not in municipalities_only
            ],
        )
    met: list[Any] = []
    for position, span in enumerate(spans):
        part = parts(span)
        number = literal_column(str(position), Integer).label("position")
        if part.months:
            met.append(
                select(number, Tally.key).where(
                    Tally.dimension == ROOT,
                    Tally.month >= part.months[0],
                    Tally.month <= part.months[-1],
                )
            )
        for first, last in part.days:
            met.append(
                select(number, DayTally.key).where(
                    DayTally.dimension == ROOT, DayTally.day.between(first, last)
                )
            )
    every = (met[0] if len(met) == 1 else union_all(*met)).subquery()
    # Each organisation once per span before it is looked up (a row per month otherwise).
    keys = select(every.c.position, every.c.key).distinct().subquery()
    rows = db.session.execute(
        select(keys.c.position, Organisation.kind, func.count())
        .select_from(keys)
        .join(Organisation, Organisation.id == cast(keys.c.key, Integer))
        .where(
            Organisation.parent_id.is_(None),
            or_(Organisation.archived_at.is_(None), Organisation.kind.not_in(COVERED_KINDS)),
        )
        .group_by(keys.c.position, Organisation.kind)
    ).all()
    result: list[Counter[OrganisationKind]] = [Counter() for _ in spans]
    for position, kind, count in rows:
        result[int(position)][kind] += int(count)
    return result


def _met_counts_of_months(
    months: list[date], *, every_kind: list[date]
) -> list[Counter[OrganisationKind]]:
    """`met_counts` for spans that are each one whole month (a monthly summary's series, the
    start page's two months), from the months' sets of organisations met (`MetMonth`, a row
    a month) and the top-level organisations' kinds (`_kinds`): two statements, and a count
    of bits per month and kind; in the months not in `every_kind`, only the municipalities."""
    rows = db.session.execute(
        select(MetMonth.month, MetMonth.organisations).where(
            MetMonth.month >= min(months), MetMonth.month <= max(months)
        )
    ).all()
    per_month: dict[date, Counter[OrganisationKind]] = {}
    kinds = _kinds() if rows else {}
    every = set(every_kind)
    for month, organisations in rows:
        met = from_bytes(organisations)
        per_month[month] = Counter(
            {
                kind: count
                for kind, members in kinds.items()
                if (kind == OrganisationKind.KOMMUN or month in every)
                and (count := (met & members).bit_count())
            }
        )
    return [Counter(per_month.get(month, Counter())) for month in months]


def _kinds() -> dict[OrganisationKind, int]:
    """The top-level organisations that count as met, per kind, as bitmaps: archived
    municipalities and county boards left out (as `met_counts`), the trash too."""
    kinds: dict[OrganisationKind, int] = {}
    for organisation_id, kind in db.session.execute(
        select(Organisation.id, Organisation.kind).where(
            Organisation.parent_id.is_(None),
            or_(Organisation.archived_at.is_(None), Organisation.kind.not_in(COVERED_KINDS)),
        )
    ):
        kinds[kind] = kinds.get(kind, 0) | 1 << organisation_id
    return kinds


def activity_counts(
    dimensions: Sequence[str], spans: Sequence[Span]
) -> list[dict[str, Counter[int]]]:
    """Activity facts (follow-ups created, completed; contacts added) per owner (0: none) for
    each span: one statement over the activity tallies (months, and the days outside them)."""
    result: list[dict[str, Counter[int]]] = [{d: Counter() for d in dimensions} for _ in spans]
    if not spans or not dimensions:
        return result
    cut = [parts(span) for span in spans]
    months = sorted({m for p in cut for m in p.months})
    days = sorted({r for p in cut for r in p.days})
    periods = []
    if months:
        periods.append(
            and_(
                ActivityTally.grain == MONTH,
                ActivityTally.period.between(months[0], months[-1]),
            )
        )
    periods += [
        and_(ActivityTally.grain == DAY, ActivityTally.period.between(first, last))
        for first, last in days
    ]
    rows = db.session.execute(
        select(
            ActivityTally.dimension,
            ActivityTally.grain,
            ActivityTally.period,
            ActivityTally.owner_id,
            ActivityTally.count,
        ).where(ActivityTally.dimension.in_(dimensions), or_(*periods))
    ).all()
    for dimension, grain, period, owner, count in rows:
        for position, part in enumerate(cut):
            inside = (
                period in part.months
                if grain == MONTH
                else any(first <= period <= last for first, last in part.days)
            )
            if inside:
                result[position][dimension][owner] += count
    return result


def overdue_at(day: date) -> Counter[int]:
    """Follow-ups overdue at the end of `day`, per owner: created by then, due that day or
    before, and not completed by then (from the overdue spans: those begun by the end of the
    day less those ended by then). One statement: the months before `day`'s, and its days."""
    first = month_start(day)
    rows = db.session.execute(
        select(ActivityTally.dimension, ActivityTally.owner_id, func.sum(ActivityTally.count))
        .where(
            ActivityTally.dimension.in_([OVERDUE_FROM, OVERDUE_TO]),
            or_(
                and_(ActivityTally.grain == MONTH, ActivityTally.period < first),
                and_(ActivityTally.grain == DAY, ActivityTally.period.between(first, day)),
            ),
        )
        .group_by(ActivityTally.dimension, ActivityTally.owner_id)
    ).all()
    result: Counter[int] = Counter()
    for dimension, owner, count in rows:
        result[owner] += int(count or 0) * (1 if dimension == OVERDUE_FROM else -1)
    return result


def open_follow_ups_of(organisation_id: int) -> Any:
    """SQL: the ids of the open follow-ups (outside the trash) a top-level organisation has,
    its own and its units', or through their meetings: the follow-ups its figure "Öppna
    uppföljningar" counts (`root_figures.open_follow_ups`), read by index from the
    maintained facts instead of from every meeting the organisation ever had."""
    return select(FollowUpFact.follow_up_id).where(FollowUpFact.organisation_id == organisation_id)
