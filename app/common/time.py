"""Time: everything is stored in UTC and shown in Europe/Stockholm."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def utcnow() -> datetime:
    """Return the current time as an aware UTC datetime."""
    return datetime.now(UTC)


def to_local(moment: datetime) -> datetime:
    """Convert an aware datetime to Europe/Stockholm."""
    return moment.astimezone(STOCKHOLM)


def local_today() -> date:
    """Return today's date in Stockholm (not the server's or UTC's)."""
    return utcnow().astimezone(STOCKHOLM).date()


class NonexistentLocalTime(ValueError):
    """The wall-clock time is skipped by the spring daylight-saving change (02:00–03:00)."""


class AmbiguousLocalTime(ValueError):
    """The wall-clock time occurs twice in the autumn (02:00–03:00): summer or winter time?"""

    def __init__(self, summer: datetime, winter: datetime) -> None:
        super().__init__("ambiguous local time")
        self.summer, self.winter = summer, winter


def local_to_utc(day: date, clock: time, *, fold: int | None = None) -> datetime:
    """The UTC moment of a Stockholm wall-clock time.

    Raises NonexistentLocalTime in the spring gap, and AmbiguousLocalTime in the autumn
    overlap unless `fold` says which: 0 = the first (summer time), 1 = the second (winter).
    """
    naive = datetime.combine(day, clock)
    first = naive.replace(tzinfo=STOCKHOLM, fold=0).astimezone(UTC)
    second = naive.replace(tzinfo=STOCKHOLM, fold=1).astimezone(UTC)
    if first.astimezone(STOCKHOLM).replace(tzinfo=None) != naive:
        raise NonexistentLocalTime(naive.isoformat(" ", "minutes"))
    if first != second:
        if fold is None:
            raise AmbiguousLocalTime(summer=first, winter=second)
        return second if fold else first
    return first


def is_ambiguous_local(moment: datetime) -> bool:
    """True when `moment` falls in the autumn hour whose Stockholm wall-clock times occur
    twice, so the local time alone does not say which moment it is."""
    local = moment.astimezone(STOCKHOLM)
    return local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset()


def local_midnight(day: date) -> datetime:
    """The UTC moment a Stockholm day begins (midnight never falls in a DST change here)."""
    return local_to_utc(day, time(0, 0))


def week_bounds(day: date) -> tuple[date, date]:
    """Monday and the following Monday of the ISO week containing `day`."""
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=7)


def iso_week(day: date) -> int:
    """The ISO week number ("v. 47"); around New Year it may belong to the other year."""
    return day.isocalendar().week
