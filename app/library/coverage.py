"""Informerad med X: which municipalities have received a material, defined once.

**Informerad med X** (DOMAIN.md, "Figures and what they mean"): a municipality that has
received material X (any version, or a given version) by mailing, at a meeting or by hand.
A delivery counts when it was sent, handed over, or confirmed as sent (`Outcome.DELIVERED`);
a mailing's failed or uncertain message does not. Material given to a contact counts for the
organisation the contact was at that day (stored on the delivery when it is recorded,
services.organisation_of), and material given to a unit (the social services) counts for
its municipality.

Rule 11 (ARCHITECTURE.md): the figure is read from `information_facts`, one row per version,
receiving organisation, day and channel with at least one delivered delivery, kept in the
transaction that writes deliveries (the session hooks below) and rebuilt from the deliveries
by `flask library rebuild-coverage`. A page reads the facts of one material, or of one
period (by the day index): never the whole distribution log.

Every place that shows the figure (the coverage page, its county roll-up, the organisation
list's "has not received" filter, the monthly summary and the whole-period report) calls
`informed_municipalities`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import chain
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, Select, and_, delete, func, inspect, or_, select
from sqlalchemy.orm import Session, aliased

from app.common.session_events import listen_once
from app.extensions import db
from app.meetings.figures import Figure, root_id
from app.organisations.models import County, Organisation, OrganisationKind

from .models import Channel, Delivery, InformationFact, Material, MaterialVersion, Outcome

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
    """The period's information work, from the maintained facts: three statements, whatever
    the length of the history (each reads the facts of the period's days by index)."""
    in_period = (InformationFact.day >= first, InformationFact.day <= last)
    live = select(Material.id).scalar_subquery()  # outside the trash (the ORM's filter)
    # `+ 0` keeps the material out of the index choice: SQLite would otherwise read every
    # fact of each live material by the material index instead of the period's by `day`.
    of_live = (InformationFact.material_id + 0).in_(live)
    per_channel = dict.fromkeys(Channel, 0)
    for channel, count in db.session.execute(
        select(InformationFact.channel, func.sum(InformationFact.deliveries))
        .where(*in_period, of_live)
        .group_by(InformationFact.channel)
    ):
        per_channel[Channel(channel)] = int(count or 0)
    receiver = aliased(Organisation)
    roots = (
        select(root_id(receiver).label("root"))
        .distinct()
        .select_from(InformationFact)
        .join(receiver, receiver.id == InformationFact.organisation_id)
        .where(*in_period, of_live)
        .subquery()
    )
    recipients = int(db.session.scalar(select(func.count()).select_from(roots)) or 0)
    informed = informed_municipalities(first=first, last=last).subquery()
    rows = db.session.execute(
        select(Material.id, Material.title, func.count(informed.c.municipality_id))
        .join(informed, informed.c.material_id == Material.id)
        .group_by(Material.id, Material.title, Material.sort_title)
        .order_by(Material.sort_title, Material.id)
    ).all()
    return InformationSent(
        deliveries=per_channel,
        recipients=recipients,
        materials=[MaterialInformed(id_, title, int(n)) for id_, title, n in rows],
    )


# --- maintenance -------------------------------------------------------------------------------

#: A fact's key but the organisation: (version_id, day, channel).
Group = tuple[int, date, Channel]
_NOTED = "library.information_facts"


def _fact_conditions(groups: dict[Group, set[int]], *, on: Any) -> ColumnElement[bool]:
    """Rows of `on` (Delivery or InformationFact columns) with one of the noted keys."""
    version, organisation, day, channel = on
    return or_(
        *(
            and_(
                version == version_id,
                day == when,
                channel == how,
                organisation.in_(sorted(organisations)),
            )
            for (version_id, when, how), organisations in groups.items()
        )
    )


def refresh_facts(groups: dict[Group, set[int]], *, session: Session) -> None:
    """Recompute the facts of the noted keys from the deliveries: two statements."""
    if not groups:
        return
    fact_columns = (
        InformationFact.version_id,
        InformationFact.organisation_id,
        InformationFact.day,
        InformationFact.channel,
    )
    session.execute(delete(InformationFact).where(_fact_conditions(groups, on=fact_columns)))
    delivery_columns = (
        Delivery.version_id,
        Delivery.organisation_id,
        Delivery.delivered_on,
        Delivery.channel,
    )
    _insert_facts(session, _fact_conditions(groups, on=delivery_columns))


def _insert_facts(session: Session, condition: ColumnElement[bool] | None = None) -> None:
    source = (
        select(
            Delivery.version_id,
            Delivery.organisation_id,
            Delivery.delivered_on,
            Delivery.channel,
            Delivery.material_id,
            func.count(),
        )
        .where(counts_as_informed())
        .group_by(
            Delivery.version_id,
            Delivery.organisation_id,
            Delivery.delivered_on,
            Delivery.channel,
            Delivery.material_id,
        )
    )
    if condition is not None:
        source = source.where(condition)
    session.execute(
        InformationFact.__table__.insert().from_select(
            ["version_id", "organisation_id", "day", "channel", "material_id", "deliveries"],
            source,
        )
    )


def rebuild_facts(session: Session | None = None) -> None:
    """Every fact from the deliveries, from scratch (`flask library rebuild-coverage`)."""
    session = session or db.session
    session.execute(delete(InformationFact))
    _insert_facts(session)


def _keys_of(delivery: Delivery) -> Iterable[tuple[Group, int]]:
    """The delivery's key now and, if it changed in this flush, before."""
    state = inspect(delivery)
    names = ("version_id", "delivered_on", "channel", "organisation_id")
    now = tuple(getattr(delivery, name) for name in names)
    yield (now[0], now[1], Channel(now[2])), now[3]
    if delivery.id is None or state.pending:
        return
    before = []
    for name, current in zip(names, now, strict=True):
        history = state.attrs[name].history
        before.append(history.deleted[0] if history.deleted else current)
    if tuple(before) != now:
        yield (before[0], before[1], Channel(before[2])), before[3]


def _after_flush(session: Session, _context: Any) -> None:
    noted: dict[Group, set[int]] = session.info.setdefault(_NOTED, defaultdict(set))
    for obj in chain(session.new, session.dirty, session.deleted):
        if isinstance(obj, Delivery):
            for group, organisation_id in _keys_of(obj):
                noted[group].add(organisation_id)


def _after_flush_postexec(session: Session, _context: Any) -> None:
    noted = session.info.pop(_NOTED, None)
    if noted:
        refresh_facts(noted, session=session)


def _after_transaction_end(session: Session, transaction: Any) -> None:
    if transaction.parent is None:
        session.info.pop(_NOTED, None)


def install_maintenance() -> None:
    """Register the session hooks that keep `information_facts` (idempotent)."""
    listen_once(
        (
            ("after_flush", _after_flush),
            ("after_flush_postexec", _after_flush_postexec),
            ("after_transaction_end", _after_transaction_end),
        )
    )


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
