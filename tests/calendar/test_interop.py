"""Interoperability of the calendar files: every file app/calendar/ics.py makes is read by
independent parsers (icalendar, vobject, recurring-ical-events and Mozilla's ICAL.js through
node), and all of them must agree with zoneinfo on each event's UTC start and end and on its
texts, UID, SEQUENCE and STATUS. The raw bytes are checked too: CRLF, folding at 75 octets without
splitting UTF-8 characters, TZID=Europe/Stockholm and the two-rule VTIMEZONE.

"icalendar" resolves TZID=Europe/Stockholm with its own zoneinfo; "icalendar-vtimezone"
re-reads the same wall-clock times through the VTIMEZONE written in the file, as vobject and
ICAL.js do, so the file's time zone rules are checked against zoneinfo by three readers.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import unquote
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events
import vobject
from flask import url_for
from sqlalchemy import select

from app.auth.models import User
from app.calendar.ics import CalendarEvent, Person, feed, invite
from app.calendar.services import meeting_description
from app.contacts.services import ContactValues, create_contact
from app.extensions import db
from app.meetings.models import Meeting, MeetingKind, MeetingStatus
from app.meetings.services import MeetingValues, cancel_meeting, schedule_meeting, update_meeting
from app.organisations.models import Organisation
from tests.factories import make_user

STOCKHOLM = ZoneInfo("Europe/Stockholm")
HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
ICALJS_SCRIPT = HERE / "icaljs_parse.mjs"
ICALJS_PACKAGE = ROOT / "node_modules" / "ical.js" / "package.json"

PARSERS = ["icalendar", "icalendar-vtimezone", "vobject", "recurring-ical-events", "ical.js"]

STAMP = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
ORGANIZER = Person("Åsa Lind", "asa.lind@malmo.se")
ATTENDEES = [Person("Bo Ek", "bo.ek@example.se"), Person("Örjan Öberg", "orjan@example.se")]


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def one_line(text: str) -> str:
    return " ".join(text.split())


def text_as_read(text: str) -> str:
    """iCalendar TEXT has only LF line breaks (escaped as \\n): CR LF and a lone CR come back
    as LF. Everything else must come back exactly."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def rfc6868_decode(value: str) -> str:
    """Parameter values cannot hold DQUOTE; RFC 6868 writes it ^' (and ^n, ^^). icalendar
    and ICAL.js decode this; vobject 0.9.9 does not, so its values are decoded here."""
    return re.sub(r"\^(['n^])", lambda m: {"'": '"', "n": "\n", "^": "^"}[m.group(1)], value)


# The parsers ------------------------------------------------------------------------------


@dataclass
class Parsed:
    method: str | None
    calendar: dict[str, str | None]
    events: list[dict[str, Any]]


CALENDAR_PROPERTIES = (
    "name",
    "x-wr-calname",
    "x-wr-caldesc",
    "refresh-interval",
    "x-published-ttl",
)


def _record(
    *,
    uid: Any,
    sequence: Any,
    summary: Any,
    location: Any,
    description: Any,
    status: Any,
    start: date,
    end: date,
    organizer: tuple | None,
    attendees: list[tuple],
) -> dict[str, Any]:
    return {
        "uid": str(uid),
        "sequence": int(sequence) if sequence is not None else None,
        "summary": str(summary) if summary is not None else "",
        "location": str(location) if location is not None else "",
        "description": str(description) if description is not None else "",
        "status": str(status) if status is not None else None,
        "all_day": not isinstance(start, datetime),
        "start": start.astimezone(UTC) if isinstance(start, datetime) else start,
        "end": end.astimezone(UTC) if isinstance(end, datetime) else end,
        "organizer": organizer,
        "attendees": sorted(attendees),
    }


