"""iCalendar files from plain data (no Flask, no ORM): the calendar around the events is
icalendar's, each event is written by vevent.py (what it holds and leaves out is decided there).

- `invite()`: METHOD:REQUEST or METHOD:CANCEL with one event, for e-mail or download.
- `feed()`: METHOD:PUBLISH with many events, for subscriptions; no attendees.

Timed events refer to a VTIMEZONE for Europe/Stockholm in the two-rule RRULE form that
Outlook itself writes: lists of dates (RDATE) are misread by some parsers. No X-WR-TIMEZONE:
the VTIMEZONE says everything, and with it one widely used parser moved events in the
repeated autumn hour by an hour (the importer still honours it in Google's files).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

from icalendar import (
    Calendar,
    Timezone,
    TimezoneDaylight,
    TimezoneStandard,
    vDuration,
    vRecur,
)

from app.common.text import one_line

from .vevent import Method, vevent

PRODID = "-//Samverkan//Samverkan CRM//SV"


@dataclass(frozen=True)
class Person:
    name: str
    email: str


@dataclass(frozen=True)
class CalendarEvent:
    """One event. Times are aware UTC datetimes; an all-day event runs from local midnight
    of its first day to local midnight after its last (as meetings are stored)."""

    uid: str
    sequence: int
    summary: str
    starts_at: datetime
    ends_at: datetime
    stamp: datetime
    all_day: bool = False
    location: str = ""
    description: str = ""
    url: str = ""
    cancelled: bool = False
    organizer: Person | None = None
    attendees: list[Person] = field(default_factory=list)
    transparent: bool = False  # deadlines in feeds do not make the user busy
    categories: list[str] = field(default_factory=list)
    #: One occurrence of someone else's series (a meeting imported per occurrence):
    #: "20260715T080000Z" or "20260715" (a date), as the organizer's RECURRENCE-ID.
    recurrence_id: str = ""


def stockholm_timezone() -> Timezone:
    """VTIMEZONE for Europe/Stockholm as two yearly rules (EU rules since 1996)."""
    zone = Timezone()
    zone.add("tzid", "Europe/Stockholm")
    zone.add("x-lic-location", "Europe/Stockholm")
    summer = TimezoneDaylight()
    summer.add("tzname", "CEST")
    summer.add("dtstart", datetime(1970, 3, 29, 2, 0))
    summer.add("tzoffsetfrom", timedelta(hours=1))
    summer.add("tzoffsetto", timedelta(hours=2))
    summer.add("rrule", vRecur(freq="YEARLY", bymonth=3, byday="-1SU"))
    winter = TimezoneStandard()
    winter.add("tzname", "CET")
    winter.add("dtstart", datetime(1970, 10, 25, 3, 0))
    winter.add("tzoffsetfrom", timedelta(hours=2))
    winter.add("tzoffsetto", timedelta(hours=1))
    winter.add("rrule", vRecur(freq="YEARLY", bymonth=10, byday="-1SU"))
    zone.add_component(summer)
    zone.add_component(winter)
    return zone


def _calendar(method: Method) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    return calendar


def invite(item: CalendarEvent, *, method: Literal["REQUEST", "CANCEL"]) -> bytes:
    """An invitation (REQUEST) or cancellation (CANCEL) for one event, as bytes (UTF-8)."""
    calendar = _calendar(method)
    if not item.all_day:
        calendar.add_component(_stockholm())
    return _with_events(calendar.to_ical(), [vevent(item, method=method)])


def feed(
    items: list[CalendarEvent],
    *,
    name: str,
    description: str = "",
    refresh: timedelta = timedelta(hours=1),
) -> bytes:
    """A subscription feed (PUBLISH): every event, without organizer or attendees."""
    return feed_from_texts(
        [_published(item) for item in items],
        name=name,
        description=description,
        refresh=refresh,
    )


def feed_from_texts(
    texts: list[bytes],
    *,
    name: str,
    description: str = "",
    refresh: timedelta = timedelta(hours=1),
) -> bytes:
    """A subscription feed from events already written (`event_text`), in their order."""
    calendar = _calendar("PUBLISH")
    name = one_line(name)
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    if description:
        calendar.add("x-wr-caldesc", description)
    calendar.add("refresh-interval", refresh, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(refresh))
    calendar.add_component(_stockholm())
    return _with_events(calendar.to_ical(), texts)


def _with_events(head: bytes, texts: list[bytes]) -> bytes:
    """The calendar's own lines, then each event's, then its end."""
    end = b"END:VCALENDAR\r\n"
    return head.removesuffix(end) + b"".join(texts) + end


_zone: list[Timezone] = []


def _stockholm() -> Timezone:
    """The VTIMEZONE, made once per process (it never changes)."""
    if not _zone:
        _zone.append(stockholm_timezone())
    return _zone[0]


def event_text(item: CalendarEvent) -> bytes:
    """One event as a feed writes it (PUBLISH: no organizer, no attendees)."""
    return vevent(item, method="PUBLISH")


class EventTexts:
    """Events as feed text in a bounded LRU per process, kept by a key that says exactly
    what the text depends on.

    A feed is asked for again and again with nearly all of its events unchanged: after one
    change only the changed event is made again.
    Called with an event, the key is its whole content (exact, but the event must be built
    first); feeds of meetings key by the meeting's version instead (calendar/feeds.py), so an
    unchanged meeting is not even read.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self._texts: OrderedDict[object, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: object) -> bytes | None:
        with self._lock:
            text = self._texts.get(key)
            if text is not None:
                self._texts.move_to_end(key)
            return text

    def put(self, key: object, text: bytes) -> None:
        with self._lock:
            self._texts[key] = text
            self._texts.move_to_end(key)
            while len(self._texts) > self.size:
                self._texts.popitem(last=False)

    def __call__(self, item: CalendarEvent) -> bytes:
        key = repr(item)
        text = self.get(key)
        if text is None:
            text = event_text(item)
            self.put(key, text)
        return text

    def __len__(self) -> int:
        return len(self._texts)

    def clear(self) -> None:
        with self._lock:
            self._texts.clear()


#: Events kept by content (follow-ups' deadlines; ~1 KB an event with its key).
_published = EventTexts(size=10_000)
