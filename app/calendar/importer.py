"""Reading a received invitation (.ics) so a meeting can be logged from it. Pure: bytes in,
plain data out, no Flask or database.

Accepts what Outlook, Exchange and Google send: CRLF or LF, with or without a UTF-8 BOM,
times in IANA zones, in Windows zone names ("W. Europe Standard Time", resolved through the
file's VTIMEZONE or the Windows→IANA table), in UTC or floating (taken as Stockholm time).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar

STOCKHOLM = ZoneInfo("Europe/Stockholm")
UTC = ZoneInfo("UTC")
#: Larger files are refused before parsing.
MAX_BYTES = 1_000_000

#: Properties in which Outlook and Google put the online meeting's address.
LINK_PROPERTIES = ("X-MICROSOFT-SKYPETEAMSMEETINGURL", "X-GOOGLE-CONFERENCE", "X-ZOOM-URL")
MEETING_LINK = re.compile(
    r"https://(?:teams\.microsoft\.com|teams\.live\.com|[\w.-]*zoom\.us|meet\.google\.com"
    r"|[\w.-]*webex\.com|[\w.-]*skype\.com)/[^\s<>\"')\]]+",
    re.IGNORECASE,
)


class InvalidInvite(ValueError):
    """The file cannot be used; `reason` says why (see REASONS)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Attendee:
    email: str
    name: str = ""


@dataclass
class Invite:
    uid: str
    title: str
    starts_at: datetime  # UTC
    ends_at: datetime  # UTC; all-day: local midnight after the last day
    all_day: bool
    place: str = ""
    online_link: str = ""
    description: str = ""
    organizer: Attendee | None = None
    attendees: list[Attendee] = field(default_factory=list)

    @property
    def people(self) -> list[Attendee]:
        """Organizer and attendees, each address once."""
        seen: dict[str, Attendee] = {}
        for person in [self.organizer, *self.attendees]:
            if person is not None:
                seen.setdefault(person.email.lower(), person)
        return list(seen.values())


def _text(value: object) -> str:
    return str(value or "").strip()


def _person(value: object) -> Attendee | None:
    address = _text(value)
    if address.lower().startswith("mailto:"):
        address = address[7:]
    if "@" not in address:
        return None
    name = _text(getattr(value, "params", {}).get("CN", ""))
    if name.lower() == address.lower():
        name = ""  # Google repeats the address as the name
    return Attendee(email=address, name=name)


def _moment(value: date | datetime) -> datetime:
    if isinstance(value, datetime):
        if value.tzinfo is None:  # floating time: the team's own zone
            value = value.replace(tzinfo=STOCKHOLM)
        return value.astimezone(UTC)
    return datetime.combine(value, time(0), STOCKHOLM).astimezone(UTC)


def _the_event(calendar: Calendar):
    events = calendar.walk("VEVENT")
    if not events:
        raise InvalidInvite("no-event")
    masters = [e for e in events if "RECURRENCE-ID" not in e]
    if len({_text(e.get("UID")) for e in events}) > 1 or len(masters) > 1:
        raise InvalidInvite("several-events")
    return masters[0] if masters else events[0]


def parse_invite(data: bytes) -> Invite:
    """The invitation's single event; InvalidInvite("too-large" | "not-calendar" |
    "no-event" | "several-events" | "no-start")."""
    if len(data) > MAX_BYTES:
        raise InvalidInvite("too-large")
    data = data.removeprefix(b"\xef\xbb\xbf").lstrip()
    if not data[:15].upper().startswith(b"BEGIN:VCALENDAR"):
        raise InvalidInvite("not-calendar")
    try:
        calendar = Calendar.from_ical(data)
        event = _the_event(calendar)
        start_value = event.decoded("DTSTART") if "DTSTART" in event else None
        if start_value is None:
            raise InvalidInvite("no-start")
        all_day = not isinstance(start_value, datetime)
        if "DTEND" in event:
            end_value = event.decoded("DTEND")
        elif "DURATION" in event:
            end_value = start_value + event.decoded("DURATION")
        else:
            end_value = start_value + (timedelta(days=1) if all_day else timedelta(hours=1))
    except InvalidInvite:
        raise
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise InvalidInvite("not-calendar") from error
    starts_at, ends_at = _moment(start_value), _moment(end_value)
    if ends_at <= starts_at:
        ends_at = starts_at + (timedelta(days=1) if all_day else timedelta(hours=1))

    description = _text(event.get("DESCRIPTION"))
    location = _text(event.get("LOCATION"))
    link = next((_text(event.get(name)) for name in LINK_PROPERTIES if event.get(name)), "")
    if not link:
        found = MEETING_LINK.search(f"{location}\n{description}")
        link = found.group(0) if found else ""
    if location == link:
        location = ""
    raw_attendees = event.get("ATTENDEE") or []
    if not isinstance(raw_attendees, list):
        raw_attendees = [raw_attendees]
    attendees = [p for p in (_person(a) for a in raw_attendees) if p is not None]
    return Invite(
        uid=_text(event.get("UID")),
        title=_text(event.get("SUMMARY"))[:200],
        starts_at=starts_at,
        ends_at=ends_at,
        all_day=all_day,
        place=location[:300],
        online_link=link[:1000],
        description=description,
        organizer=_person(event.get("ORGANIZER")) if event.get("ORGANIZER") else None,
        attendees=attendees,
    )
