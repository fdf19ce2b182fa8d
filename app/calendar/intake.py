"""What a received calendar file means for Samverkan: a new meeting, an update of a known
one (with what changes), a cancellation, attendees' answers, or a file that cannot be used
(with a Swedish message saying why). Reads the database, changes nothing.

A meeting's identity is the event's UID together with the organizer's address and, for one
occurrence of a series, its RECURRENCE-ID: UIDs alone are not unique across clients (test
suites reuse "1"; one file's UID turns up in another). Samverkan's own meetings are known
by their own UID.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.common.time import to_local
from app.extensions import db
from app.meetings.models import Meeting, MeetingStatus

from .importer import InvalidInvite, Invite, parse_events, parse_invite
from .participants import ParticipantChanges, participant_changes

NEW, UPDATE, UNCHANGED, CANCEL, REPLY, ERROR, SEVERAL = (
    "new",
    "update",
    "unchanged",
    "cancel",
    "reply",
    "error",
    "several",
)

#: An exported calendar lists at most this many of its events (a request stays short).
MAX_LISTED = 200

REASONS = {
    "too-large": _l("Filen är för stor för att vara en kalenderinbjudan (högst 1 MB)."),
    "not-calendar": _l(
        "Filen är inte en kalenderfil (.ics). Spara inbjudan från e-postprogrammet och försök igen."
    ),
    "bad-bytes": _l(
        "Filen innehåller tecken som inte går att läsa. Spara inbjudan på nytt som .ics."
    ),
    "no-event": _l("Kalenderfilen innehåller inget möte."),
    "several-events": _l(
        "Kalenderfilen innehåller flera möten (%(detail)s). Ladda upp en inbjudan i taget."
    ),
    "several-published": _l(
        "Filen är en exporterad kalender med flera möten (%(detail)s), inte en inbjudan. "
        "Samverkan läser in ett möte i taget: öppna mötet i kalenderprogrammet, spara det som "
        "en egen .ics-fil (i Outlook: Arkiv → Spara som → iCalendar-format) och ladda upp den."
    ),
    "no-start": _l("Mötet i kalenderfilen saknar starttid."),
    "twice": _l("Mötet i kalenderfilen har %(detail)s två gånger. Det ska bara finnas en."),
    "bad-date": _l(
        "Tiden i %(detail)s går inte att läsa (till exempel månad 13 eller text i stället för "
        "ett datum)."
    ),
    "bad-year": _l("Året i %(detail)s är orimligt. Kontrollera datumet i inbjudan."),
    "end-before-start": _l("Mötet i kalenderfilen slutar innan det börjar."),
}
WARNINGS = {
    "cp1252": _l("Filen var inte i UTF-8 och lästes som Windows-1252. Kontrollera å, ä och ö."),
}


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str


@dataclass
class Intake:
    """The outcome of reading one file. `meetings` are the known meetings it concerns (one,
    or a whole imported series for a cancellation of the series)."""

    kind: str
    invite: Invite | None = None
    meetings: list[Meeting] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    message: str = ""
    #: An update's added and removed people (participants.py).
    participants: ParticipantChanges = field(default_factory=ParticipantChanges)
    #: SEVERAL: each listed event of an exported calendar (at most MAX_LISTED), and how
    #: many events the file holds.
    entries: list[Entry] = field(default_factory=list)
    total: int = 0

    @property
    def meeting(self) -> Meeting | None:
        return self.meetings[0] if self.meetings else None


@dataclass
class Entry:
    """One event of an exported calendar: `number` is its place in the file (from 1); `kind`
    is NEW, UPDATE (its identity is known: the meeting is updated, never duplicated),
    UNCHANGED or ERROR (`message` says why); only NEW and UPDATE can be picked."""

    number: int
    kind: str
    invite: Invite | None = None
    meeting: Meeting | None = None
    message: str = ""

    @property
    def selectable(self) -> bool:
        return self.kind in (NEW, UPDATE)


def message_for(error: InvalidInvite) -> str:
    return str(REASONS[error.reason]) % {"detail": error.detail}


def own_meeting(uid: str) -> Meeting | None:
    """A meeting Samverkan organises, by its own UID."""
    return db.session.scalar(select(Meeting).where(Meeting.uid == uid)) if uid else None


def imported_meetings(invite: Invite, *, whole_series: bool = False) -> list[Meeting]:
    """Meetings imported from this event (same UID and organizer; and the same occurrence,
    unless `whole_series`)."""
    if not invite.uid:
        return []
    query = select(Meeting).where(
        Meeting.ical_uid == invite.uid, Meeting.organizer_email == invite.organizer_email
    )
    if not whole_series:
        query = query.where(Meeting.recurrence_id == invite.recurrence_id)
    return list(db.session.scalars(query.order_by(Meeting.starts_at, Meeting.id)))


def _when(meeting_or_invite) -> str:
    start, end = to_local(meeting_or_invite.starts_at), to_local(meeting_or_invite.ends_at)
    if meeting_or_invite.all_day:
        return start.strftime("%Y-%m-%d")
    return f"{start:%Y-%m-%d %H:%M}–{end:%H:%M}"


def changes_for(meeting: Meeting, invite: Invite) -> list[Change]:
    """What importing the invitation would change on the meeting, as the user reads it."""
    pairs = [
        (_("Rubrik"), meeting.title, invite.title or meeting.title),
        (_("Tid"), _when(meeting), _when(invite)),
        (_("Plats"), meeting.place, invite.place),
        (_("Länk till digitalt möte"), meeting.online_link, invite.online_link),
        (_("Dagordning"), meeting.agenda, invite.description[:20000]),
    ]
    return [Change(str(label), before, after) for label, before, after in pairs if before != after]


def _too_old(meeting: Meeting, invite: Invite) -> bool:
    return meeting.organizer_sequence is not None and invite.sequence < meeting.organizer_sequence


def _request(invite: Invite, result: Intake) -> Intake:
    own = own_meeting(invite.uid)
    if own is not None:
        result.kind, result.meetings = ERROR, [own]
        result.message = _("Inbjudan kommer från Samverkan själv och mötet finns redan.")
        return result
    known = imported_meetings(invite)
    if not known and invite.uid and not invite.recurrence_id:
        occurrences = imported_meetings(invite, whole_series=True)
        if occurrences:  # imported one meeting per occurrence: never a duplicate series
            result.kind, result.meetings = ERROR, occurrences
            result.message = _(
                "Serien finns redan i Samverkan som %(num)d möten, ett per tillfälle. Ändringar "
                "av hela serien läses inte in; ändra de berörda mötena i Samverkan.",
                num=len(occurrences),
            )
            return result
    if not known:
        if not invite.uid:
            twins = db.session.scalar(
                select(Meeting.id).where(
                    Meeting.title == invite.title, Meeting.starts_at == invite.starts_at
                )
            )
            if twins is not None:
                result.warnings.append(
                    _(
                        "Inbjudan saknar UID, så den kan inte kännas igen. Ett möte med samma "
                        "rubrik och starttid finns redan; spara bara om det är ett annat möte."
                    )
                )
        result.kind = NEW
        return result
    meeting = known[0]
    result.meetings = [meeting]
    if _too_old(meeting, invite):
        result.kind = ERROR
        result.message = _(
            "Inbjudan är äldre än den som redan lästs in (version %(old)s, senast %(new)s). "
            "Inget ändrades.",
            old=invite.sequence,
            new=meeting.organizer_sequence,
        )
        return result
    result.changes = changes_for(meeting, invite)
    people = result.participants = participant_changes(meeting, invite)
    if people.added_names:
        result.changes.append(
            Change(_("Deltagare som läggs till"), "", ", ".join(people.added_names))
        )
    if people.removed_names:
        result.changes.append(
            Change(_("Deltagare som tas bort"), ", ".join(people.removed_names), "")
        )
    result.kind = UPDATE if result.changes or people else UNCHANGED
    return result


def _cancel(invite: Invite, result: Intake) -> Intake:
    meetings = own_meeting(invite.uid)
    known = (
        [meetings] if meetings else imported_meetings(invite, whole_series=not invite.recurrence_id)
    )
    known = [m for m in known if m.status is not MeetingStatus.CANCELLED]
    if not known:
        result.kind = ERROR
        result.message = _(
            "Avbokningen gäller ett möte som inte finns i Samverkan (eller redan är inställt). "
            "Inget ändrades."
        )
        return result
    if any(_too_old(m, invite) for m in known):
        result.kind = ERROR
        result.message = _("Avbokningen är äldre än den senaste inbjudan. Inget ändrades.")
        return result
    result.kind, result.meetings = CANCEL, known
    return result


def _reply(invite: Invite, result: Intake) -> Intake:
    meeting = own_meeting(invite.uid)
    if meeting is None:
        known = imported_meetings(invite) or imported_meetings(invite, whole_series=True)
        meeting = known[0] if known else None
    if meeting is None:
        result.kind = ERROR
        result.message = _("Svaret gäller ett möte som inte finns i Samverkan. Inget sparades.")
        return result
    if not any(a.answer for a in invite.attendees):
        result.kind = ERROR
        result.message = _("Svaret innehåller ingen deltagare med ett svar. Inget sparades.")
        return result
    result.kind, result.meetings = REPLY, [meeting]
    return result


def entry_for(number: int, found: Invite | InvalidInvite) -> Entry:
    """One listed event, classified as a single invitation's REQUEST would be."""
    if isinstance(found, InvalidInvite):
        return Entry(number=number, kind=ERROR, message=message_for(found))
    result = _request(found, Intake(kind=NEW, invite=found))
    return Entry(
        number=number,
        kind=result.kind,
        invite=found,
        meeting=result.meeting,
        message=result.message,
    )


def read_several(data: bytes) -> Intake:
    """An exported calendar: its first MAX_LISTED events, each classified."""
    try:
        found, total = parse_events(data, limit=MAX_LISTED)
    except InvalidInvite as error:
        return Intake(kind=ERROR, message=message_for(error))
    entries = [entry_for(number, item) for number, item in enumerate(found, start=1)]
    result = Intake(kind=SEVERAL, entries=entries, total=total)
    if total > len(entries):
        result.warnings.append(
            _(
                "Filen innehåller %(total)d möten; bara de första %(shown)d visas. Dela upp "
                "kalendern (till exempel per månad) för att läsa in resten.",
                total=total,
                shown=len(entries),
            )
        )
    return result


def read_intake(data: bytes) -> Intake:
    """Parse and classify one uploaded file."""
    try:
        invite = parse_invite(data)
    except InvalidInvite as error:
        if error.reason == "several-published":
            return read_several(data)
        return Intake(kind=ERROR, message=message_for(error))
    result = Intake(kind=NEW, invite=invite)
    result.warnings = [str(WARNINGS[w]) for w in invite.warnings]
    if invite.method == "CANCEL":
        return _cancel(invite, result)
    if invite.method == "REPLY":
        return _reply(invite, result)
    return _request(invite, result)