def parse_icalendar(data: bytes, *, own_vtimezone: bool = False) -> Parsed:
    """icalendar.Calendar.from_ical; with `own_vtimezone`, TZID wall-clock times are read
    through the VTIMEZONE in the file instead of icalendar's zoneinfo."""
    calendar = icalendar.Calendar.from_ical(data)
    zones = {
        str(zone["TZID"]): zone.to_tz(lookup_tzid=False) for zone in calendar.walk("VTIMEZONE")
    }

    def moment(prop: Any) -> date:
        value = prop.dt
        if own_vtimezone and isinstance(value, datetime) and "TZID" in prop.params:
            return value.replace(tzinfo=zones[prop.params["TZID"]])
        return value

    def person(address: Any) -> tuple:
        params = address.params
        return (str(address), params.get("CN"), params.get("ROLE"), params.get("PARTSTAT"),
                params.get("RSVP"))  # fmt: skip

    events = []
    for event in calendar.walk("VEVENT"):
        attendees = event.get("ATTENDEE", [])
        attendees = attendees if isinstance(attendees, list) else [attendees]
        organizer = event.get("ORGANIZER")
        events.append(
            _record(
                uid=event.get("UID"),
                sequence=event.get("SEQUENCE"),
                summary=event.get("SUMMARY"),
                location=event.get("LOCATION"),
                description=event.get("DESCRIPTION"),
                status=event.get("STATUS"),
                start=moment(event["DTSTART"]),
                end=moment(event["DTEND"]),
                organizer=person(organizer)[:2] if organizer is not None else None,
                attendees=[person(a) for a in attendees],
            )
        )

    def text(name: str) -> str | None:
        value = calendar.get(name.upper())
        if value is None:
            return None
        return str(value) if isinstance(value, str) else value.to_ical().decode()

    return Parsed(
        method=text("method"),
        calendar={name: text(name) for name in CALENDAR_PROPERTIES},
        events=events,
    )


def parse_recurring_ical_events(data: bytes) -> Parsed:
    """The occurrences recurring-ical-events finds (what many Python calendar tools and
    Home Assistant-style integrations show), in the file's order, read like icalendar's."""
    calendar = icalendar.Calendar.from_ical(data)
    occurrences = recurring_ical_events.of(calendar).between(date(1990, 1, 1), date(2100, 1, 1))
    order = {str(e["UID"]): n for n, e in enumerate(calendar.walk("VEVENT"))}
    assert len(occurrences) == len(order), "one occurrence per event"
    rebuilt = icalendar.Calendar()
    for name in ("METHOD", *(n.upper() for n in CALENDAR_PROPERTIES)):
        if name in calendar:
            rebuilt[name] = calendar[name]
    for occurrence in sorted(occurrences, key=lambda e: order[str(e["UID"])]):
        rebuilt.add_component(occurrence)
    return parse_icalendar(rebuilt.to_ical())


def parse_vobject(data: bytes) -> Parsed:
    calendar = vobject.readOne(data.decode("utf-8"))

    def first(component: Any, name: str) -> Any:
        lines = component.contents.get(name)
        return lines[0].value if lines else None

    def param(line: Any, name: str) -> str | None:
        values = line.params.get(name)
        return rfc6868_decode(values[0]) if values else None

    def person(line: Any) -> tuple:
        return (line.value, param(line, "CN"), param(line, "ROLE"), param(line, "PARTSTAT"),
                param(line, "RSVP"))  # fmt: skip

    events = []
    for event in calendar.contents.get("vevent", []):
        organizer = event.contents.get("organizer")
        events.append(
            _record(
                uid=first(event, "uid"),
                sequence=first(event, "sequence"),
                summary=first(event, "summary"),
                location=first(event, "location"),
                description=first(event, "description"),
                status=first(event, "status"),
                start=first(event, "dtstart"),
                end=first(event, "dtend"),
                organizer=person(organizer[0])[:2] if organizer else None,
                attendees=[person(line) for line in event.contents.get("attendee", [])],
            )
        )
    return Parsed(
        method=first(calendar, "method"),
        calendar={name: first(calendar, name) for name in CALENDAR_PROPERTIES},
        events=events,
    )


def require_icaljs() -> str:
    node = shutil.which("node")
    if node is None or not ICALJS_PACKAGE.exists():
        pytest.skip(
            "!!! ICAL.js NOT CHECKED: needs `node` on PATH and node_modules/ical.js "
            "(npm install ical.js) — this interoperability check did NOT run !!!"
        )
    return node


def run_icaljs(data: bytes) -> dict[str, Any]:
    """Run tests/calendar/icaljs_parse.mjs on `data` (one node process per file)."""
    node = require_icaljs()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "calendar.ics"
        path.write_bytes(data)
        result = subprocess.run(
            [node, str(ICALJS_SCRIPT), str(path)],
            capture_output=True,
            timeout=120,
            check=False,
            cwd=ROOT,
        )
    if result.returncode != 0:
        pytest.fail(f"ICAL.js could not parse the file:\n{result.stderr.decode()}")
    return json.loads(result.stdout)


