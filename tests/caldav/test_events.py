"""The pure part of the CalDAV sync: the resource written for a meeting, and what is read
back from the server's copy of it, whatever form a client left it in."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from icalendar import Calendar

from app.caldav.events import UnreadableEvent, content_hash, read_event, resource_text
from app.calendar import ics


def wrap(*lines: str) -> str:
    body = "\r\n".join(lines)
    head = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:a\r\n"
    return f"{head}{body}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"


def test_a_resource_is_the_feed_event_with_a_time_zone_and_no_method():
    event = ics.CalendarEvent(
        uid="m-1@samverkan",
        sequence=2,
        summary="Möte",
        starts_at=datetime(2026, 10, 25, 0, 30, tzinfo=UTC),  # 02:30 CEST, the doubled hour
        ends_at=datetime(2026, 10, 25, 2, 30, tzinfo=UTC),
        stamp=datetime(2026, 10, 1, tzinfo=UTC),
        location="Stadshuset",
    )
    text = resource_text(ics.event_text(event))
    calendar = Calendar.from_ical(text)
    assert "METHOD" not in calendar
    assert [c.name for c in calendar.subcomponents] == ["VTIMEZONE", "VEVENT"]
    back = read_event(text)
    assert (back.starts_at, back.ends_at) == (event.starts_at, event.ends_at)
    assert (back.location, back.cancelled, back.all_day) == ("Stadshuset", False, False)
    assert content_hash(text) == content_hash(resource_text(ics.event_text(event)))


def test_times_in_any_form_are_read_as_moments():
    stockholm = read_event(wrap("DTSTART;TZID=Europe/Stockholm:20260329T030000", "DURATION:PT1H"))
    assert stockholm.starts_at == datetime(2026, 3, 29, 1, tzinfo=UTC)  # just after the change
    assert stockholm.ends_at == datetime(2026, 3, 29, 2, tzinfo=UTC)
    floating = read_event(wrap("DTSTART:20261201T100000", "DTEND:20261201T110000"))
    assert floating.starts_at == datetime(2026, 12, 1, 9, tzinfo=UTC)  # Stockholm's
    utc = read_event(wrap("DTSTART:20261201T100000Z", "DTEND:20261201T110000Z"))
    assert utc.starts_at == datetime(2026, 12, 1, 10, tzinfo=UTC)


def test_an_all_day_event_runs_from_midnight_to_midnight():
    one_day = read_event(wrap("DTSTART;VALUE=DATE:20260701"))
    assert one_day.all_day
    assert one_day.starts_at == datetime(2026, 6, 30, 22, tzinfo=UTC)
    assert one_day.ends_at == datetime(2026, 7, 1, 22, tzinfo=UTC)
    two_days = read_event(wrap("DTSTART;VALUE=DATE:20260701", "DTEND;VALUE=DATE:20260703"))
    assert two_days.ends_at == datetime(2026, 7, 2, 22, tzinfo=UTC)


def test_status_and_location_are_read():
    event = read_event(wrap("DTSTART:20261201T100000Z", "STATUS:CANCELLED", "LOCATION: Sal 3 "))
    assert event.cancelled and event.location == "Sal 3"


@pytest.mark.parametrize(
    "text",
    [
        "not a calendar",
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n",
        wrap("SUMMARY:no start"),
    ],
)
def test_an_unreadable_copy_is_reported(text):
    with pytest.raises(UnreadableEvent):
        read_event(text)
