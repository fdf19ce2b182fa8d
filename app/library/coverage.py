"""Informerad med X: which municipalities have received a material, defined once.

**Informerad med X** (DOMAIN.md, "Figures and what they mean"): a municipality that has
received material X (any version, or a given version) by mailing, at a meeting or by hand.
A delivery counts when it was sent, handed over, or confirmed as sent (`Outcome.DELIVERED`);
a mailing's failed or uncertain message does not. Material given to a contact counts for the
organisation the contact was at that day (stored on the delivery when it is recorded,
services.organisation_of), and material given to a unit (the social services) counts for
its municipality.

Rule 11 (ARCHITECTURE.md): the figure is read from `information_facts`, one row per version,
receiving organisation, day and channel with at least one delivered delivery, and for a
period's whole months from `information_months`; both are kept in the transaction that
writes deliveries (facts.py) and rebuilt from the deliveries by `flask library
rebuild-coverage`. A page reads the facts of one material, or the months and days of one
period: never the whole distribution log.

Every place that shows the figure (the coverage page, its county roll-up, the organisation
list's "has not received" filter, the monthly summary and the whole-period report) calls
`informed_municipalities`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import aliased

from app.common.bitmaps import from_bytes, members
from app.extensions import db
from app.meetings.coverage import month_start, next_month_start
from app.meetings.figures import Figure, root_id
from app.organisations.models import County, Organisation, OrganisationKind

from .models import (
    Channel,
    Delivery,
    InformationFact,
    InformationMonth,
    Material,
    MaterialVersion,
    Outcome,
)

INFORMED = Figure(
    "informed",
    _l("Informerad med materialet"),
    _l(
        "Kommuner som har fått materialet (valfri version, eller den valda versionen) genom "
        "utskick, vid ett möte eller för hand. Ett utskick räknas när det är skickat eller "
        "bekräftat skickat; misslyckade och osäkra räknas inte. Material till en kontakt "
        "räknas för kontaktens organisation den dagen, och material till en enhet för dess "
        "kommun. En kommun räknas en gång."
    ),
)


def counts_as_informed() -> ColumnElement[bool]:
    """The deliveries that inform: sent, handed over or confirmed as sent."""
    return Delivery.outcome == Outcome.DELIVERED


def municipality_conditions(organisation: Any = Organisation) -> tuple[ColumnElement[bool], ...]:
    """An active municipality: of kind kommun, not a unit, not archived (as the lägesbild)."""
    return (
        organisation.kind == OrganisationKind.KOMMUN,
        organisation.parent_id.is_(None),
        organisation.archived_at.is_(None),
    )


def informed_municipalities(
    *,
    material_id: int | None = None,
    version_id: int | None = None,
    first: date | None = None,
    last: date | None = None,
    with_first_day: bool = False,
) -> Select[Any]:
    """Informerad med X, as rows (material_id, municipality_id), one per material and active
    municipality informed with it: of one material (or every one outside the trash), of one
    version, and by deliveries from `first` to `last` (Stockholm days, inclusive) if given.
    With `with_first_day`, each row also has `first_day`: the first day it was informed."""
    receiver = aliased(Organisation)
    municipality = aliased(Organisation)
    conditions: list[ColumnElement[bool]] = [*municipality_conditions(municipality)]
    if material_id is not None:
        conditions.append(InformationFact.material_id == material_id)
    if version_id is not None:
        conditions.append(InformationFact.version_id == version_id)
    if first is not None:
        conditions.append(InformationFact.day >= first)
    if last is not None:
        conditions.append(InformationFact.day <= last)
    columns = (
        InformationFact.material_id.label("material_id"),
        municipality.id.label("municipality_id"),
    )
    if with_first_day:
        query = select(*columns, func.min(InformationFact.day).label("first_day")).group_by(
            InformationFact.material_id, municipality.id
        )
    else:
        query = select(*columns).distinct()
    return (
        query.join(receiver, receiver.id == InformationFact.organisation_id)
        .join(municipality, municipality.id == root_id(receiver))
        .join(Material, Material.id == InformationFact.material_id)
        .where(*conditions)
    )


def first_informed(material_id: int, version_id: int | None = None) -> dict[int, date]:
    """The municipalities Informerad med this material (or version), each with the first
    day it was (the coverage page's download): one statement."""
    rows = informed_municipalities(
        material_id=material_id, version_id=version_id, with_first_day=True
    ).subquery()
    return dict(db.session.execute(select(rows.c.municipality_id, rows.c.first_day)).all())


def informed_ids(material_id: int, version_id: int | None = None) -> set[int]:
    """The ids of the municipalities Informerad med this material (or version)."""
    rows = informed_municipalities(material_id=material_id, version_id=version_id).subquery()
    return set(db.session.scalars(select(rows.c.municipality_id)))


# --- information sent in a period -----------------------------------------------------------


@dataclass(frozen=True)
class MaterialInformed:
    """One material's Informerad med X in a period."""

    material_id: int
    title: str
    municipalities: int


@dataclass(frozen=True)
class InformationSent:
    """What the team sent in a period: deliveries per channel, the organisations (top-level)
    that received anything, and per material the municipalities Informerad med it."""

    deliveries: dict[Channel, int]
    recipients: int
    materials: list[MaterialInformed]

    @property
    def total(self) -> int:
        return sum(self.deliveries.values())

    @property
    def figure(self) -> Figure:
        """Informerad med X, whose definition the reports show beside the numbers."""
        return INFORMED


def information_sent(first: date, last: date) -> InformationSent:
    """The period's information work: two statements, whatever the length of the history
    (three when the period has part months).

    The period's whole months are read from `information_months` (a row per month, material
    and channel), the days of a part month at either end from the facts (by the day index);
    the receiving organisations are a bitmap per material. Informerad med X is then counted
    as `informed_municipalities` defines it: the receivers' top-level organisations (read as
    they are now, with whether each is an active municipality) that are active municipalities,
    once per material; a material in the trash counts for nothing. tests/library/
    test_coverage.py checks both figures against `informed_municipalities` and the facts."""
    months_from = first if first.day == 1 else next_month_start(first)
    months_until = month_start(last + timedelta(days=1))  # exclusive
    per_channel = dict.fromkeys(Channel, 0)
    received: dict[int, int] = defaultdict(int)  # material → bitmap of organisations
    titles: dict[int, tuple[str, str]] = {}  # material → (sort title, title)

    def add(rows: Iterable[tuple[int, str, str, str, int, int]]) -> None:
        for material_id, sort_title, title, channel, count, organisations in rows:
            per_channel[Channel(channel)] += count
            received[material_id] |= organisations
            titles[material_id] = (sort_title, title)

    # Both statements join the materials: those in the trash are left out (the ORM's filter).
    days = [(first, last)]
    if months_from < months_until:
        months = select(
            InformationMonth.material_id,
            Material.sort_title,
            Material.title,
            InformationMonth.channel,
            InformationMonth.deliveries,
            InformationMonth.organisations,
        ).join(Material, Material.id == InformationMonth.material_id)
        add(
            (*row[:5], from_bytes(row[5]))
            for row in db.session.execute(
                months.where(
                    InformationMonth.month >= months_from, InformationMonth.month < months_until
                )
            )
        )
        days = [(first, months_from - timedelta(days=1)), (months_until, last)]
    parts = [InformationFact.day.between(a, b) for a, b in days if a <= b]
    if parts:
        facts = select(
            InformationFact.material_id,
            Material.sort_title,
            Material.title,
            InformationFact.channel,
            InformationFact.deliveries,
            InformationFact.organisation_id,
        )
        # `+ 0` keeps the material out of the index choice: SQLite would otherwise read
        # every fact of each material by the material index instead of the days' by `day`.
        facts = facts.join(Material, Material.id == InformationFact.material_id + 0)
        add((*row[:5], 1 << row[5]) for row in db.session.execute(facts.where(or_(*parts))))
    everyone = 0
    for organisations in received.values():
        everyone |= organisations
    registry = _receivers(everyone)
    materials = []
    for material_id, (_sort, title) in sorted(titles.items(), key=lambda t: (t[1][0], t[0])):
        count = registry.municipalities(received[material_id]).bit_count()
        if count:
            materials.append(MaterialInformed(material_id, title, count))
    return InformationSent(
        deliveries=per_channel,
        recipients=registry.roots(everyone).bit_count(),
        materials=materials,
    )


@dataclass
class _Receivers:
    """Receiving organisations as they are now: each one's top-level organisation, and
    which of those are active municipalities (bitmaps of organisation ids)."""

    top_level: int = 0  # receivers that are their own top-level organisation
    parents: dict[int, int] = field(default_factory=dict)  # a unit: its top-level organisation
    active_municipalities: int = 0

    def roots(self, organisations: int) -> int:
        found = organisations & self.top_level
        for unit, parent in self.parents.items():
            if organisations >> unit & 1:
                found |= 1 << parent
        return found

    def municipalities(self, organisations: int) -> int:
        return self.roots(organisations) & self.active_municipalities


def _receivers(organisations: int) -> _Receivers:
    """The registry's view of these receivers (outside the trash): one statement."""
    registry = _Receivers()
    if not organisations:
        return registry
    receiver, municipality = aliased(Organisation), aliased(Organisation)
    statement = (
        select(receiver.id, root_id(receiver), municipality.id)
        .outerjoin(
            municipality,
            and_(
                municipality.id == root_id(receiver),
                *municipality_conditions(municipality),
            ),
        )
        .where(receiver.id.in_(members(organisations)))
    )
    for organisation_id, root, active in db.session.execute(statement):
        if root == organisation_id:
            registry.top_level |= 1 << root
        else:
            registry.parents[organisation_id] = root
        if active is not None:
            registry.active_municipalities |= 1 << root
    return registry


def coverage_counts(
    municipalities: Sequence[tuple[int, str | None]], informed: set[int]
) -> dict[str | None, tuple[int, int]]:
    """Per county code (None: the whole country), (informed, municipalities)."""
    result: dict[str | None, list[int]] = defaultdict(lambda: [0, 0])
    for municipality_id, county_code in municipalities:
        hit = municipality_id in informed
        for key in (county_code, None):
            result[key][0] += hit
            result[key][1] += 1
    return {key: (pair[0], pair[1]) for key, pair in result.items()}


@dataclass(frozen=True)
class MunicipalityRow:
    """An active municipality as the coverage page lists it."""

    id: int
    name: str
    code: str | None
    county_code: str | None
    county: str | None


def municipalities() -> list[MunicipalityRow]:
    """Every active municipality with its county, in Swedish name order: one statement."""
    rows = db.session.execute(
        select(
            Organisation.id,
            Organisation.name,
            Organisation.municipality_code,
            Organisation.county_code,
            County.name,
        )
        .outerjoin(County, County.code == Organisation.county_code)
        .where(*municipality_conditions())
        .order_by(Organisation.sort_name, Organisation.id)
    ).all()
    return [MunicipalityRow(*row) for row in rows]


def lacking_filter(
    material_arg: str, version_arg: str
) -> tuple[Material, MaterialVersion | None, ColumnElement[bool]] | None:
    """The organisation list's "has not received" filter from its two query arguments: the
    material (outside the trash), its version if the id is one of its own, and the condition
    "an active municipality not Informerad med it"; None when the arguments name nothing."""
    if not material_arg.isdigit() or len(material_arg) > 9:
        return None
    material = db.session.scalar(select(Material).where(Material.id == int(material_arg)))
    if material is None:
        return None
    version = None
    if version_arg.isdigit() and len(version_arg) <= 9:
        version = db.session.scalar(
            select(MaterialVersion).where(
                MaterialVersion.id == int(version_arg),
                MaterialVersion.material_id == material.id,
            )
        )
    informed = informed_municipalities(
        material_id=material.id, version_id=version.id if version else None
    ).subquery()
    condition = and_(
        *municipality_conditions(),
        Organisation.id.not_in(select(informed.c.municipality_id)),
    )
    return material, version, condition
