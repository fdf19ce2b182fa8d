"""iCalendar files, built with the icalendar library from plain data (no Flask, no ORM).

- `invite()`: METHOD:REQUEST or METHOD:CANCEL with one event, for e-mail or download.
- `feed()`: METHOD:PUBLISH with many events, for subscriptions; no attendees.

Every timed event is written in Europe/Stockholm (DTSTART;TZID=Europe/Stockholm) with a
VTIMEZONE in the two-rule RRULE form that Outlook itself writes: lists of dates (RDATE) are
misread by some parsers. A time in the hour the autumn change repeats is written in UTC
instead, since parsers disagree on which of the two it means. All-day events are DATE values
with an exclusive end. Line folding at 75 octets, CRLF line endings and text escaping are the
library's.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from icalendar import (
    Calendar,
    Event,
    Timezone,
    TimezoneDaylight,
    TimezoneStandard,
    vCalAddress,
    vDuration,
    vRecur,
)

from app.common.text import one_line
from app.common.time import STOCKHOLM, is_ambiguous_local

PRODID = "-//Samverkan//Samverkan CRM//SV"

Method = Literal["REQUEST", "CANCEL", "PUBLISH"]


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


def _address(person: Person, **parameters: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{person.email}")
    if person.name:
        address.params["CN"] = one_line(person.name)  # no line break in a parameter
    address.params.update(parameters)
    return address


def _timed(moment: datetime) -> datetime:
    """Stockholm time, except in the hour the autumn change repeats: there a local time is
    ambiguous (RFC 5545 takes the first, ICAL.js the second), so it is written in UTC."""
    if is_ambiguous_local(moment):
        return moment.astimezone(ZoneInfo("UTC"))
    return moment.astimezone(STOCKHOLM)


def _local_day(moment: datetime) -> date:
    return moment.astimezone(STOCKHOLM).date()


def _event(item: CalendarEvent, *, method: Method) -> Event:
    event = Event()
    event.add("uid", item.uid)
    event.add("sequence", item.sequence)
    event.add("dtstamp", item.stamp.astimezone(ZoneInfo("UTC")))
    if item.all_day:
        event.add("dtstart", _local_day(item.starts_at))
        event.add("dtend", _local_day(item.ends_at))  # exclusive: the day after the last
    else:
        event.add("dtstart", _timed(item.starts_at))
        event.add("dtend", _timed(item.ends_at))
    event.add("summary", item.summary)
    if item.location:
        event.add("location", item.location)
    if item.description:
        event.add("description", item.description)
    if item.url:
        event.add("url", item.url)
    if item.categories:
        event.add("categories", item.categories)
    event.add("status", "CANCELLED" if item.cancelled else "CONFIRMED")
    event.add("transp", "TRANSPARENT" if item.transparent or item.cancelled else "OPAQUE")
    if method != "PUBLISH":
        if item.organizer is not None:
            event.add("organizer", _address(item.organizer))
        for person in item.attendees:
            event.add(
                "attendee",
                _address(
                    person,
                    ROLE="REQ-PARTICIPANT",
                    PARTSTAT="NEEDS-ACTION",
                    RSVP="TRUE",
                    CUTYPE="INDIVIDUAL",
                ),
            )
    if method == "CANCEL":
        event.add("priority", 1)
    return event


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
        calendar.add_component(stockholm_timezone())
    calendar.add_component(_event(item, method=method))
    return calendar.to_ical()


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
    calendar.add("x-wr-timezone", "Europe/Stockholm")
    calendar.add("refresh-interval", refresh, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(refresh))
    calendar.add_component(stockholm_timezone())
    # The calendar's own lines, then each event's, then its end: what to_ical() writes for a
    # calendar holding the events, with each event's text made once (see EventTexts).
    head = calendar.to_ical()
    end = b"END:VCALENDAR\r\n"
    return head.removesuffix(end) + b"".join(texts) + end


def event_text(item: CalendarEvent) -> bytes:
    """One event as a feed writes it (PUBLISH: no organizer, no attendees)."""
    return _event(item, method="PUBLISH").to_ical()


class EventTexts:
    """Events as feed text in a bounded LRU per process, kept by a key that says exactly
    what the text depends on.

    icalendar takes ~0.4 ms an event, and a feed is asked for again and again with nearly
    all of its events unchanged: after one change only the changed event is made again.
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