def parse_icaljs(data: bytes) -> Parsed:
    output = run_icaljs(data)

    def person(item: dict[str, Any]) -> tuple:
        return (item["value"], item["cn"], item["role"], item["partstat"], item["rsvp"])

    events = []
    for item in output["events"]:
        if item["all_day"]:
            start, end = (
                date.fromisoformat(item["start_date"]),
                date.fromisoformat(item["end_date"]),
            )
        else:
            # Stockholm time; UTC only for a time in the hour the autumn change repeats.
            assert item["start_tzid"] in ("Europe/Stockholm", "UTC"), item
            start = datetime.fromisoformat(item["start_utc"])
            end = datetime.fromisoformat(item["end_utc"])
        events.append(
            _record(
                uid=item["uid"],
                sequence=item["sequence"],
                summary=item["summary"],
                location=item["location"],
                description=item["description"],
                status=item["status"],
                start=start,
                end=end,
                organizer=person(item["organizer"])[:2] if item["organizer"] else None,
                attendees=[person(a) for a in item["attendees"]],
            )
        )
    for zone in output["timezones"]:
        assert zone["rdates"] == 0 and len(zone["rrules"]) == 2, zone
    return Parsed(
        method=output["method"],
        calendar={name: output["calendar"][name] for name in CALENDAR_PROPERTIES},
        events=events,
    )


def parse(data: bytes, parser: str) -> Parsed:
    if parser == "icalendar":
        return parse_icalendar(data)
    if parser == "icalendar-vtimezone":
        return parse_icalendar(data, own_vtimezone=True)
    if parser == "vobject":
        return parse_vobject(data)
    if parser == "recurring-ical-events":
        return parse_recurring_ical_events(data)
    assert parser == "ical.js"
    return parse_icaljs(data)


# What every parser must read --------------------------------------------------------------


def expected(item: CalendarEvent, *, with_people: bool, published: bool = False) -> dict[str, Any]:
    """The event as zoneinfo and the product's data say it is. A feed (`published`) leaves
    out the defaults SEQUENCE:0 and STATUS:CONFIRMED (app/calendar/vevent.py)."""
    if item.all_day:
        start: date = item.starts_at.astimezone(STOCKHOLM).date()
        end: date = item.ends_at.astimezone(STOCKHOLM).date()
    else:
        start, end = item.starts_at.astimezone(UTC), item.ends_at.astimezone(UTC)
    organizer = None
    attendees: list[tuple] = []
    if with_people:
        if item.organizer is not None:
            organizer = (f"mailto:{item.organizer.email}", one_line(item.organizer.name))
        attendees = [
            (f"mailto:{p.email}", one_line(p.name), "REQ-PARTICIPANT", "NEEDS-ACTION", "TRUE")
            for p in item.attendees
        ]
    return {
        "uid": item.uid,
        "sequence": (item.sequence or None) if published else item.sequence,
        "summary": text_as_read(item.summary),
        "location": text_as_read(item.location),
        "description": text_as_read(item.description),
        "status": "CANCELLED" if item.cancelled else (None if published else "CONFIRMED"),
        "all_day": item.all_day,
        "start": start,
        "end": end,
        "organizer": organizer,
        "attendees": sorted(attendees),
    }


def assert_reads_as(record: dict[str, Any], want: dict[str, Any]) -> None:
    times = ("start", "end")
    assert {k: v for k, v in record.items() if k not in times} == {
        k: v for k, v in want.items() if k not in times
    }
    got_times, want_times = [record[k] for k in times], [want[k] for k in times]
    assert got_times == want_times


# The raw bytes ----------------------------------------------------------------------------


def content_lines(data: bytes) -> list[str]:
    """The unfolded content lines, after checking CRLF and folding on the bytes."""
    assert data.endswith(b"\r\n")
    physical = data.split(b"\r\n")
    assert physical.pop() == b""
    lines: list[str] = []
    for number, line in enumerate(physical, 1):
        assert b"\n" not in line and b"\r" not in line, f"bare CR or LF in line {number}: {line!r}"
        assert len(line) <= 75, f"line {number} has {len(line)} octets: {line!r}"
        try:
            text = line.decode("utf-8")  # a character split by folding does not decode
        except UnicodeDecodeError as error:
            pytest.fail(f"line {number} splits a UTF-8 character: {line!r} ({error})")
        if text[:1] in (" ", "\t"):
            assert lines, "the file starts with a continuation line"
            lines[-1] += text[1:]
        else:
            lines.append(text)
    return lines


def components(lines: list[str], name: str) -> list[list[str]]:
    found: list[list[str]] = []
    current: list[str] | None = None
    for line in lines:
        if line == f"BEGIN:{name}":
            current = []
        elif line == f"END:{name}":
            assert current is not None
            found.append(current)
            current = None
        elif current is not None:
            current.append(line)
    return found


