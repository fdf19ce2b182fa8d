"""Keeping the information facts and months (coverage.py reads them) in the transaction that
writes deliveries (ARCHITECTURE rule 11).

`information_facts`: per version, receiving organisation, Stockholm day and channel, the
delivered deliveries. The session hooks below note the keys a flush touches (a delivery
added, changed or removed; its key before and after) and recompute those facts from the
deliveries right after the flush. `information_months`: the facts of a calendar month per
material and channel, summed, with the receiving organisations as a bitmap; recomputed from
the facts of the months, materials and channels the refreshed facts are in. `rebuild_facts`
(`flask library rebuild-coverage`, the demo, a restore) computes both from scratch;
tests/library/test_coverage.py checks that maintained equals rebuilt.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta
from itertools import chain
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, func, inspect, or_, select
from sqlalchemy.orm import Session

from app.common.bitmaps import take_rows, to_bytes
from app.common.session_events import listen_once
from app.extensions import db
from app.meetings.coverage import month_start, next_month_start

from .coverage import counts_as_informed
from .models import Channel, Delivery, InformationFact, InformationMonth, MaterialVersion

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
    """Recompute the facts of the noted keys from the deliveries (two statements), and the
    months they are in (five more)."""
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
    materials = dict(
        session.execute(
            select(MaterialVersion.id, MaterialVersion.material_id).where(
                MaterialVersion.id.in_(sorted({version for version, _day, _how in groups}))
            )
        ).all()
    )
    refresh_months(
        {
            (month_start(day), materials[version], how)
            for version, day, how in groups
            if version in materials
        },
        session=session,
    )


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
    """Every fact from the deliveries, and every month from the facts, from scratch
    (`flask library rebuild-coverage`)."""
    session = session or db.session
    session.execute(delete(InformationFact))
    _insert_facts(session)
    session.execute(delete(InformationMonth))
    _insert_months(session, session.execute(_month_facts()))


#: (first day of the month, material_id, channel): one row of `information_months`.
MonthKey = tuple[date, int, Channel]


def _month_facts(condition: ColumnElement[bool] | None = None):
    statement = select(
        InformationFact.day,
        InformationFact.material_id,
        InformationFact.channel,
        InformationFact.organisation_id,
        InformationFact.deliveries,
    )
    return statement if condition is None else statement.where(condition)


def _insert_months(session: Session, facts: Iterable[Any]) -> None:
    """The month rows of (day, material, channel, organisation, deliveries) facts."""
    sums: dict[MonthKey, list[int]] = defaultdict(lambda: [0, 0])
    for day, material_id, channel, organisation_id, deliveries in facts:
        row = sums[(month_start(day), material_id, Channel(channel))]
        row[0] += deliveries
        row[1] |= 1 << organisation_id
    if sums:
        session.execute(
            InformationMonth.__table__.insert(),
            [
                {
                    "month": month,
                    "material_id": material_id,
                    "channel": channel,
                    "deliveries": deliveries,
                    "organisations": to_bytes(organisations),
                }
                for (month, material_id, channel), (deliveries, organisations) in sums.items()
            ],
        )


def refresh_months(keys: set[MonthKey], *, session: Session) -> None:
    """Recompute these month rows from their facts: three statements, after taking the rows
    (`take_rows`) so that a refresh of the same month, material and channel in another
    transaction waits until this one ends."""
    if not keys:
        return
    ordered = sorted(keys)
    take_rows(
        session,
        InformationMonth.__table__,
        ("month", "material_id", "channel"),
        [
            {
                "month": m,
                "material_id": material,
                "channel": how,
                "deliveries": 0,
                "organisations": b"",
            }
            for m, material, how in ordered
        ],
    )
    facts = session.execute(
        _month_facts(
            or_(
                *(
                    and_(
                        InformationFact.material_id == material,
                        InformationFact.channel == how,
                        InformationFact.day.between(m, next_month_start(m) - timedelta(days=1)),
                    )
                    for m, material, how in ordered
                )
            )
        )
    ).all()
    session.execute(
        delete(InformationMonth).where(
            or_(
                *(
                    and_(
                        InformationMonth.month == m,
                        InformationMonth.material_id == material,
                        InformationMonth.channel == how,
                    )
                    for m, material, how in ordered
                )
            )
        )
    )
    _insert_months(session, facts)


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
