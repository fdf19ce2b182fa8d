"""Meetings: their times, scheduling and editing with history, and the list query."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select, union
from sqlalchemy.orm import joinedload, selectinload

from app.audit.services import Action, Actor, diff, plain, record
from app.auth.models import User
from app.auth.services import assignable_user
from app.common.exceptions import DomainError, EditConflict
from app.common.labels import labels_named
from app.common.time import (
    AmbiguousLocalTime,
    NonexistentLocalTime,
    local_midnight,
    local_to_utc,
    local_today,
    utcnow,
)
from app.contacts.models import Affiliation, Contact
from app.contacts.queries import current_condition
from app.extensions import db
from app.organisations.models import Organisation

from .models import (
    MAX_MEETING_DAYS,
    Meeting,
    MeetingPerspective,
    MeetingStatus,
    TargetGroup,
    Topic,
)
from .values import MeetingValues

FIELDS = (
    "title",
    "kind",
    "status",
    "starts_at",
    "ends_at",
    "all_day",
    "place",
    "online_link",
    "agenda",
    "notes",
    "outcome",
    "responsible_id",
)
#: Meetings may be logged back to the assignment's start and planned a few years ahead.
EARLIEST = date(2000, 1, 1)
LATEST_YEARS_AHEAD = 10


class InvalidMeeting(DomainError):
    """A value or combination a meeting cannot have; the message says which."""


class AskFold(DomainError):
    """The start or end time occurs twice (autumn DST change): the user must choose."""

    def __init__(self, which: str, error: AmbiguousLocalTime) -> None:
        super().__init__(which)
        self.which, self.summer, self.winter = which, error.summer, error.winter


@dataclass
class MeetingTimes:
    """What the user typed: a day, clock times, or an all-day span."""

    day: date
    start: time | None = None
    end: time | None = None
    end_day: date | None = None
    all_day: bool = False
    start_fold: int | None = None
    end_fold: int | None = None


#: An end time at or before the start time, with no end date, means the next day when the
#: meeting then lasts at most this long (23:30–00:15); otherwise it is a typing mistake.
OVERNIGHT_HOURS = 12


def _hours(clock: time) -> float:
    return clock.hour + clock.minute / 60


def resolve_times(times: MeetingTimes, *, today: date) -> tuple[datetime, datetime]:
    """The UTC start and end of a meeting typed in Stockholm time.

    All-day: from the first day's midnight to the midnight after the last day (exclusive).
    Raises InvalidMeeting for a time that does not exist (spring gap), an end before the
    start or a date out of range, and AskFold when a time occurs twice (autumn overlap).
    """
    end_day = times.end_day or times.day
    if (
        not times.all_day
        and times.end_day is None
        and times.start is not None
        and times.end is not None
        and times.end <= times.start
        and _hours(times.end) + 24 - _hours(times.start) <= OVERNIGHT_HOURS
    ):
        end_day = times.day + timedelta(days=1)  # 23:30–00:15: ends after midnight
    for day in (times.day, end_day):
        if not EARLIEST <= day <= today.replace(year=today.year + LATEST_YEARS_AHEAD):
            raise InvalidMeeting(_("Datumet %(day)s är orimligt.", day=day.isoformat()))
    if times.all_day:
        if end_day < times.day:
            raise InvalidMeeting(_("Slutdagen kan inte vara före startdagen."))
        return local_midnight(times.day), local_midnight(end_day + timedelta(days=1))
    if times.start is None or times.end is None:
        raise InvalidMeeting(_("Ange start- och sluttid, eller markera heldag."))
    moments = []
    for which, day, clock, chosen in (
        ("start", times.day, times.start, times.start_fold),
        ("end", end_day, times.end, times.end_fold),
    ):
        try:
            moments.append(local_to_utc(day, clock, fold=chosen))
        except NonexistentLocalTime:
            raise InvalidMeeting(
                _(
                    "%(day)s %(time)s finns inte: klockan ställs fram en timme den natten. "
                    "Välj en tid före 02:00 eller från 03:00.",
                    day=day.isoformat(),
                    time=clock.strftime("%H:%M"),
                )
            ) from None
        except AmbiguousLocalTime as error:
            raise AskFold(which, error) from None
    starts_at, ends_at = moments
    if ends_at <= starts_at:
        raise InvalidMeeting(_("Mötet måste sluta efter att det börjar."))
    return starts_at, ends_at


def snapshot(meeting: Meeting) -> dict[str, Any]:
    """The recorded state of a meeting. Organisations, contacts and the team are kept as
    ids (the history shows their names today, app/meetings/history.py); every list is
    sorted, as its order means nothing: picking the same organisations in another order is
    no change."""
    state = {name: plain(getattr(meeting, name)) for name in FIELDS}
    state["organisations"] = sorted(o.id for o in meeting.organisations)
    state["contacts"] = sorted(c.id for c in meeting.contacts)
    state["team"] = sorted(u.id for u in meeting.team)
    state["topics"] = sorted(t.name for t in meeting.topics)
    state["target_groups"] = sorted(t.name for t in meeting.target_groups)
    state["perspectives"] = sorted(
        f"{p.perspective.label}: {p.note}".rstrip(": ") for p in meeting.perspectives
    )
    return state


def _active_user(user_id: int, message: str) -> User:
    """A user who may be responsible for or take part in a meeting for the team: active,
    and not a reader (see auth.services.assignable_user)."""
    user = assignable_user(user_id)
    if user is None:
        raise InvalidMeeting(message)
    return user


def _apply(meeting: Meeting, values: MeetingValues) -> None:
    if not values.title.strip():
        raise InvalidMeeting(_("Ange en rubrik."))
    if not values.organisation_ids:
        raise InvalidMeeting(_("Välj minst en organisation."))
    if values.ends_at <= values.starts_at:
        raise InvalidMeeting(_("Mötet måste sluta efter att det börjar."))
    if values.ends_at - values.starts_at > timedelta(days=MAX_MEETING_DAYS):
        raise InvalidMeeting(
            ngettext(
                "Ett möte kan vara högst %(num)d dag långt.",
                "Ett möte kan vara högst %(num)d dagar långt.",
                MAX_MEETING_DAYS,
            )
        )
    responsible = _active_user(
        values.responsible_id, _("Den ansvariga måste vara en aktiv användare som inte är läsare.")
    )
    organisations = list(
        db.session.scalars(select(Organisation).where(Organisation.id.in_(values.organisation_ids)))
    )
    if len(organisations) != len(set(values.organisation_ids)):
        raise InvalidMeeting(_("En vald organisation finns inte."))
    contacts = list(db.session.scalars(select(Contact).where(Contact.id.in_(values.contact_ids))))
    team = [
        _active_user(i, _("Deltagare i teamet måste vara aktiva användare som inte är läsare."))
        for i in dict.fromkeys(values.team_ids)
    ]
    if responsible not in team:
        team.append(responsible)
    meeting.title = values.title.strip()
    meeting.kind, meeting.status = values.kind, values.status
    meeting.starts_at, meeting.ends_at, meeting.all_day = (
        values.starts_at,
        values.ends_at,
        values.all_day,
    )
    meeting.place, meeting.online_link = values.place.strip(), values.online_link.strip()
    meeting.agenda, meeting.notes = values.agenda.strip(), values.notes.strip()
    meeting.outcome = values.outcome.strip()
    meeting.responsible_id = responsible.id
    meeting.responsible = responsible
    meeting.organisations, meeting.contacts, meeting.team = organisations, contacts, team
    meeting.topics = labels_named(Topic, values.topics)
    meeting.target_groups = labels_named(TargetGroup, values.target_groups)
    wanted = {p: note.strip()[:500] for p, note in values.perspectives.items()}
    kept = [p for p in meeting.perspectives if p.perspective in wanted]
    for item in kept:
        item.note = wanted.pop(item.perspective)
    meeting.perspectives = kept + [
        MeetingPerspective(perspective=p, note=n) for p, n in wanted.items()
    ]
    meeting.index()


#: What calendars must hear about: a change to any of these raises the meeting's SEQUENCE.
#: The title and the description (agenda, join link, organisations) count like the time:
#: a client keeps its copy of an event unless SEQUENCE rises. So do the participants: a
#: removed one gets a cancellation that must outrank the invitation it had.
CALENDAR_FIELDS = (
    "title",
    "starts_at",
    "ends_at",
    "all_day",
    "place",
    "online_link",
    "agenda",
    "organisations",
    "contacts",
    "team",
    "responsible_id",
    "status",
)


def _track_calendar_changes(meeting: Meeting, changes: dict[str, Any]) -> None:
    """Raise SEQUENCE when anything an invitation shows changed (`CALENDAR_FIELDS`); note
    when the meeting was cancelled."""
    if not any(name in changes for name in CALENDAR_FIELDS):
        return
    meeting.sequence += 1
    if "status" in changes:
        cancelled = meeting.status is MeetingStatus.CANCELLED
        meeting.cancelled_at = utcnow() if cancelled else None


def cancel_meeting(meeting: Meeting, *, expected_version: int, by: Actor) -> None:
    """Call the meeting off: it stays, marked cancelled, and calendars are told so."""
    if meeting.version != expected_version:
        raise EditConflict(current=meeting)
    if meeting.status is MeetingStatus.CANCELLED:
        return
    before = snapshot(meeting)
    meeting.status = MeetingStatus.CANCELLED
    changes = diff(before, snapshot(meeting))
    _track_calendar_changes(meeting, changes)
    meeting.version += 1
    db.session.flush()
    record(entity=meeting, action=Action.UPDATE, by=by, changes=changes)


def schedule_meeting(*, values: MeetingValues, by: Actor) -> Meeting:
    """Add a meeting (planned or already held)."""
    meeting = Meeting()
    _apply(meeting, values)
    if meeting.status is MeetingStatus.CANCELLED:
        meeting.cancelled_at = utcnow()
    db.session.add(meeting)
    db.session.flush()
    record(entity=meeting, action=Action.CREATE, by=by, changes=diff({}, snapshot(meeting)))
    return meeting


def update_meeting(
    meeting: Meeting, *, values: MeetingValues, expected_version: int, by: Actor
) -> dict[str, list[Any]]:
    """Save edits; EditConflict if someone saved in between. Returns the changes."""
    if meeting.version != expected_version:
        raise EditConflict(current=meeting)
    before = snapshot(meeting)
    _apply(meeting, values)
    changes = diff(before, snapshot(meeting))
    _track_calendar_changes(meeting, changes)
    if changes:
        meeting.version += 1
        db.session.flush()
        record(entity=meeting, action=Action.UPDATE, by=by, changes=changes)
    return changes


def record_outcome(
    meeting: Meeting, *, outcome: str, notes: str, expected_version: int, by: Actor
) -> None:
    """After the meeting: mark it held and keep its outcome and notes."""
    if meeting.version != expected_version:
        raise EditConflict(current=meeting)
    before = snapshot(meeting)
    meeting.status = MeetingStatus.HELD
    meeting.outcome, meeting.notes = outcome.strip(), notes.strip()
    changes = diff(before, snapshot(meeting))
    _track_calendar_changes(meeting, changes)
    if changes:
        meeting.version += 1
        db.session.flush()
        record(entity=meeting, action=Action.UPDATE, by=by, changes=changes)


def load_meeting(meeting_id: int) -> Meeting | None:
    """A meeting with everything its page shows, in a fixed number of statements."""
    return db.session.scalar(
        select(Meeting)
        .options(
            selectinload(Meeting.organisations).joinedload(Organisation.parent),
            selectinload(Meeting.contacts),
            selectinload(Meeting.team),
            joinedload(Meeting.responsible),  # many-to-one: in the same statement
            selectinload(Meeting.topics),
            selectinload(Meeting.target_groups),
            selectinload(Meeting.perspectives),
            selectinload(Meeting.answers),  # attendees' replies to an invitation
        )
        .where(Meeting.id == meeting_id)
    )


def contact_choices(organisation_ids: list[int], selected_ids: list[int]) -> list[Contact]:
    """Contacts with a current role at the chosen organisations (or their units), and those
    already chosen, in Swedish order."""

    # Uncorrelated: start from the organisations' affiliations, not from every contact.
    chosen = select(Organisation.id).where(
        Organisation.id.in_(organisation_ids) | Organisation.parent_id.in_(organisation_ids)
    )
    at_organisations = select(Affiliation.contact_id).where(
        Affiliation.organisation_id.in_(chosen), current_condition(local_today())
    )
    # One set of ids, not "at the organisations OR chosen": with the OR, PostgreSQL walked
    # all 300,000 contacts in name order to find none for an empty form (150 ms).
    wanted = union(at_organisations, select(Contact.id).where(Contact.id.in_(selected_ids)))
    query = (
        select(Contact)
        .options(
            selectinload(Contact.affiliations)
            .selectinload(Affiliation.organisation)
            .joinedload(Organisation.parent)
        )
        .where(Contact.id.in_(wanted))
    )
    return list(db.session.scalars(query.order_by(Contact.sort_name).limit(500)))


def active_users() -> list[User]:
    """Every active user, readers too: for filters over what people did. Choices of who does
    something are `auth.services.assignable_users`."""
    return list(db.session.scalars(select(User).where(User.active).order_by(User.name)))


def topic_suggestions() -> list[str]:
    return list(db.session.scalars(select(Topic.name).order_by(Topic.key)))


def target_group_suggestions() -> list[str]:
    return list(db.session.scalars(select(TargetGroup.name).order_by(TargetGroup.key)))
