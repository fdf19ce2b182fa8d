"""The lägesbild (national situation picture), the silence list and the stages over time.

One statement each: every municipality with its stage and meeting figures; municipalities per
stage per county; municipalities and county boards not met for a while; municipalities per
stage at given moments, read from the engagement history. The meeting and follow-up figures
are the maintained ones (app/aggregates): a unit's meetings and follow-ups count for its
municipality, as everywhere else, and a follow-up made from a meeting counts for the
meeting's organisations (followups.services.follow_up_links).

The lägesbild shows two figures side by side (meetings/figures.py): "Kontaktade" (stage past
"Ej kontaktad", per county from the stages) and "Möte hållet" (a held meeting ever, from the
municipalities' rows: `met_per_county`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Integer, and_, case, func, literal, or_, select, union_all

from app.aggregates.models import RootFigures
from app.common.db_types import UTCDateTime
from app.common.time import to_local
from app.extensions import db
from app.meetings.figures import COVERED_KINDS, contacted
from app.organisations.models import County, EngagementChange, Organisation, OrganisationKind
from app.organisations.stages import INITIAL_STAGE, Stage


@dataclass(frozen=True)
class MunicipalityStatus:
    """One row of the lägesbild."""

    id: int
    name: str
    code: str | None
    county_code: str | None
    county: str | None
    stage: Stage
    last_held: datetime | None
    held: int
    open_follow_ups: int
    opportunities: str
    challenges: str


@dataclass(frozen=True)
class CountyStages:
    """Municipalities per stage in one county (or the whole country)."""

    code: str | None
    name: str
    counts: dict[Stage, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def contacted(self) -> int:
        """Kontaktade (meetings/figures.py)."""
        return contacted(self.counts)


@dataclass(frozen=True)
class SilentOrganisation:
    """A municipality or county board without a held meeting since the cut-off."""

    id: int
    name: str
    kind: OrganisationKind
    county: str | None
    stage: Stage | None
    last_held: datetime | None

    def days_since(self, today: date) -> int | None:
        """Whole days from the last held meeting (a Stockholm date) to `today`."""
        return (today - to_local(self.last_held).date()).days if self.last_held else None


def _municipalities() -> tuple[Any, ...]:
    """The conditions for an active municipality (not a unit, not archived)."""
    return (
        Organisation.kind == OrganisationKind.KOMMUN,
        Organisation.parent_id.is_(None),
        Organisation.archived_at.is_(None),
    )


def municipality_statuses() -> list[MunicipalityStatus]:
    """Every active municipality, in Swedish name order, with its stage, last held meeting,
    number of held meetings, open follow-ups (from the maintained figures: app/aggregates),
    opportunities and challenges. One statement."""
    rows = db.session.execute(
        select(
            Organisation.id,
            Organisation.name,
            Organisation.municipality_code,
            Organisation.county_code,
            County.name,
            Organisation.engagement_stage,
            RootFigures.last_held_at,
            RootFigures.held,
            RootFigures.open_follow_ups,
            Organisation.opportunities,
            Organisation.challenges,
        )
        .outerjoin(County, County.code == Organisation.county_code)
        .outerjoin(RootFigures, RootFigures.organisation_id == Organisation.id)
        .where(*_municipalities())
        .order_by(Organisation.sort_name, Organisation.id)
    ).all()
    return [
        MunicipalityStatus(
            id=row[0],
            name=row[1],
            code=row[2],
            county_code=row[3],
            county=row[4],
            stage=row[5] or INITIAL_STAGE,
            last_held=row[6],
            held=int(row[7] or 0),
            open_follow_ups=int(row[8] or 0),
            opportunities=row[9] or "",
            challenges=row[10] or "",
        )
        for row in rows
    ]


def filter_statuses(
    statuses: Sequence[MunicipalityStatus], *, county: str | None, stage: Stage | None
) -> list[MunicipalityStatus]:
    """The rows matching the chosen county and stage (the map shows them all)."""
    return [
        s
        for s in statuses
        if (county is None or s.county_code == county) and (stage is None or s.stage is stage)
    ]


def county_rollup() -> tuple[list[CountyStages], CountyStages]:
    """Municipalities per stage per county, in county code order, and the national total."""
    rows = db.session.execute(
        select(County.code, County.name, Organisation.engagement_stage, func.count(Organisation.id))
        .select_from(County)
        .outerjoin(Organisation, and_(Organisation.county_code == County.code, *_municipalities()))
        .group_by(County.code, County.name, Organisation.engagement_stage)
        .order_by(County.code)
    ).all()
    counties: dict[str, CountyStages] = {}
    for code, name, stage, count in rows:
        county = counties.setdefault(code, CountyStages(code, name, dict.fromkeys(Stage, 0)))
        if count:
            county.counts[stage or INITIAL_STAGE] += int(count)
    return list(counties.values()), _national(counties.values())


def met_per_county(statuses: Iterable[MunicipalityStatus]) -> dict[str | None, int]:
    """Municipalities with Möte hållet per county code, and in the whole country (key None),
    from the lägesbild's rows (whose `held` is the maintained figure, app/aggregates)."""
    result: dict[str | None, int] = {None: 0}
    for status in statuses:
        if status.held:
            result[status.county_code] = result.get(status.county_code, 0) + 1
            result[None] += 1
    return result


