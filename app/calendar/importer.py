"""Reading a received invitation (.ics) so a meeting can be logged, updated, cancelled or
answered from it. Pure: bytes in, plain data out, no Flask or database.

Accepts what Outlook, Exchange, Google, Thunderbird and Apple send: CRLF or LF, folded lines,
with or without a UTF-8 BOM (or in Windows-1252), times in IANA zones, in Windows zone names
("W. Europe Standard Time", resolved through the file's VTIMEZONE or icalendar's
Windows→IANA table), in UTC or floating (Google's X-WR-TIMEZONE, else Stockholm time).
Everything else is refused with a reason (see `InvalidInvite`), never an exception of
another kind: the view turns the reason into a Swedish message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar import Calendar
from icalendar.prop import vDDDTypes

STOCKHOLM = ZoneInfo("Europe/Stockholm")
UTC = ZoneInfo("UTC")
#: Larger files are refused before parsing.
MAX_BYTES = 1_000_000
#: Years outside this range are typing errors (or tests of the parser), not meetings.
FIRST_YEAR, LAST_YEAR = 1900, 2200
#: Answers an attendee can give in a REPLY (PARTSTAT).
ANSWERS = ("ACCEPTED", "DECLINED", "TENTATIVE", "DELEGATED", "NEEDS-ACTION")

#: Properties in which Outlook and Google put the online meeting's address.
LINK_PROPERTIES = ("X-MICROSOFT-SKYPETEAMSMEETINGURL", "X-GOOGLE-CONFERENCE", "X-ZOOM-URL")
MEETING_LINK = re.compile(
    r"https://(?:teams\.microsoft\.com|teams\.live\.com|[\w.-]*zoom\.us|meet\.google\.com"
    r"|[\w.-]*webex\.com|[\w.-]*skype\.com)/[^\s<>\"')\]]+",
    re.IGNORECASE,
)


class InvalidInvite(ValueError):
    """The file cannot be used; `reason` says why (see intake.REASONS), `detail` names the
    property or the number involved."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class Attendee:
    email: str
    name: str = ""
    #: PARTSTAT as written (upper case), "" when absent.
    answer: str = ""


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
    #: METHOD of the calendar object (REQUEST, CANCEL, REPLY, PUBLISH; "" when absent).
    method: str = ""
    #: The organizer's SEQUENCE (0 when absent or unreadable).
    sequence: int = 0
    #: One occurrence of a series: its RECURRENCE-ID in UTC ("20260715T080000Z") or as a
    #: date ("20260715"); "" for a single event or a whole series.
    recurrence_id: str = ""
    #: The event repeats (RRULE or RDATE): see calendar/series.py.
    recurring: bool = False
    #: When the organizer (or, for a REPLY, the attendee) wrote the file (DTSTAMP), UTC.
    stamp: datetime | None = None
    #: Things the user should check ("cp1252": the file was not UTF-8).
    warnings: list[str] = field(default_factory=list)
    #: The parsed file, for expanding a series.
    calendar: Calendar | None = field(default=None, repr=False, compare=False)

    @property
    def people(self) -> list[Attendee]:
        """Organizer and attendees, each address once."""
        seen: dict[str, Attendee] = {}
        for person in [self.organizer, *self.attendees]:
            if person is not None:
                seen.setdefault(person.email.lower(), person)
        return list(seen.values())

    @property
    def organizer_email(self) -> str:
        return self.organizer.email.lower() if self.organizer else ""


def _text(value: object) -> str:
    if isinstance(value, list):
        value = value[0] if value else ""
    return str(value or "").strip()


def _person(value: object) -> Attendee | None:
    address = _text(value)
    if address.lower().startswith("mailto:"):
        address = address[7:]
    address = address.strip()
    if "@" not in address or len(address) > 254 or any(c.isspace() for c in address):
        return None
    params = getattr(value, "params", {}) or {}
    name = _text(params.get("CN", ""))[:120]
    if name.lower() == address.lower():
        name = ""  # Google repeats the address as the name
    return Attendee(email=address, name=name, answer=_text(params.get("PARTSTAT", "")).upper())


def _moment(value: date | datetime, zone: ZoneInfo) -> datetime:
    if isinstance(value, datetime):
        if value.tzinfo is None:  # floating time: the calendar's zone, else the team's own
            value = value.replace(tzinfo=zone)
        return value.astimezone(UTC)
    return datetime.combine(value, time(0), STOCKHOLM).astimezone(UTC)


def _when(event, name: str) -> date | datetime | None:
    """DTSTART/DTEND/RECURRENCE-ID as a date or datetime; InvalidInvite when it is written
    twice or cannot be read (month 13, text, an impossible year)."""
    if name not in event:
        return None
    prop = event[name]
    if isinstance(prop, list):
        raise InvalidInvite("twice", name)
    if not isinstance(prop, vDDDTypes):
        raise InvalidInvite("bad-date", name)
    value = prop.dt
    if not isinstance(value, date) or isinstance(value, time):
        raise InvalidInvite("bad-date", name)
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise InvalidInvite("bad-year", name)
    return value


def _recurrence_key(value: date | datetime, zone: ZoneInfo) -> str:
    if isinstance(value, datetime):
        return _moment(value, zone).strftime("%Y%m%dT%H%M%SZ")
    return value.strftime("%Y%m%d")