def assert_well_formed(data: bytes) -> list[str]:
    """CRLF, folding, one VCALENDAR, a two-rule VTIMEZONE; returns the content lines."""
    lines = content_lines(data)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert "VERSION:2.0" in lines and any(line.startswith("PRODID:") for line in lines)
    zones = components(lines, "VTIMEZONE")
    assert len(zones) <= 1
    for zone in zones:
        assert "TZID:Europe/Stockholm" in zone
        assert sum(line.startswith("RRULE") for line in zone) == 2, zone
        assert not any(line.startswith("RDATE") for line in zone), zone
    events = components(lines, "VEVENT")
    timed = [e for e in events if any(line.startswith("DTSTART;TZID=") for line in e)]
    if timed:
        assert len(zones) == 1, "timed events need the VTIMEZONE"
    for event in events:
        start = [line for line in event if line.startswith("DTSTART")]
        end = [line for line in event if line.startswith("DTEND")]
        assert len(start) == 1 and len(end) == 1, event
        for line in start + end:
            assert re.fullmatch(
                r"DT(START|END)(;TZID=Europe/Stockholm:\d{8}T\d{6}|;VALUE=DATE:\d{8}|:\d{8}T\d{6}Z)",
                line,
            ), line
        assert sum(line.startswith("DTSTAMP:") and line.endswith("Z") for line in event) == 1
    return lines


def rfc5545_instant(line: str) -> datetime | date:
    """What a DTSTART/DTEND line means by RFC 5545 3.3.5 itself: a Stockholm wall-clock time
    that occurs twice is the first occurrence, one in the spring gap uses the offset before
    the gap — zoneinfo's fold=0, exactly."""
    value = line.rsplit(":", 1)[1]
    if ";VALUE=DATE:" in line:
        return datetime.strptime(value, "%Y%m%d").date()
    if value.endswith("Z"):
        return datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    return datetime.strptime(value, "%Y%m%dT%H%M%S").replace(tzinfo=STOCKHOLM).astimezone(UTC)


def event_times(event_lines: list[str]) -> tuple[str, str]:
    start = next(line for line in event_lines if line.startswith("DTSTART"))
    end = next(line for line in event_lines if line.startswith("DTEND"))
    return start, end


# Single invitations -----------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    id: str
    event: CalendarEvent
    #: The wall-clock values written: ("20260115T100000", ...) or DATEs ("20260329", ...).
    written: tuple[str, str]
    method: str = "REQUEST"


def make_event(uid: str, starts_at: datetime, ends_at: datetime, **fields: Any) -> CalendarEvent:
    return CalendarEvent(
        uid=f"{uid}@samverkan.test",
        sequence=fields.pop("sequence", 0),
        summary=fields.pop("summary", "Dialog med socialtjänsten"),
        starts_at=starts_at,
        ends_at=ends_at,
        stamp=STAMP,
        organizer=fields.pop("organizer", ORGANIZER),
        attendees=fields.pop("attendees", ATTENDEES),
        **fields,
    )


def timed(name: str, start: datetime, end: datetime, written: tuple[str, str], **kw: Any) -> Case:
    method = kw.pop("method", "REQUEST")
    return Case(name, make_event(name, start, end, **kw), written, method)


def all_day(name: str, start: datetime, end: datetime, written: tuple[str, str]) -> Case:
    return Case(name, make_event(name, start, end, all_day=True, location="Hela dagen"), written)


SUMMARY_TEXT = "Möte: Åsa, Örjan; Ärlig \\ snedstreck\nRad två ÅÄÖ åäö, ; \\n (inte radbrytning)"
LOCATION_TEXT = "Stadshuset, sal 3; Malmö\nIngång C:\\dörr 2, ÖSTRA; ÅÄÖ åäö"
LONG_DESCRIPTION = (
    "Återvandring, år 2026; ÅÄÖ åäö \\ € 😀 «citat» — tankstreck\nRad med ”citat” " * 60
)[:3000]
NAMES = [
    Person("Ek, Bo", "bo.ek@example.se"),
    Person('Örjan "Öje" Öberg', "orjan@example.se"),
    Person('Ärla; Ärtsson: "x", y\nz', "arla@example.se"),
    Person('Ångström, Ulla-Britt ("UB"), ÅÄÖ\\', "ub@example.se"),
]

