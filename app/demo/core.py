"""What the demo generators share: the run's context, seeded randomness, dates, bulk inserts.

Rows go in through SQLAlchemy Core `insert()` executemany in chunks: no ORM object per row,
no flush per row. Every part draws from its own `random.Random` seeded with the run's seed
and the part's name, so the parts stay independent and the same seed gives the same data.
"""

from __future__ import annotations

import random
import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Table, insert

from app.common.text import fold
from app.common.time import local_midnight, local_to_utc
from app.extensions import db
from app.organisations.models import display_name

#: The span the demo covers: from just before the assignment began to just after it ends.
FIRST_DAY = date(2025, 6, 1)
LAST_DAY = date(2027, 6, 30)

CHUNK = 5000


def part_rng(seed: int, part: str) -> random.Random:
    """An independent, reproducible random source for one part of the run."""
    return random.Random(f"samverkan-demo:{seed}:{part}")


def seeded_uuid(rng: random.Random) -> uuid.UUID:
    """A version-4 UUID drawn from `rng` (reproducible, unlike uuid4())."""
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def slug(text: str) -> str:
    """ASCII letters and digits only: "Upplands Väsby" → "upplandsvasby"."""
    return re.sub(r"[^a-z0-9]", "", fold(text))


def local_moment(day: date, hour: int, minute: int) -> datetime:
    """A Stockholm wall-clock time as UTC (daytime, so never in a DST gap)."""
    return local_to_utc(day, time(hour, minute))


def day_start(day: date) -> datetime:
    return local_midnight(day)


def random_day(rng: random.Random, first: date, last: date) -> date:
    """A day from `first` to `last` inclusive (`first` if the span is empty)."""
    span = (last - first).days
    return first + timedelta(days=rng.randint(0, span)) if span > 0 else first


def clamp(day: date, first: date, last: date) -> date:
    return max(first, min(day, last))


def insert_rows(table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert `rows` in chunks (executemany). Measured faster here than multi-row VALUES
    or RETURNING-batched inserts, on SQLite and PostgreSQL alike."""
    connection = db.session.connection()
    for start in range(0, len(rows), CHUNK):
        connection.execute(insert(table), list(rows[start : start + CHUNK]))


def insert_returning_ids(table: Table, rows: Sequence[dict[str, Any]]) -> list[int]:
    """Insert `rows` in chunks and return their new ids, in the order of `rows`."""
    connection = db.session.connection()
    ids: list[int] = []
    statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    for start in range(0, len(rows), CHUNK):
        result = connection.execute(statement, list(rows[start : start + CHUNK]))
        ids.extend(result.scalars().all())
    return ids


@dataclass
class Org:
    """What the generators need to know about one organisation."""

    id: int
    name: str
    short_name: str
    category: str  # a key of vocabulary.TITLES
    county_code: str | None
    domain: str
    parent_id: int | None = None
    parent_name: str = ""
    municipality_id: int | None = None  # the municipality itself, or a unit's parent
    reached: bool = True
    activity: float = 1.0

    @property
    def label(self) -> str:
        """How a title names it: the short name, or the name."""
        return self.short_name or self.name

    @property
    def display_name(self) -> str:
        """As the app shows it: "Socialtjänsten, Malmö kommun" for a unit."""
        return display_name(self.name, self.parent_name or None)


@dataclass
class Team:
    """The demo team: coordinator ids (the first is the head of secretariat) and names."""

    coordinators: list[int]
    readers: list[int]
    names: dict[int, str]


@dataclass
class Context:
    """The run: seed, counts, the day it takes as today, and what earlier steps made."""

    seed: int
    scale: float
    today: date
    team: Team = field(default_factory=lambda: Team([], [], {}))
    orgs: list[Org] = field(default_factory=list)
    contacts_by_org: dict[int, list[int]] = field(default_factory=dict)
    contact_names: dict[int, str] = field(default_factory=dict)

    def count(self, per_scale_one: int) -> int:
        return max(1, round(per_scale_one * self.scale))

    @property
    def now(self) -> datetime:
        """The moment the data treats as now: the start of `today` (Stockholm)."""
        return day_start(self.today)

    def created_at(self, day: date) -> datetime:
        """A plausible creation time on `day` (not after today, not before the span)."""
        day = clamp(day, FIRST_DAY, self.today)
        return day_start(day) + timedelta(hours=9)


def cumulative(weights: Iterable[float]) -> list[float]:
    """Cumulative weights for `random.choices(..., cum_weights=...)`."""
    total, result = 0.0, []
    for weight in weights:
        total += weight
        result.append(total)
    return result


def fixed_utc(day: date) -> datetime:
    """Midnight UTC of `day`: for timestamps that only need to be fixed."""
    return datetime(day.year, day.month, day.day, tzinfo=UTC)
