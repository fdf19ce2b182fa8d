"""Report periods: Stockholm calendar months, quarters and free periods.

A period is a run of whole Stockholm days, first and last day included. Its bounds in UTC
come from `local_midnight`, so the SQL compares stored UTC times against two moments and
needs no database date functions; a meeting belongs to the period it starts in.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from app.common.time import local_midnight
from app.meetings.coverage import month_start, next_month_start, previous_month_start

#: Years a report may cover; outside them a date is a typo (and far outside, an overflow).
EARLIEST_YEAR = 2000
LATEST_YEAR = 2100
#: The coordinator's appointment: where the whole-period report starts by default.
DEFAULT_ASSIGNMENT_START = date(2025, 6, 5)

_MONTH = re.compile(r"(\d{4})-(\d{2})")


@dataclass(frozen=True)
class Period:
    """Whole Stockholm days from `start` to `end`, both included."""

    start: date
    end: date

    @property
    def starts_at(self) -> datetime:
        """The UTC moment the first day begins."""
        return local_midnight(self.start)

    @property
    def ends_at(self) -> datetime:
        """The UTC moment after the last day (exclusive)."""
        return local_midnight(self.end + timedelta(days=1))

    @property
    def is_month(self) -> bool:
        return self.start.day == 1 and self.end == next_month_start(self.start) - timedelta(days=1)

    @property
    def month_key(self) -> str:
        """`2026-10` (meaningful for a month)."""
        return self.start.strftime("%Y-%m")

    @property
    def quarter_label(self) -> str:
        """`2025K3`, as Statistics Sweden writes quarters."""
        return f"{self.start.year}K{(self.start.month - 1) // 3 + 1}"

    @property
    def label(self) -> str:
        """`2026-10` for a calendar month, else `2026-10-01 – 2026-12-31`."""
        if self.is_month:
            return self.month_key
        return f"{self.start.isoformat()} – {self.end.isoformat()}"

    @property
    def slug(self) -> str:
        """For file names: `2026-10` or `2026-10-01--2026-12-31`."""
        if self.is_month:
            return self.month_key
        return f"{self.start.isoformat()}--{self.end.isoformat()}"


def month_period(day: date) -> Period:
    """The calendar month containing `day`."""
    first = month_start(day)
    return Period(first, next_month_start(first) - timedelta(days=1))


def last_month(today: date) -> Period:
    """The month before the one containing `today`: the default monthly report."""
    return month_period(previous_month_start(today))


def months_before(day: date, months: int) -> date:
    """The same day `months` months earlier; the month's last day if it is shorter."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def within_years(day: date) -> bool:
    return EARLIEST_YEAR <= day.year <= LATEST_YEAR


def parse_month(text: str) -> date:
    """The first day of a month written `YYYY-MM`; ValueError for anything else."""
    match = _MONTH.fullmatch(text.strip())
    if not match:
        raise ValueError(text)
    year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12 or not EARLIEST_YEAR <= year <= LATEST_YEAR:
        raise ValueError(text)
    return date(year, month, 1)


def parse_day(text: str) -> date:
    """A date written `YYYY-MM-DD` within the report years; ValueError for anything else."""
    text = text.strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise ValueError(text)
    day = date.fromisoformat(text)
    if not within_years(day):
        raise ValueError(text)
    return day


def months_ending(last: date, count: int = 12) -> list[Period]:
    """`count` calendar months, oldest first, the last one containing `last`."""
    first = month_start(last)
    months = []
    for _ in range(count):
        months.append(month_period(first))
        first = previous_month_start(first)
    return months[::-1]


def quarters(period: Period) -> list[Period]:
    """The calendar quarters the period touches, clipped to the period, oldest first."""
    result = []
    start = period.start
    while start <= period.end:
        first_month = (start.month - 1) // 3 * 3 + 1
        next_year, next_month = (
            (start.year + 1, 1) if first_month == 10 else (start.year, first_month + 3)
        )
        quarter_end = date(next_year, next_month, 1) - timedelta(days=1)
        end = min(quarter_end, period.end)
        result.append(Period(start, end))
        start = end + timedelta(days=1)
    return result


def assignment_start(value: object) -> date:
    """The configured ASSIGNMENT_START (a date or `YYYY-MM-DD`), else the default."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return parse_day(value)
        except ValueError:
            pass
    return DEFAULT_ASSIGNMENT_START
