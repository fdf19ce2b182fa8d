"""Reading indicators: the list with their years, one indicator's figures for a year (the map
and the ranking, one statement each, bounded by the municipalities), a municipality's
figures (its page), the ranking against the maintained meeting figures, what removing an
indicator takes with it, and the indicators' history in words.

The ranking's meeting columns are the DOMAIN figures as app/aggregates maintains them
(`RootFigures`: held meetings and the last one, a unit's counting for its municipality):
**Möte hållet** (a held meeting ever) and the time since the last held meeting. Nothing is
recomputed from the meetings here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, func, select
from sqlalchemy.orm import selectinload

from app.aggregates.models import RootFigures
from app.audit.display import ShownEvent, shown_events, shown_history
from app.audit.models import AuditEvent
from app.audit.services import Action
from app.common.time import to_local
from app.extensions import db
from app.organisations.models import County, Organisation, OrganisationKind
from app.organisations.stages import INITIAL_STAGE, Stage

from .models import Indicator, IndicatorImport, IndicatorValue


@dataclass(frozen=True)
class IndicatorSummary:
    """An indicator as the list shows it: how many figures, for which years."""

    indicator: Indicator
    figures: int
    years: list[int]


def indicator_choices() -> Sequence[Indicator]:
    """Every indicator in name order."""
    return db.session.scalars(select(Indicator).order_by(Indicator.name, Indicator.id)).all()


def indicator_summaries() -> list[IndicatorSummary]:
    """Every indicator with its figures per year: two statements."""
    indicators = indicator_choices()
    rows = db.session.execute(
        select(IndicatorValue.indicator_id, IndicatorValue.year, func.count())
        .group_by(IndicatorValue.indicator_id, IndicatorValue.year)
        .order_by(IndicatorValue.year)
    ).all()
    years: dict[int, list[int]] = {}
    counts: dict[int, int] = {}
    for indicator_id, year, count in rows:
        years.setdefault(indicator_id, []).append(year)
        counts[indicator_id] = counts.get(indicator_id, 0) + count
    return [IndicatorSummary(i, counts.get(i.id, 0), years.get(i.id, [])) for i in indicators]


def years_of(indicator_id: int) -> list[int]:
    """The years an indicator has figures for, newest first."""
    return list(
        db.session.scalars(
            select(IndicatorValue.year)
            .where(IndicatorValue.indicator_id == indicator_id)
            .group_by(IndicatorValue.year)
            .order_by(IndicatorValue.year.desc())
        )
    )


def municipality_names() -> dict[int, str]:
    """Every municipality's name by id (the preview's column): one statement."""
    return dict(
        db.session.execute(
            select(Organisation.id, Organisation.name).where(
                Organisation.kind == OrganisationKind.KOMMUN, Organisation.parent_id.is_(None)
            )
        ).all()
    )


def recent_imports(indicator_id: int | None = None, limit: int = 20) -> Sequence[IndicatorImport]:
    """The latest committed imports (of one indicator) with their indicators, newest first."""
    query = (
        select(IndicatorImport)
        .options(selectinload(IndicatorImport.indicator))
        .where(IndicatorImport.status == "committed")
    )
    if indicator_id is not None:
        query = query.where(IndicatorImport.indicator_id == indicator_id)
    return db.session.scalars(
        query.order_by(IndicatorImport.committed_at.desc(), IndicatorImport.id.desc()).limit(limit)
    ).all()


@dataclass(frozen=True)
class OrganisationFigure:
    """One indicator's latest figure for a municipality (its page)."""

    indicator_id: int
    name: str
    unit: str
    year: int
    value: float | str
    source: str


def organisation_figures(organisation_id: int) -> list[OrganisationFigure]:
    """Each indicator's newest figure for the municipality, in indicator name order: one
    statement (the municipality's figures are bounded by indicators × years)."""
    rows = db.session.execute(
        select(
            Indicator.id,
            Indicator.name,
            Indicator.unit,
            IndicatorValue.year,
            IndicatorValue.value,
            IndicatorValue.source,
            IndicatorValue.category,
        )
        .join(Indicator, Indicator.id == IndicatorValue.indicator_id)
        .where(IndicatorValue.organisation_id == organisation_id)
        .order_by(Indicator.name, Indicator.id, IndicatorValue.year.desc())
    ).all()
    latest: dict[int, OrganisationFigure] = {}
    for row in rows:
        if row[0] not in latest:
            value = row[6] if row[6] is not None else row[4]
            latest[row[0]] = OrganisationFigure(row[0], row[1], row[2], row[3], value, row[5])
    return list(latest.values())


@dataclass(frozen=True)
class RankedMunicipality:
    """One row of the ranking: the figure, the engagement stage and the meeting figures."""

    rank: int
    id: int
    name: str
    code: str | None
    county: str | None
    value: float | str  # a category's name for an indicator of categories
    stage: Stage
    held: int
    last_held: datetime | None

    @property
    def met(self) -> bool:
        """Möte hållet (ever): at least one held meeting (meetings/figures.py)."""
        return self.held > 0

    def days_since(self, today: date) -> int | None:
        """Whole days from the last held meeting (a Stockholm date) to `today`."""
        return (today - to_local(self.last_held).date()).days if self.last_held else None