CASES = [
    timed(
        "winter", utc(2026, 1, 15, 9), utc(2026, 1, 15, 10), ("20260115T100000", "20260115T110000")
    ),
    timed(
        "summer", utc(2026, 7, 1, 8), utc(2026, 7, 1, 9, 30), ("20260701T100000", "20260701T113000")
    ),
    timed(
        "spring-dst-day",
        utc(2026, 3, 29, 0, 30),
        utc(2026, 3, 29, 2),
        ("20260329T013000", "20260329T040000"),
    ),
    timed(
        "autumn-dst-day",
        utc(2026, 10, 24, 23, 30),
        utc(2026, 10, 25, 2, 30),
        ("20261025T013000", "20261025T033000"),
    ),
    timed(  # starts at the second 02:30 (CET) of the night the clocks go back: in UTC
        "autumn-repeated-hour-second-0230",
        utc(2026, 10, 25, 1, 30),
        utc(2026, 10, 25, 3),
        ("20261025T013000Z", "20261025T040000"),
    ),
    timed(  # the first 02:30 (CEST) to the second 02:15 (CET): both ambiguous, both in UTC
        "autumn-repeated-hour-first-0230",
        utc(2026, 10, 25, 0, 30),
        utc(2026, 10, 25, 1, 15),
        ("20261025T003000Z", "20261025T011500Z"),
    ),
    timed(
        "over-midnight",
        utc(2026, 2, 27, 21),
        utc(2026, 2, 28, 1),
        ("20260227T220000", "20260228T020000"),
    ),
    timed(
        "over-new-year",
        utc(2026, 12, 31, 22),
        utc(2027, 1, 1, 0, 15),
        ("20261231T230000", "20270101T011500"),
    ),
    all_day(
        "all-day-spring-dst", utc(2026, 3, 28, 23), utc(2026, 3, 29, 22), ("20260329", "20260330")
    ),
    all_day(
        "all-day-autumn-dst", utc(2026, 10, 24, 22), utc(2026, 10, 25, 23), ("20261025", "20261026")
    ),
    all_day("all-day-3-days", utc(2026, 5, 31, 22), utc(2026, 6, 3, 22), ("20260601", "20260604")),
    all_day(
        "all-day-3-days-over-autumn-change",
        utc(2026, 10, 23, 22),
        utc(2026, 10, 26, 23),
        ("20261024", "20261027"),
    ),
    timed(
        "texts",
        utc(2026, 4, 14, 11),
        utc(2026, 4, 14, 12),
        ("20260414T130000", "20260414T140000"),
        summary=SUMMARY_TEXT,
        location=LOCATION_TEXT,
        description=LONG_DESCRIPTION,
        organizer=Person('Lind, Åsa "Åsan"', "asa.lind@malmo.se"),
        attendees=NAMES,
    ),
    timed(
        "carriage-returns",
        utc(2026, 4, 15, 11),
        utc(2026, 4, 15, 12),
        ("20260415T130000", "20260415T140000"),
        summary="Rad 1\r\nRad 2",
        description="Från ett formulär:\r\n1. Välkommen\r\n2. Övrigt\rSlut",
    ),
    timed(
        "cancelled",
        utc(2026, 9, 8, 12),
        utc(2026, 9, 8, 13),
        ("20260908T140000", "20260908T150000"),
        method="CANCEL",
        cancelled=True,
        sequence=3,
    ),
]
CASE_IDS = [case.id for case in CASES]


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_the_cases_themselves_agree_with_zoneinfo(case: Case):
    item = case.event
    if item.all_day:
        first, after = (datetime.strptime(v, "%Y%m%d").date() for v in case.written)
        assert datetime.combine(first, time(), STOCKHOLM).astimezone(UTC) == item.starts_at
        assert datetime.combine(after, time(), STOCKHOLM).astimezone(UTC) == item.ends_at
    else:

        def written(moment: datetime) -> str:
            local = moment.astimezone(STOCKHOLM)
            if local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset():
                return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")  # repeated hour
            return local.strftime("%Y%m%dT%H%M%S")

        assert (written(item.starts_at), written(item.ends_at)) == case.written
    assert len(LONG_DESCRIPTION) == 3000