def _national(counties: Iterable[CountyStages]) -> CountyStages:
    totals = dict.fromkeys(Stage, 0)
    for county in counties:
        for stage, count in county.counts.items():
            totals[stage] += count
    return CountyStages(None, "", totals)


def silent_organisations(
    cutoff: datetime, *, kinds: Sequence[OrganisationKind] = COVERED_KINDS
) -> list[SilentOrganisation]:
    """Active municipalities and county boards with no held meeting since `cutoff` (a UTC
    moment): never met first, then the longest silence first, then by name."""
    last_held = RootFigures.last_held_at
    rows = db.session.execute(
        select(
            Organisation.id,
            Organisation.name,
            Organisation.kind,
            County.name,
            Organisation.engagement_stage,
            last_held,
        )
        .outerjoin(County, County.code == Organisation.county_code)
        .outerjoin(RootFigures, RootFigures.organisation_id == Organisation.id)
        .where(
            Organisation.kind.in_(kinds),
            Organisation.parent_id.is_(None),
            Organisation.archived_at.is_(None),
            or_(last_held.is_(None), last_held < cutoff),
        )
        .order_by(
            case((last_held.is_(None), 0), else_=1),
            last_held,
            Organisation.sort_name,
            Organisation.id,
        )
    ).all()
    return [SilentOrganisation(*row) for row in rows]


def stages_at(moments: Sequence[datetime], *, municipalities: int) -> list[dict[Stage, int]]:
    """Active municipalities per stage at each moment, from the engagement history: each
    municipality's latest change before the moment, or the initial stage if it has none
    (`municipalities` is how many there are, from `queries.registry_totals`)."""
    if not moments:
        return []
    points = union_all(
        *(
            select(
                literal(position, Integer).label("position"),
                literal(moment, UTCDateTime()).label("moment"),
            )
            for position, moment in enumerate(moments)
        )
    ).subquery("moments")
    ranked = (
        select(
            points.c.position,
            EngagementChange.stage,
            func.row_number()
            .over(
                partition_by=(points.c.position, EngagementChange.organisation_id),
                order_by=(EngagementChange.changed_at.desc(), EngagementChange.id.desc()),
            )
            .label("rank"),
        )
        .select_from(points)
        .join(EngagementChange, EngagementChange.changed_at < points.c.moment)
        .join(Organisation, Organisation.id == EngagementChange.organisation_id)
        .where(*_municipalities())
        .subquery()
    )
    rows = db.session.execute(
        select(ranked.c.position, ranked.c.stage, func.count())
        .where(ranked.c.rank == 1)
        .group_by(ranked.c.position, ranked.c.stage)
    ).all()
    result = [dict.fromkeys(Stage, 0) for _ in moments]
    for position, stage, count in rows:
        result[position][stage] += int(count)
    for counts in result:
        counts[INITIAL_STAGE] += max(municipalities - sum(counts.values()), 0)
    return result
