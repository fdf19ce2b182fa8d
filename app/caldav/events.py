"""Calendar object resources, pure (no Flask, no ORM): the text stored on the server for a
meeting, and what a server's version of it says about time, place and status.

The event itself is the team feed's (`calendar.ics.event_text`), so subscribers and the
CalDAV calendar see the same VEVENT; only the wrapping differs: a resource in a calendar
collection carries no METHOD (RFC 4791, 4.1) and one VTIMEZONE for its TZID.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar

from app.calendar.ics import PRODID, stockholm_timezone
from app.common.time import STOCKHOLM

UTC = ZoneInfo("UTC")


def resource_text(event_text: bytes) -> bytes:
    """One VEVENT (as the feed writes it) as a calendar object resource."""
    head = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:"
        + PRODID.encode()
        + b"\r\nCALSCALE:GREGORIAN\r\n"
    )
    return head + stockholm_timezone().to_ical() + event_text + b"END:VCALENDAR\r\n"


def content_hash(text: bytes) -> str:
    """What is compared to decide whether an event must be sent again."""
    return hashlib.sha256(text).hexdigest()


@dataclass(frozen=True)
class ServerEvent:
    """What Samverkan reads back from the server's copy of a meeting."""

    uid: str
    starts_at: datetime
    ends_at: datetime
    all_day: bool
    location: str
    cancelled: bool


class UnreadableEvent(ValueError):
    """The server's copy has no VEVENT or no usable start."""


def _moment(value: date | datetime) -> datetime:
    """A DATE-TIME as an aware UTC moment (floating times are Stockholm's); a DATE as
    Stockholm midnight."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=STOCKHOLM)
        return value.astimezone(UTC)
    return datetime.combine(value, time(0), tzinfo=STOCKHOLM).astimezone(UTC)


def read_event(text: str | bytes) -> ServerEvent:
    """The first VEVENT of a calendar object resource (a series' master if there is one)."""
    try:
        calendar = Calendar.from_ical(text)
    except ValueError as error:
        raise UnreadableEvent(str(error)) from None
    events = [c for c in calendar.walk("VEVENT") if "RECURRENCE-ID" not in c]
    events = events or list(calendar.walk("VEVENT"))
    if not events:
        raise UnreadableEvent("no VEVENT")
    event = events[0]
    start = event.get("DTSTART")
    if start is None:
        raise UnreadableEvent("no DTSTART")
    starts = start.dt
    all_day = not isinstance(starts, datetime)
    end = event.get("DTEND")
    if end is not None:
        ends = _moment(end.dt)
    elif event.get("DURATION") is not None:
        ends = _moment(starts) + event.decoded("DURATION")
    elif all_day:
        ends = _moment(starts + timedelta(days=1))  # RFC 5545: a DATE start lasts one day
    else:
        ends = _moment(starts)
    return ServerEvent(
        uid=str(event.get("UID", "")),
        starts_at=_moment(starts),
        ends_at=ends,
        all_day=all_day,
        location=str(event.get("LOCATION", "")).strip(),
        cancelled=str(event.get("STATUS", "")).upper() == "CANCELLED",
    )
