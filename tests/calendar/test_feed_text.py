"""A feed's events are serialised once per content: the feed is one calendar that icalendar
reads back event by event, and an event whose fields change is made again."""

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


def test_the_feed_is_one_calendar_with_every_event_in_order():
    items = [event(n) for n in range(6)]
    first = ics.feed(items, name="Samverkan")
    assert ics.feed(items, name="Samverkan") == first  # from the memo
    calendar = Calendar.from_ical(first)
    assert [str(e["UID"]) for e in calendar.walk("VEVENT")] == [i.uid for i in items]
    assert [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")] == [i.summary for i in items]
    assert first.count(b"BEGIN:VTIMEZONE") == 1 and first.endswith(b"END:VCALENDAR\r\n")


def test_each_event_is_made_once_until_it_changes(monkeypatch):
    made = []
    original = ics.vevent

    def counting(item, *, method):
        made.append(item.uid)
        return original(item, method=method)

    monkeypatch.setattr(ics, "vevent", counting)
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
