"""The first rows of each group in one statement: each row ranked and counted within its
group by window functions (ROW_NUMBER and COUNT over a partition), and the first `limit` of
every group loaded as objects. A page showing "the first 10 overdue and the first 10 due
soon, of 34 and 12" costs one statement however many rows each group has."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from sqlalchemy import func, select

from app.extensions import db

T = TypeVar("T")


@dataclass
class Firsts(Generic[T]):
    """One group's first rows, in order, and how many rows the group has in all."""

    shown: list[T] = field(default_factory=list)
    total: int = 0


def first_per_group(
    entity: type[T],
    *,
    group: Any,
    order_by: Sequence[Any],
    limit: int,
    where: Sequence[Any],
    groups: Iterable[Any],
    joins: Sequence[Any] = (),
    options: Sequence[Any] = (),
) -> dict[Any, Firsts[T]]:
    """The first `limit` rows of `entity` matching `where` in each value of `group` (an SQL
    expression; `groups` are the values the caller expects, each in the answer even when it
    has no rows), ordered by `order_by` within their group, with each group's total. `joins`
    are joined to rank (columns of `order_by` may come from them) and again to load, where
    `options` apply (`contains_eager` of a join, `selectinload`s). One statement, plus
    whatever `options` load separately."""
    key = entity.id  # type: ignore[attr-defined]
    ranking = select(
        key.label("id"),
        group.label("group"),
        func.row_number().over(partition_by=group, order_by=order_by).label("position"),
        func.count().over(partition_by=group).label("total"),
    )
    for target in joins:
        ranking = ranking.join(target)
    ranked = ranking.where(*where).subquery()
    query = select(entity, ranked.c.group, ranked.c.total).join(ranked, ranked.c.id == key)
    for target in joins:
        query = query.join(target)
    rows = db.session.execute(
        query.options(*options)
        .where(ranked.c.position <= limit)
        .order_by(ranked.c.group, ranked.c.position)
    ).all()
    firsts: dict[Any, Firsts[T]] = {value: Firsts() for value in groups}
    for item, value, total in rows:
        found = firsts.setdefault(value, Firsts())
        found.shown.append(item)
        found.total = total
    return firsts
