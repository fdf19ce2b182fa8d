"""Coverage on the start page: the municipalities and county boards with "Möte hållet", and
the municipalities "Kontaktade" (both defined in figures.py), and Stockholm calendar months.

A meeting with "Socialtjänsten, Malmö stad" counts for Malmö. Months are Stockholm months,
and a meeting belongs to the month it starts in. The figures are read from the maintained
figures by `app.aggregates.coverage.coverage`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .figures import COVERED_KINDS

__all__ = ["COVERED_KINDS", "Coverage", "KindCoverage"]


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