@pytest.mark.parametrize("parser", PARSERS)
@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_invitation_reads_the_same_in_every_parser(case: Case, parser: str):
    data = invite(case.event, method=case.method)
    parsed = parse(data, parser)
    assert parsed.method == case.method
    assert len(parsed.events) == 1
    assert_reads_as(parsed.events[0], expected(case.event, with_people=True))


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_invitation_bytes(case: Case):
    data = invite(case.event, method=case.method)
    lines = assert_well_formed(data)
    assert f"METHOD:{case.method}" in lines
    (event,) = components(lines, "VEVENT")
    start, end = event_times(event)
    if case.event.all_day:
        assert components(lines, "VTIMEZONE") == []  # nothing refers to one
        assert (start, end) == (
            f"DTSTART;VALUE=DATE:{case.written[0]}",
            f"DTEND;VALUE=DATE:{case.written[1]}",
        )
    else:

        def line(name: str, value: str) -> str:
            # Times in the repeated autumn hour are written in UTC; all others in Stockholm.
            return (
                f"{name}:{value}"
                if value.endswith("Z")
                else f"{name};TZID=Europe/Stockholm:{value}"
            )

        assert (start, end) == (line("DTSTART", case.written[0]), line("DTEND", case.written[1]))
    assert sum(line.startswith("ORGANIZER;CN=") for line in event) == 1
    assert sum(line.startswith("ATTENDEE;") for line in event) == len(case.event.attendees)
    assert f"STATUS:{'CANCELLED' if case.event.cancelled else 'CONFIRMED'}" in event
    want = expected(case.event, with_people=False)
    meant = [rfc5545_instant(start), rfc5545_instant(end)]
    assert meant == [want["start"], want["end"]]


@pytest.mark.parametrize("parser", PARSERS)
def test_rescheduling_and_cancelling_keep_the_uid_and_raise_the_sequence(parser: str):
    original = make_event("moved", utc(2026, 5, 4, 8), utc(2026, 5, 4, 9), location="Rum 1")
    moved = replace(
        original, sequence=1, starts_at=utc(2026, 5, 6, 12), ends_at=utc(2026, 5, 6, 13, 30)
    )
    cancelled = replace(moved, sequence=2, cancelled=True)
    files = [
        (invite(original, method="REQUEST"), "REQUEST", original),
        (invite(moved, method="REQUEST"), "REQUEST", moved),
        (invite(cancelled, method="CANCEL"), "CANCEL", cancelled),
    ]
    read = []
    for data, method, item in files:
        parsed = parse(data, parser)
        assert parsed.method == method
        (record,) = parsed.events
        assert_reads_as(record, expected(item, with_people=True))
        read.append(record)
    assert len({r["uid"] for r in read}) == 1
    assert read[0]["sequence"] < read[1]["sequence"] < read[2]["sequence"]
    assert [r["status"] for r in read] == ["CONFIRMED", "CONFIRMED", "CANCELLED"]
    assert read[1]["start"] == read[2]["start"] == utc(2026, 5, 6, 12)


# A subscription feed of 5,000 events ------------------------------------------------------

FEED_NAME = "Samverkan: Åsa Öberg"
FEED_DESCRIPTION = "Möten och uppföljningar i Samverkan"
FEED_SIZE = 5000


@dataclass
class Feed:
    items: list[CalendarEvent]
    data: bytes
    sample: list[int] = field(default_factory=list)


def is_dst_change_day(local: datetime) -> bool:
    midnight = datetime.combine(local.date(), time(), STOCKHOLM)
    return midnight.utcoffset() != (midnight + timedelta(days=1)).utcoffset()


@pytest.fixture(scope="module")
def big_feed() -> Feed:
    items: list[CalendarEvent] = []
    first = utc(2025, 11, 1, 7)
    for n in range(FEED_SIZE):
        starts_at = first + timedelta(hours=5 * n + n % 3, minutes=15 * (n % 4))
        length = timedelta(minutes=30 + 30 * (n % 5))
        fields: dict[str, Any] = {
            "sequence": n % 9,
            "summary": f"Möte {n}: Åäö, ÅÄÖ; \\ {n % 7}",
            "location": f"Stadshuset, rum {n % 40}; Malmö" if n % 4 else "",
            "description": f"Dagordning:\n{n}. Återkoppling, uppföljning; \\" if n % 2 else "",
            "cancelled": n % 17 == 0,
            "url": f"http://localhost/moten/{n}",
        }
        if n % 11 == 0:  # a follow-up's deadline, or an all-day meeting of 1–3 days
            day = starts_at.astimezone(STOCKHOLM).date()
            items.append(
                make_event(
                    f"feed-{n}",
                    datetime.combine(day, time(), STOCKHOLM).astimezone(UTC),
                    datetime.combine(day + timedelta(days=1 + n % 3), time(), STOCKHOLM).astimezone(
                        UTC
                    ),
                    all_day=True,
                    transparent=True,
                    categories=["Uppföljning"],
                    **fields,
                )
            )
        else:
            items.append(
                make_event(
                    f"feed-{n}",
                    starts_at,
                    starts_at + length,
                    **fields,
                )
            )
    # The hard cases go in too.
    special = list(range(2000, 2000 + len(CASES)))
    for index, case in zip(special, CASES, strict=True):
        items[index] = case.event
    data = feed(items, name=FEED_NAME, description=FEED_DESCRIPTION)
    changes = [
        n for n, item in enumerate(items) if is_dst_change_day(item.starts_at.astimezone(STOCKHOLM))
    ]
    assert len(changes) >= 10, "the feed should cross several changes of the clocks"
    sample = sorted({*range(0, FEED_SIZE, 97), FEED_SIZE - 1, *special, *changes})
    return Feed(items, data, sample)


