"""Swedish working days: weekdays that are not public holidays.

The holidays are computed here from python-dateutil's Easter (already pinned for the
calendar) and the fixed days, rather than from the `holidays` package: the Swedish rules are
short and stable (lag 1989:253 om allmänna helgdagar). Besides the public holidays
(allmänna helgdagar), midsommarafton, julafton and nyårsafton count as holidays: offices are
closed and the working-time rules treat them as Sundays. Saturdays and Sundays are never
working days, so Sunday holidays (påskdagen, pingstdagen) and Saturday ones (midsommardagen,
alla helgons dag) need no entry of their own, but are listed for completeness.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

from dateutil.easter import easter


def _saturday_between(first: date) -> date:
    """The Saturday in the seven days from `first`."""
    return first + timedelta(days=(5 - first.weekday()) % 7)


@lru_cache(maxsize=64)
def swedish_holidays(year: int) -> dict[date, str]:
    """The days off in Sweden in `year`, with their Swedish names."""
    easter_day = easter(year)
    midsummer_day = _saturday_between(date(year, 6, 20))
    return {
        date(year, 1, 1): "Nyårsdagen",
        date(year, 1, 6): "Trettondedag jul",
        easter_day - timedelta(days=2): "Långfredagen",
        easter_day: "Påskdagen",
        easter_day + timedelta(days=1): "Annandag påsk",
        date(year, 5, 1): "Första maj",
        easter_day + timedelta(days=39): "Kristi himmelsfärdsdag",
        easter_day + timedelta(days=49): "Pingstdagen",
        date(year, 6, 6): "Sveriges nationaldag",
        midsummer_day - timedelta(days=1): "Midsommarafton",
        midsummer_day: "Midsommardagen",
        _saturday_between(date(year, 10, 31)): "Alla helgons dag",
        date(year, 12, 24): "Julafton",
        date(year, 12, 25): "Juldagen",
        date(year, 12, 26): "Annandag jul",
        date(year, 12, 31): "Nyårsafton",
    }


def is_working_day(day: date) -> bool:
    """Monday to Friday, and not a Swedish holiday."""
    return day.weekday() < 5 and day not in swedish_holidays(day.year)


def working_day_after(day: date, count: int) -> date:
    """The `count`th working day after `day` (`day` itself when `count` is 0 or less)."""
    found = day
    while count > 0:
        found += timedelta(days=1)
        if is_working_day(found):
            count -= 1
    return found
