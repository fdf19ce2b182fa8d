"""Report periods: months, quarters and free periods, and their UTC bounds."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from app.reports.periods import (
    DEFAULT_ASSIGNMENT_START,
    Period,
    assignment_start,
    last_month,
    month_period,
    months_before,
    months_ending,
    parse_day,
    parse_month,
    quarters,
)


def test_a_month_in_stockholm_time():
    october = month_period(date(2026, 10, 17))
    assert october == Period(date(2026, 10, 1), date(2026, 10, 31))
    assert october.is_month and october.label == "2026-10" and october.slug == "2026-10"
    # Summer time at the start, winter time at the end (the clocks went back on 25 October).
    assert october.starts_at == datetime(2026, 9, 30, 22, tzinfo=UTC)
    assert october.ends_at == datetime(2026, 10, 31, 23, tzinfo=UTC)


def test_a_free_period():
    period = Period(date(2026, 10, 1), date(2026, 12, 15))
    assert not period.is_month
    assert period.label == "2026-10-01 – 2026-12-15"
    assert period.slug == "2026-10-01--2026-12-15"


def test_last_month_across_new_year():
    assert last_month(date(2027, 1, 15)) == Period(date(2026, 12, 1), date(2026, 12, 31))
    assert last_month(date(2026, 3, 31)) == Period(date(2026, 2, 1), date(2026, 2, 28))


@pytest.mark.parametrize("text", ["2026-13", "2026-00", "2026-1", "26-10", "1999-12", "x", ""])
def test_bad_months(text):
    with pytest.raises(ValueError):
        parse_month(text)


@pytest.mark.parametrize("text", ["2026-02-30", "2026-1-1", "9999-01-01", "abc", "2026-10-01x"])
def test_bad_days(text):
    with pytest.raises(ValueError):
        parse_day(text)


def test_good_months_and_days():
    assert parse_month(" 2026-10 ") == date(2026, 10, 1)
    assert parse_day("2027-06-04") == date(2027, 6, 4)


def test_twelve_months_ending():
    months = months_ending(date(2026, 2, 10))
    assert len(months) == 12
    assert months[0].start == date(2025, 3, 1) and months[-1].end == date(2026, 2, 28)


def test_quarters_are_clipped_to_the_period():
    parts = quarters(Period(date(2025, 6, 5), date(2026, 1, 10)))
    assert [(q.quarter_label, q.start, q.end) for q in parts] == [
        ("2025K2", date(2025, 6, 5), date(2025, 6, 30)),
        ("2025K3", date(2025, 7, 1), date(2025, 9, 30)),
        ("2025K4", date(2025, 10, 1), date(2025, 12, 31)),
        ("2026K1", date(2026, 1, 1), date(2026, 1, 10)),
    ]


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 11, 25), 6, date(2026, 5, 25)),
        (date(2026, 8, 31), 6, date(2026, 2, 28)),
        (date(2026, 3, 31), 1, date(2026, 2, 28)),
        (date(2026, 1, 15), 1, date(2025, 12, 15)),
        (date(2026, 1, 15), 24, date(2024, 1, 15)),
    ],
)
def test_months_before(day, months, expected):
    assert months_before(day, months) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, DEFAULT_ASSIGNMENT_START),
        ("2026-01-01", date(2026, 1, 1)),
        (date(2025, 7, 1), date(2025, 7, 1)),
        (datetime(2025, 7, 1, 12), date(2025, 7, 1)),
        ("inte ett datum", DEFAULT_ASSIGNMENT_START),
    ],
)
def test_assignment_start(value, expected):
    assert assignment_start(value) == expected