@pytest.mark.parametrize("parser", PARSERS)
def test_feed_reads_the_same_in_every_parser(big_feed: Feed, parser: str):
    parsed = parse(big_feed.data, parser)
    assert parsed.method == "PUBLISH"
    assert len(parsed.events) == FEED_SIZE
    assert [e["uid"] for e in parsed.events] == [item.uid for item in big_feed.items]
    assert all(e["organizer"] is None and e["attendees"] == [] for e in parsed.events)
    for index in big_feed.sample:
        item = big_feed.items[index]
        assert_reads_as(parsed.events[index], expected(item, with_people=False, published=True))
    assert parsed.calendar["name"] == parsed.calendar["x-wr-calname"] == FEED_NAME
    assert parsed.calendar["x-wr-caldesc"] == FEED_DESCRIPTION
    assert parsed.calendar["refresh-interval"] == "PT1H"
    assert parsed.calendar["x-published-ttl"] == "PT1H"


def test_feed_bytes(big_feed: Feed):
    lines = assert_well_formed(big_feed.data)
    head = lines[: lines.index("BEGIN:VTIMEZONE")]
    assert "METHOD:PUBLISH" in head
    assert f"X-WR-CALNAME:{FEED_NAME}" in head and f"NAME:{FEED_NAME}" in head
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H" in head
    assert not any(line.startswith(("ATTENDEE", "ORGANIZER")) for line in lines)
    events = components(lines, "VEVENT")
    assert len(events) == FEED_SIZE
    for item, event in zip(big_feed.items, events, strict=True):
        start, end = event_times(event)
        want = expected(item, with_people=False)
        assert (rfc5545_instant(start), rfc5545_instant(end)) == (want["start"], want["end"]), item
        assert ("DTSTART;VALUE=DATE:" in start) is item.all_day
    assert [line for line in head if line.startswith("X-PUBLISHED-TTL")] == ["X-PUBLISHED-TTL:PT1H"]


# The real download ------------------------------------------------------------------------


def download(client: Any, url: str, method: str) -> tuple[bytes, str]:
    """GET a calendar file: checks its headers; returns the body and the (UTF-8) file name."""
    response = client.get(url)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"] == f"text/calendar; charset=utf-8; method={method}"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;"), disposition
    ascii_name = re.search(r'filename="([^"]+)"', disposition)
    utf8_name = re.search(r"filename\*=UTF-8''([^;\s]+)", disposition)
    assert ascii_name and utf8_name, disposition
    name = unquote(utf8_name.group(1))
    for file_name in (ascii_name.group(1), name):
        assert file_name.endswith(".ics") and len(file_name) > len(".ics")
        assert not re.search(r'[\x00-\x1f"/\\:*?<>|]', file_name), file_name
    assert ascii_name.group(1).isascii()
    return response.data, name


