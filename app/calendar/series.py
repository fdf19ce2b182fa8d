"""A recurring event's occurrences within a range: RRULE and RDATE, less EXDATE, with the
occurrences the file moves or cancels (RECURRENCE-ID) applied. Pure.

Uses python-dateutil's RFC 5545 rules directly (recurring-ical-events would pull in an
older python-dateutil than the one pinned). Times repeat in the event's own zone, so a
weekly 10:00 stays 10:00 across daylight-saving changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from dateutil.rrule import rruleset, rrulestr

from .importer import STOCKHOLM, UTC, Invite

#: The most occurrences one import makes into meetings.
MAX_OCCURRENCES = 200


@dataclass(frozen=True)
class Occurrence:
    starts_at: datetime  # UTC
    ends_at: datetime  # UTC
    #: Its RECURRENCE-ID as importer.Invite writes it (the original start).
    recurrence_id: str


def _utc(value: date | datetime) -> datetime:
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=STOCKHOLM)).astimezone(UTC)
    return datetime.combine(value, time(0), STOCKHOLM).astimezone(UTC)


def _key(value: date | datetime) -> str:
    if isinstance(value, datetime):
        return _utc(value).strftime("%Y%m%dT%H%M%SZ")
    return value.strftime("%Y%m%d")


def _as_datetime(value: date | datetime) -> datetime:
    """dateutil repeats datetimes: a date becomes its midnight (naive, like its DTSTART)."""
    return value if isinstance(value, datetime) else datetime.combine(value, time(0))


def _dates(event, name: str) -> list:
    found = event.get(name)
    if found is None:
        return []
    values = found if isinstance(found, list) else [found]
    return [item.dt for value in values for item in getattr(value, "dts", [])]


def _master_and_exceptions(invite: Invite):
    events = [
        e
        for e in invite.calendar.walk("VEVENT")
        if str(e.get("UID") or "").strip()[:255] == invite.uid
    ]
    master = next((e for e in events if "RECURRENCE-ID" not in e), None)
    exceptions = {_key(e["RECURRENCE-ID"].dt): e for e in events if "RECURRENCE-ID" in e}
    return master, exceptions


def _rules(master, start: datetime) -> rruleset:
    rules = rruleset()
    found = master.get("RRULE")
    for rule in found if isinstance(found, list) else [found] if found is not None else []:
        text = rule.to_ical().decode().replace(" ", "").replace("\\", "")
        if start.tzinfo is not None:
            # dateutil wants UNTIL in UTC when DTSTART is aware; iCalendar allows local too.
            text = ";".join(
                part + "Z" if part.startswith("UNTIL=") and len(part) == 21 else part
                for part in text.split(";")
            )
        rules.rrule(rrulestr(text, dtstart=start, ignoretz=False))
    for value in _dates(master, "RDATE"):
        rules.rdate(_as_datetime(value))
    for value in _dates(master, "EXDATE"):
        rules.exdate(_as_datetime(value))
    return rules


def occurrences(invite: Invite, *, first: date, last: date) -> list[Occurrence]:
    """The series' occurrences starting on Stockholm days `first`..`last` (at most
    MAX_OCCURRENCES), skipping cancelled ones. Empty when the file cannot be expanded."""
    if invite.calendar is None or last < first or not invite.recurring:
        return []
    length = invite.ends_at - invite.starts_at
    try:
        master, exceptions = _master_and_exceptions(invite)
        if master is None:
            return []
        start = _as_datetime(master["DTSTART"].dt)
        if start.tzinfo is None and isinstance(master["DTSTART"].dt, datetime):
            start = start.replace(tzinfo=STOCKHOLM)  # floating: the team's zone
        low = datetime.combine(first, time(0), STOCKHOLM)
        high = datetime.combine(last + timedelta(days=1), time(0), STOCKHOLM)
        if start.tzinfo is None:  # all-day: compare as naive days
            low, high = low.replace(tzinfo=None), high.replace(tzinfo=None)
        result = []
        for moment in _rules(master, start).xafter(low - timedelta(seconds=1), inc=True):
            if moment >= high or len(result) >= MAX_OCCURRENCES:
                break
            original = moment if isinstance(master["DTSTART"].dt, datetime) else moment.date()
            moved = exceptions.pop(_key(original), None)
            if moved is not None:
                if str(moved.get("STATUS") or "").upper() == "CANCELLED":
                    continue
                begins = _utc(moved["DTSTART"].dt)
                ends = _utc(moved["DTEND"].dt) if "DTEND" in moved else begins + length
            else:
                begins = _utc(original)
                ends = begins + length
            result.append(Occurrence(begins, max(ends, begins), _key(original)))
    except Exception:  # a rule dateutil cannot read: the caller offers the first only
        return []
    return sorted(result, key=lambda o: o.starts_at)
