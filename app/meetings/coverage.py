"""Coverage on the start page: the municipalities and county boards with "Möte hållet", and
the municipalities "Kontaktade" (both defined in figures.py).

A meeting with "Socialtjänsten, Malmö stad" counts for Malmö. Months are Stockholm months,
and a meeting belongs to the month it starts in. Every figure is computed in SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, case, func, select

from app.common.change_tokens import cached, watch
from app.common.time import local_midnight
from app.extensions import db
from app.organisations.models import Organisation, OrganisationKind

from .figures import COVERED_KINDS, contacted, met_links
from .models import Meeting, MeetingStatus

__all__ = ["COVERED_KINDS", "Coverage", "KindCoverage", "coverage"]

#: Coverage depends on meetings (status, time, organisations, the trash) and organisations
#: (kind, parent, archiving, the trash) only.
COVERAGE_TOPIC = "coverage"
watch(COVERAGE_TOPIC, Meeting, Organisation)


@dataclass(frozen=True)
class KindCoverage:
    """Coverage of one kind: `reached` (Möte hållet) of `total` so far, and per month."""

    total: int
    reached: int
    reached_this_month: int
    reached_last_month: int
    new_this_month: int  # reached for the first time this month

    @property
    def percent(self) -> int:
        return round(100 * self.reached / self.total) if self.total else 0


@dataclass(frozen=True)
class Coverage:
    municipalities: KindCoverage
    county_boards: KindCoverage
    held_this_month: int
    held_last_month: int
    month_start: date
    last_month_start: date
    #: Municipalities Kontaktade (engagement stage past "Ej kontaktad").
    municipalities_contacted: int = 0


def month_start(day: date) -> date:
    return day.replace(day=1)


def previous_month_start(day: date) -> date:
    first = month_start(day)
    return date(first.year - 1, 12, 1) if first.month == 1 else first.replace(month=first.month - 1)


def next_month_start(day: date) -> date:
    first = month_start(day)
    return date(first.year + 1, 1, 1) if first.month == 12 else first.replace(month=first.month + 1)


def _between(column, start: datetime, end: datetime):
    return and_(column >= start, column < end)


def coverage(today: date) -> Coverage:
    """Coverage now, this month and last month: computed in three statements, then reused
    (one statement) until a meeting or an organisation changes (see common/change_tokens)."""
    return cached(COVERAGE_TOPIC, today, lambda: _compute(today))


def _compute(today: date) -> Coverage:
    this_start = local_midnight(month_start(today))
    last_start = local_midnight(previous_month_start(today))
    next_start = local_midnight(next_month_start(today))
    links = met_links().subquery()
    reached = (
        select(
            links.c.root_id.label("id"),
            links.c.kind.label("kind"),
            func.min(links.c.starts_at).label("first_held"),
            func.max(case((_between(links.c.starts_at, this_start, next_start), 1), else_=0)).label(
                "this_month"
            ),
            func.max(case((_between(links.c.starts_at, last_start, this_start), 1), else_=0)).label(
                "last_month"
            ),
        )
        .group_by(links.c.root_id, links.c.kind)
        .subquery()
    )
    rows = db.session.execute(
        select(
            reached.c.kind,
            func.count(),
            func.sum(reached.c.this_month),
            func.sum(reached.c.last_month),
            func.sum(case((reached.c.first_held >= this_start, 1), else_=0)),
        ).group_by(reached.c.kind)
    ).all()
    by_kind = {kind: row for kind, *row in rows}
    # Per kind and stage: the totals, and the municipalities Kontaktade, in one statement.
    per_stage = db.session.execute(
        select(Organisation.kind, Organisation.engagement_stage, func.count())
        .where(
            Organisation.kind.in_(COVERED_KINDS),
            Organisation.parent_id.is_(None),
            Organisation.archived_at.is_(None),
        )
        .group_by(Organisation.kind, Organisation.engagement_stage)
    ).all()
    totals: dict[OrganisationKind, int] = {}
    for kind, _stage, count in per_stage:
        totals[kind] = totals.get(kind, 0) + count
    municipal_stages = {
        stage: count for kind, stage, count in per_stage if kind is OrganisationKind.KOMMUN
    }
    held_this, held_last = db.session.execute(
        select(
            func.sum(case((Meeting.starts_at >= this_start, 1), else_=0)),
            func.sum(case((Meeting.starts_at < this_start, 1), else_=0)),
        ).where(
            Meeting.status == MeetingStatus.HELD,
            Meeting.starts_at >= last_start,
            Meeting.starts_at < next_start,
        )
    ).one()

    def of(kind: OrganisationKind) -> KindCoverage:
        count, this_month, last_month, new = by_kind.get(kind, (0, 0, 0, 0))
        return KindCoverage(
            total=totals.get(kind, 0),
            reached=count,
            reached_this_month=int(this_month or 0),
            reached_last_month=int(last_month or 0),
            new_this_month=int(new or 0),
        )

    return Coverage(
        municipalities=of(OrganisationKind.KOMMUN),
        county_boards=of(OrganisationKind.LANSSTYRELSE),
        held_this_month=int(held_this or 0),
        held_last_month=int(held_last or 0),
        month_start=month_start(today),
        last_month_start=previous_month_start(today),
        municipalities_contacted=contacted(municipal_stages),
    )
