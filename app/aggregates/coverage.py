"""The start page's coverage: Möte hållet and Kontaktade per kind (meetings/figures.py), read
from the maintained figures in a few statements whatever the history."""

from __future__ import annotations

from collections import Counter
from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import bindparam, func, select

from app.common.time import local_midnight
from app.extensions import db
from app.meetings.coverage import (
    Coverage,
    KindCoverage,
    month_start,
    next_month_start,
    previous_month_start,
)
from app.meetings.figures import COVERED_KINDS, contacted
from app.organisations.models import Organisation, OrganisationKind
from app.organisations.stages import Stage

from .models import MEETING_KIND, RootFigures
from .queries import counts, met_counts, month_span


@cache
def _coverage_per_kind_and_stage() -> Any:
    """The active top-level municipalities and county boards per kind and stage: how many,
    how many with a held meeting, and how many first met from "this_start" to before
    "next_start" (this month). Built once per process."""
    return (
        select(
            Organisation.kind,
            Organisation.engagement_stage,
            func.count(),
            func.count().filter(RootFigures.held > 0),
            func.count().filter(
                RootFigures.first_held_at >= bindparam("this_start"),
                RootFigures.first_held_at < bindparam("next_start"),
            ),
        )
        .outerjoin(RootFigures, RootFigures.organisation_id == Organisation.id)
        .where(
            Organisation.parent_id.is_(None),
            Organisation.archived_at.is_(None),
            Organisation.kind.in_(COVERED_KINDS),
        )
        .group_by(Organisation.kind, Organisation.engagement_stage)
    )


def coverage(today: date) -> Coverage:
    """The start page's coverage (Möte hållet and Kontaktade, meetings/figures.py): three
    statements: the active top-level municipalities and county boards counted per kind and
    stage (in SQL: a few rows, not one per organisation), and the month's and last month's
    tallies."""
    this_month = month_start(today)
    last_month = previous_month_start(today)
    rows = db.session.execute(
        _coverage_per_kind_and_stage(),
        {
            "this_start": local_midnight(this_month),
            "next_start": local_midnight(next_month_start(today)),
        },
    ).all()
    met = met_counts([month_span(this_month), month_span(last_month)])
    held = counts([MEETING_KIND], [month_span(this_month), month_span(last_month)])
    stages: Counter[Stage | None] = Counter()
    per_kind: dict[OrganisationKind, list[int]] = {kind: [0, 0, 0] for kind in COVERED_KINDS}
    for kind, stage, total, reached, new in rows:
        if kind is OrganisationKind.KOMMUN:
            stages[stage] += int(total)
        figures = per_kind[kind]
        figures[0] += int(total)
        figures[1] += int(reached)
        figures[2] += int(new)

    def of(kind: OrganisationKind) -> KindCoverage:
        total, reached, new = per_kind[kind]
        return KindCoverage(
            total=total,
            reached=reached,
            reached_this_month=met[0][kind],
            reached_last_month=met[1][kind],
            new_this_month=new,
        )

    return Coverage(
        municipalities=of(OrganisationKind.KOMMUN),
        county_boards=of(OrganisationKind.LANSSTYRELSE),
        held_this_month=sum(held[0][MEETING_KIND].values()),
        held_last_month=sum(held[1][MEETING_KIND].values()),
        month_start=this_month,
        last_month_start=last_month,
        municipalities_contacted=contacted(dict(stages)),
    )
