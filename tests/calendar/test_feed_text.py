"""A feed's events are serialised once per content: the bytes are what icalendar writes for
the whole calendar, and an event whose fields change is made again."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar

from app.calendar import ics

START = datetime(2026, 11, 2, 9, tzinfo=UTC)


def event(number: int, **changes) -> ics.CalendarEvent:
    item = ics.CalendarEvent(
        uid=f"mote-{number}@samverkan",
        sequence=0,
        summary=f"Samråd {number}, Malmö",
        starts_at=START + timedelta(days=number),
        ends_at=START + timedelta(days=number, hours=1),
        stamp=START,
        location="Stadshuset; rum 3",
        description="Dagordning:\n1. Läget i kommunen, med en rad lång nog att vikas " * 2,
        url=f"https://samverkan.example.se/moten/{number}",
        all_day=number % 3 == 0,
    )
    return replace(item, **changes)


@pytest.fixture(autouse=True)
def empty_memo():
    ics._published.clear()
    yield
    ics._published.clear()


def whole_calendar(items: list[ics.CalendarEvent]) -> bytes:
    """What icalendar writes with every event added to one calendar (no memo)."""
    calendar = Calendar.from_ical(ics.feed([], name="Samverkan"))
    for item in items:
        calendar.add_component(ics._event(item, method="PUBLISH"))
    return calendar.to_ical()


def test_the_feed_is_what_icalendar_writes_for_the_whole_calendar():
    items = [event(n) for n in range(6)]
    assert ics.feed(items, name="Samverkan") == whole_calendar(items)
    assert ics.feed(items, name="Samverkan") == whole_calendar(items)  # from the memo


def test_each_event_is_made_once_until_it_changes(monkeypatch):
    made = []
    original = ics._event

    def counting(item, *, method):
        made.append(item.uid)
        return original(item, method=method)

    monkeypatch.setattr(ics, "_event", counting)
    items = [event(n) for n in range(4)]
    ics.feed(items, name="Samverkan")
    assert len(made) == 4
    moved = replace(items[2], summary="Flyttat samråd", sequence=1)
    feed = ics.feed([*items[:2], moved, items[3]], name="Samverkan")
    assert made[4:] == ["mote-2@samverkan"]  # only the changed one is made again
    assert b"SUMMARY:Flyttat samr" in feed and b"SEQUENCE:1" in feed


def test_the_memo_is_bounded():
    memo = ics.EventTexts(size=3)
    for number in range(5):
        memo(event(number))
    assert len(memo) == 3