def _decode(data: bytes) -> tuple[bytes, list[str]]:
    """UTF-8 as is; Windows-1252 (older Outlook) re-encoded with a warning; other bytes
    refused."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            return data.decode("cp1252").encode("utf-8"), ["cp1252"]
        except UnicodeDecodeError as error:
            raise InvalidInvite("bad-bytes") from error
    return data, []


def _the_event(calendar: Calendar):
    """The one event the file is about: the series master (or single event), else the
    single occurrence it carries."""
    events = calendar.walk("VEVENT")
    if not events:
        raise InvalidInvite("no-event")
    uids = {_text(e.get("UID")) for e in events}
    masters = [e for e in events if "RECURRENCE-ID" not in e]
    if len(uids) > 1 or len(masters) > 1:
        published = _text(calendar.get("METHOD")).upper() in ("PUBLISH", "")
        raise InvalidInvite(
            "several-published" if published else "several-events", str(len(events))
        )
    return masters[0] if masters else events[0]


def _zone(calendar: Calendar) -> ZoneInfo:
    """Google names the calendar's zone in X-WR-TIMEZONE; floating times are in it."""
    name = _text(calendar.get("X-WR-TIMEZONE"))
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return STOCKHOLM


def _sequence(event) -> int:
    try:
        return max(0, min(int(_text(event.get("SEQUENCE")) or 0), 2**31 - 1))
    except ValueError:
        return 0


def read_calendar(data: bytes) -> tuple[Calendar, list[str]]:
    """The file as a calendar (and the warnings its bytes gave), or InvalidInvite."""
    if len(data) > MAX_BYTES:
        raise InvalidInvite("too-large")
    data = data.removeprefix(b"\xef\xbb\xbf").lstrip()
    if not data[:15].upper().startswith(b"BEGIN:VCALENDAR"):
        raise InvalidInvite("not-calendar")
    data, warnings = _decode(data)
    try:
        calendar = Calendar.from_ical(data)
    except Exception as error:  # icalendar raises many kinds on broken input
        raise InvalidInvite("not-calendar") from error
    if isinstance(calendar, list):
        calendar = calendar[0]
    return calendar, warnings


def _guarded(calendar: Calendar, event, warnings: list[str]) -> Invite:
    try:
        invite = _invite(calendar, event)
        invite.warnings = warnings
        return invite
    except InvalidInvite:
        raise
    except Exception as error:  # a file the checks above let through and icalendar chokes on
        raise InvalidInvite("not-calendar") from error


def parse_invite(data: bytes) -> Invite:
    """The invitation's single event, or InvalidInvite with a reason."""
    calendar, warnings = read_calendar(data)
    try:
        event = _the_event(calendar)
    except InvalidInvite:
        raise
    except Exception as error:
        raise InvalidInvite("not-calendar") from error
    return _guarded(calendar, event, warnings)


def parse_events(data: bytes, *, limit: int) -> tuple[list[Invite | InvalidInvite], int]:
    """Every event of a file with several (an exported calendar): the first `limit` read one
    by one (each an Invite, or the InvalidInvite saying what is wrong with it), and how many
    events the file holds."""
    calendar, warnings = read_calendar(data)
    try:
        events = calendar.walk("VEVENT")
    except Exception as error:
        raise InvalidInvite("not-calendar") from error
    found: list[Invite | InvalidInvite] = []
    for event in events[:limit]:
        try:
            found.append(_guarded(calendar, event, warnings))
        except InvalidInvite as error:
            found.append(error)
    return found, len(events)


def _invite(calendar: Calendar, event) -> Invite:
    zone = _zone(calendar)
    start_value = _when(event, "DTSTART")
    if start_value is None:
        raise InvalidInvite("no-start")
    all_day = not isinstance(start_value, datetime)
    end_value = _when(event, "DTEND")
    if end_value is None and "DURATION" in event:
        duration = event["DURATION"].dt if isinstance(event["DURATION"], vDDDTypes) else None
        if not isinstance(duration, timedelta):
            raise InvalidInvite("bad-date", "DURATION")
        end_value = start_value + duration
    if end_value is None:
        end_value = start_value + (timedelta(days=1) if all_day else timedelta(hours=1))
    starts_at, ends_at = _moment(start_value, zone), _moment(end_value, zone)
    if ends_at < starts_at:
        raise InvalidInvite("end-before-start")
    if ends_at == starts_at:  # a reminder-like event: give it the usual length
        ends_at = starts_at + (timedelta(days=1) if all_day else timedelta(hours=1))
    recurrence = _when(event, "RECURRENCE-ID")

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
    stamp = event.get("DTSTAMP")
    stamp_value = getattr(stamp, "dt", None) if isinstance(stamp, vDDDTypes) else None
    return Invite(
        uid=_text(event.get("UID"))[:255],
        title=_text(event.get("SUMMARY"))[:200],
        starts_at=starts_at,
        ends_at=ends_at,
        all_day=all_day,
        place=location[:300],
        online_link=link[:1000],
        description=description,
        organizer=_person(event.get("ORGANIZER")) if event.get("ORGANIZER") else None,
        attendees=attendees,
        method=_text(calendar.get("METHOD")).upper()[:20],
        sequence=_sequence(event),
        recurrence_id=_recurrence_key(recurrence, zone) if recurrence is not None else "",
        recurring=recurrence is None and ("RRULE" in event or "RDATE" in event),
        stamp=_moment(stamp_value, UTC)
        if isinstance(stamp_value, datetime) and FIRST_YEAR <= stamp_value.year <= LAST_YEAR
        else None,
        calendar=calendar,
    )