@pytest.mark.parametrize("parser", PARSERS)
def test_download_from_the_app(seeded, users, as_role, app, parser: str):
    if parser == "ical.js":
        require_icaljs()
    title = 'Samråd: "Vägen framåt" / del 2, ÅÄÖ'
    place = "Stadshuset, sal 3; ingång C\\D"
    with app.app_context():
        coordinator = db.session.scalar(select(User).filter_by(email=users["coordinator"]))
        colleague = make_user(name='Ek, Bo "Bosse"', email="bo.ek@samverkan.test")
        malmo = db.session.scalar(select(Organisation).filter_by(municipality_code="1280"))
        asa = create_contact(
            values=ContactValues(
                first_name='Åsa "Åsan"', last_name="Lind, Öberg", emails=["asa.lind@malmo.se"]
            ),
            organisation=malmo,
            by=None,
        )
        without_mail = create_contact(
            values=ContactValues(first_name="Utan", last_name="Adress"), organisation=malmo, by=None
        )
        values = MeetingValues(
            title=title,
            kind=MeetingKind.IN_PERSON,
            status=MeetingStatus.PLANNED,
            starts_at=utc(2026, 3, 29, 0, 30),  # 01:30–04:00 on the spring change
            ends_at=utc(2026, 3, 29, 2),
            all_day=False,
            responsible_id=coordinator.id,
            organisation_ids=[malmo.id],
            contact_ids=[asa.id, without_mail.id],
            team_ids=[coordinator.id, colleague.id],
            place=place,
            agenda="1. Välkommen\n2. Rutiner, ansvar; \\ uppföljning",
        )
        meeting = schedule_meeting(values=values, by=coordinator)
        db.session.commit()
        meeting_id, coordinator_id = meeting.id, coordinator.id
        organizer = (f"mailto:{coordinator.email}", coordinator.name)
        attendees = sorted(
            (f"mailto:{email}", one_line(name), "REQ-PARTICIPANT", "NEEDS-ACTION", "TRUE")
            for name, email in [
                (asa.full_name, asa.emails[0].address),
                (colleague.name, colleague.email),
                (coordinator.name, coordinator.email),  # the responsible is in the team
            ]
        )

    def want(**changes: Any) -> dict[str, Any]:
        with app.test_request_context():
            current = db.session.get(Meeting, meeting_id)
            url = url_for("meetings.detail", meeting_id=meeting_id, _external=True)
            description = meeting_description(current, url=url)
            assert "1. Välkommen\n2. Rutiner, ansvar; \\ uppföljning" in description
            assert url in description and "Malmö" in description
            base = {
                "uid": current.uid,
                "summary": title,
                "location": place,
                "description": description,
                "status": "CONFIRMED",
                "all_day": False,
                "start": utc(2026, 3, 29, 0, 30),
                "end": utc(2026, 3, 29, 2),
                "organizer": organizer,
                "attendees": attendees,
            }
        return {**base, **changes}

    def read(data: bytes, method: str) -> dict[str, Any]:
        assert_well_formed(data)
        parsed = parse(data, parser)
        assert parsed.method == method
        (record,) = parsed.events
        return record

    client = as_role("coordinator")
    url = f"/moten/{meeting_id}/inbjudan.ics"
    data, name = download(client, url, "REQUEST")
    assert name.startswith("2026-03-29 ") and "Samråd" in name and "Vägen framåt" in name
    lines = content_lines(data)
    assert "DTSTART;TZID=Europe/Stockholm:20260329T013000" in lines
    assert "DTEND;TZID=Europe/Stockholm:20260329T040000" in lines
    first = read(data, "REQUEST")
    assert_reads_as(first, {**want(), "sequence": first["sequence"]})

    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        update_meeting(
            meeting,
            values=replace(values, starts_at=utc(2026, 3, 30, 7), ends_at=utc(2026, 3, 30, 8, 30)),
            expected_version=meeting.version,
            by=db.session.get(User, coordinator_id),
        )
        db.session.commit()
    data, _name = download(client, url, "REQUEST")
    assert "DTSTART;TZID=Europe/Stockholm:20260330T090000" in content_lines(data)
    moved = read(data, "REQUEST")
    assert moved["uid"] == first["uid"] and moved["sequence"] > first["sequence"]
    moved_times = {"start": utc(2026, 3, 30, 7), "end": utc(2026, 3, 30, 8, 30)}
    assert_reads_as(moved, {**want(**moved_times), "sequence": moved["sequence"]})

    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        cancel_meeting(
            meeting, expected_version=meeting.version, by=db.session.get(User, coordinator_id)
        )
        db.session.commit()
    redirect = client.get(url)
    assert redirect.status_code == 302
    assert redirect.headers["Location"].endswith(f"/moten/{meeting_id}/avbokning.ics")
    data, name = download(client, f"/moten/{meeting_id}/avbokning.ics", "CANCEL")
    assert name.startswith("2026-03-30 ") and "inställt" in name
    cancelled = read(data, "CANCEL")
    assert cancelled["uid"] == first["uid"] and cancelled["sequence"] > moved["sequence"]
    assert cancelled["status"] == "CANCELLED"
    assert_reads_as(
        cancelled,
        {**want(**moved_times), "status": "CANCELLED", "sequence": cancelled["sequence"]},
    )
