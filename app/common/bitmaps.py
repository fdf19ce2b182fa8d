"""Sets of ids as bitmaps: bit i set for id i, stored as little-endian bytes (LargeBinary).

A maintained table that answers "which organisations, over a period" keeps one bitmap per
period and key instead of one row per organisation (the theme tally's sets, the information
months): a union over a year is a few hundred ORs, a count `int.bit_count`. The ids are the
registry's organisation ids — a thousand or so — so a bitmap is about a hundred bytes.

A set is recomputed from the rows below it, never patched, so two transactions that change
the same set must take turns: `take_rows` first.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TypeVar

from sqlalchemy import Table
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

K = TypeVar("K")


def grouped(pairs: Iterable[tuple[K, int]]) -> dict[K, bytes]:
    """The ids paired with each key, as stored bytes: {key: bitmap}."""
    sets: dict[K, int] = {}
    for key, id_ in pairs:
        sets[key] = sets.get(key, 0) | 1 << id_
    return {key: to_bytes(value) for key, value in sets.items()}


def to_bytes(value: int) -> bytes:
    return value.to_bytes((value.bit_length() + 7) // 8, "little")


def from_bytes(data: bytes) -> int:
    return int.from_bytes(data, "little")


def members(value: int) -> list[int]:
    """The ids whose bits are set in `value` (a bitmap read with `from_bytes`), ascending."""
    found = []
    while value:
        lowest = value & -value
        found.append(lowest.bit_length() - 1)
        value ^= lowest
    return found


_INSERTS = {"postgresql": postgresql_insert, "sqlite": sqlite_insert}


def take_rows(session: Session, table: Table, keys: Sequence[str], rows: list[dict]) -> None:
    """Hold the rows with these keys for the rest of the transaction: each is written
    unchanged, or inserted as given (a placeholder the caller replaces), in key order. On
    PostgreSQL a second transaction taking one of them waits until the first ends, and then
    reads what the first wrote, so neither writes a set that lacks the other's ids (and the
    key order keeps two of them from deadlocking); SQLite has one writer at a time anyway."""
    if not rows:
        return
    insert = _INSERTS[session.get_bind().dialect.name](table)
    kept = next(column for column in table.columns if column.name not in keys)
    ordered = sorted(rows, key=lambda row: tuple(row[key] for key in keys))
    session.execute(
        insert.on_conflict_do_update(index_elements=list(keys), set_={kept.name: kept}),
        ordered,
    )