def competition_ranks(keys: Sequence[object]) -> list[int]:
    """The ranks of `keys` given in ranking order, competition style ("1, 1, 3"): equal keys
    share the rank of the first of them, and the next different key is ranked by its
    position, so two municipalities tied first are both 1 and the next is 3. The order
    among equals is the caller's (the ranking's: Swedish name order); it decides the order
    they are listed in, never their rank."""
    ranks: list[int] = []
    for position, key in enumerate(keys, start=1):
        tied = position > 1 and key == keys[position - 2]
        ranks.append(ranks[-1] if tied else position)
    return ranks


def ranking(
    indicator_id: int, year: int, *, not_met_only: bool = False, categories: bool = False
) -> list[RankedMunicipality]:
    """The active municipalities with a figure for the indicator and year, largest first,
    with their stage and maintained meeting figures; with `not_met_only`, only those
    without Möte hållet. One statement.

    Ranks are `competition_ranks`: equal figures share a rank ("1, 1, 3"), and equals are
    listed in Swedish name order (å, ä, ö after z; the organisation's id if two names are
    the same), so the list, its export and the `?indikator=` filter agree on one order.
    Ranks count every municipality with a figure, so the filter keeps each one's place. An
    indicator of categories lists its municipalities by category, then name, and a
    category's municipalities share a rank likewise."""
    order = (
        [IndicatorValue.category, Organisation.sort_name, Organisation.id]
        if categories
        else [IndicatorValue.value.desc(), Organisation.sort_name, Organisation.id]
    )
    rows = db.session.execute(
        select(
            Organisation.id,
            Organisation.name,
            Organisation.municipality_code,
            County.name,
            IndicatorValue.category if categories else IndicatorValue.value,
            Organisation.engagement_stage,
            RootFigures.held,
            RootFigures.last_held_at,
        )
        .join(Organisation, Organisation.id == IndicatorValue.organisation_id)
        .outerjoin(County, County.code == Organisation.county_code)
        .outerjoin(RootFigures, RootFigures.organisation_id == Organisation.id)
        .where(
            IndicatorValue.indicator_id == indicator_id,
            IndicatorValue.year == year,
            Organisation.kind == OrganisationKind.KOMMUN,
            Organisation.parent_id.is_(None),
            Organisation.archived_at.is_(None),
        )
        .order_by(*order)
    ).all()
    ranks = competition_ranks([row[4] for row in rows])
    ranked = [
        RankedMunicipality(
            rank=rank,
            id=row[0],
            name=row[1],
            code=row[2],
            county=row[3],
            value=row[4],
            stage=row[5] or INITIAL_STAGE,
            held=int(row[6] or 0),
            last_held=row[7],
        )
        for rank, row in zip(ranks, rows, strict=True)
    ]
    return [r for r in ranked if not r.met] if not_met_only else ranked


def map_figures(
    indicator_id: int, year: int
) -> list[tuple[int, str, str | None, float | None, str | None]]:
    """Every active municipality with its figure for the indicator and year (None without):
    one statement, a range of the figures' unique index per municipality."""
    rows = db.session.execute(
        select(
            Organisation.id,
            Organisation.name,
            Organisation.municipality_code,
            IndicatorValue.value,
            IndicatorValue.category,
        )
        .outerjoin(
            IndicatorValue,
            and_(
                IndicatorValue.organisation_id == Organisation.id,
                IndicatorValue.indicator_id == indicator_id,
                IndicatorValue.year == year,
            ),
        )
        .where(
            Organisation.kind == OrganisationKind.KOMMUN,
            Organisation.parent_id.is_(None),
            Organisation.archived_at.is_(None),
        )
        .order_by(Organisation.municipality_code, Organisation.id)
    ).all()
    return [(row[0], row[1], row[2], row[3], row[4]) for row in rows]


@dataclass(frozen=True)
class Removal:
    """What removing an indicator takes with it: its figures, for how many municipalities,
    in which years (the confirmation page says it; the audit log records it)."""

    figures: int
    municipalities: int
    years: list[int]


def removal_of(indicator_id: int) -> Removal:
    """What removing the indicator would remove: two statements."""
    figures, municipalities = db.session.execute(
        select(func.count(), func.count(IndicatorValue.organisation_id.distinct())).where(
            IndicatorValue.indicator_id == indicator_id
        )
    ).one()
    return Removal(int(figures), int(municipalities), sorted(years_of(indicator_id)))


def indicator_history(indicator: Indicator, *, limit: int = 30) -> list[ShownEvent]:
    """The indicator's audit events (created, imports), newest first, in words: names
    today, local times. Only events since it was created: a removed indicator's id may be
    given to a new one (SQLite reuses the largest), whose history must not begin with the
    other's removal. Two statements at most."""
    return shown_history(indicator, AuditEvent.occurred_at >= indicator.created_at, limit=limit)


def removed_indicators(limit: int = 10) -> list[ShownEvent]:
    """The latest removals of indicators, newest first, in words; each event's note is the
    removed indicator's name. Two statements at most."""
    return shown_events(
        AuditEvent.entity_type == Indicator.__tablename__,
        AuditEvent.action == Action.DELETE.value,
        limit=limit,
    )


def top_ranked(
    indicator: Indicator, year: int, *, top: int, not_met: bool
) -> tuple[list[RankedMunicipality], int]:
    """The prioritisation list: the `ranking` cut to its first `top` (all when 0), and how
    many matched before the cut. The page, its export and the `?indikator=` filter all
    choose their municipalities here."""
    ranked = ranking(indicator.id, year, not_met_only=not_met, categories=indicator.is_category)
    return (ranked[:top] if top else ranked), len(ranked)
