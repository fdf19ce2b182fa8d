"""Swedish working days: weekends and holidays skipped, the moving feasts right."""

from __future__ import annotations

from datetime import date

import pytest

from app.digest.workdays import is_working_day, swedish_holidays, working_day_after


def test_the_holidays_of_2026():
    days = swedish_holidays(2026)
    assert days[date(2026, 4, 3)] == "Långfredagen"
    assert days[date(2026, 4, 6)] == "Annandag påsk"
    assert days[date(2026, 5, 14)] == "Kristi himmelsfärdsdag"
    assert days[date(2026, 5, 24)] == "Pingstdagen"
    assert days[date(2026, 6, 19)] == "Midsommarafton"
    assert days[date(2026, 6, 20)] == "Midsommardagen"
    assert days[date(2026, 10, 31)] == "Alla helgons dag"
    assert days[date(2026, 12, 24)] == "Julafton"
    assert len(days) == 16


def test_midsummer_and_all_saints_fall_on_the_right_saturday():
    assert swedish_holidays(2027)[date(2027, 6, 26)] == "Midsommardagen"
    assert swedish_holidays(2027)[date(2027, 6, 25)] == "Midsommarafton"
    assert swedish_holidays(2025)[date(2025, 11, 1)] == "Alla helgons dag"


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 6, 18), True),  # Thursday before midsommar
        (date(2026, 6, 19), False),  # midsommarafton
        (date(2026, 6, 6), False),  # national day, a Saturday anyway
        (date(2026, 4, 2), True),  # skärtorsdagen is a working day
        (date(2026, 4, 3), False),
        (date(2026, 12, 28), True),
        (date(2026, 12, 31), False),
        (date(2027, 1, 6), False),
    ],
)
def test_working_days(day, working):
    assert is_working_day(day) is working


@pytest.mark.parametrize(
    ("start", "count", "expected"),
    [
        (date(2026, 6, 18), 1, date(2026, 6, 22)),  # over midsommar
        (date(2026, 6, 18), 2, date(2026, 6, 23)),
        (date(2026, 12, 23), 1, date(2026, 12, 28)),  # over jul
        (date(2026, 12, 23), 3, date(2026, 12, 30)),
        (date(2026, 12, 30), 1, date(2027, 1, 4)),  # over nyår
        (date(2026, 4, 2), 1, date(2026, 4, 7)),  # over påsk
        (date(2026, 5, 13), 1, date(2026, 5, 15)),  # over Kristi himmelsfärd
        (date(2026, 12, 7), 0, date(2026, 12, 7)),
    ],
)
def test_working_day_after(start, count, expected):
    assert working_day_after(start, count) == expected
