"""Applying a received invitation: a new meeting (or one per occurrence of a series) that
keeps the event's identity, an update of a known meeting, a cancellation."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from flask_babel import gettext as _
from sqlalchemy import select

from app.auth.models import User
from app.common.time import utcnow
from app.contacts.queries import contacts_by_address
from app.extensions import db
from app.meetings import services
from app.meetings.models import Meeting, MeetingKind, MeetingStatus

from .importer import Invite
from .intake import NEW, UPDATE, Entry, entry_for
from .participants import ParticipantChanges, participant_changes, stored_addresses
from .series import Occurrence


def remember_identity(
    meeting: Meeting, invite: Invite, *, recurrence_id: str | None = None
) -> None:
    """Mark the meeting as the organizer's event: later files for it update it instead of
    making another, and Samverkan sends no invitation of its own for it. A file without a
    UID leaves no identity (it can never be recognised)."""
    if not invite.uid:
        return
    meeting.ical_uid = invite.uid
    meeting.organizer_email = invite.organizer_email
    meeting.recurrence_id = invite.recurrence_id if recurrence_id is None else recurrence_id
    meeting.organizer_sequence = invite.sequence
    meeting.invite_attendees = stored_addresses(invite)


def import_meetings(
    *,
    values: services.MeetingValues,
    invite: Invite,
    occurrences: list[Occurrence] | None = None,
    by,
) -> list[Meeting]:
    """The meeting from the form, keeping the invitation's identity; with `occurrences`,
    one meeting per occurrence (same details, each its own time and RECURRENCE-ID)."""
    if not occurrences:
        meeting = services.schedule_meeting(values=values, by=by)
        remember_identity(meeting, invite)
        return [meeting]
    meetings = []
    for occurrence in occurrences:
        meeting = services.schedule_meeting(
            values=replace(
                values,
                starts_at=occurrence.starts_at,
                ends_at=occurrence.ends_at,
                contact_ids=list(values.contact_ids),
                organisation_ids=list(values.organisation_ids),
                team_ids=list(values.team_ids),
            ),
            by=by,
        )
        remember_identity(meeting, invite, recurrence_id=occurrence.recurrence_id)
        meetings.append(meeting)
    return meetings


def update_from_invite(
    meeting: Meeting,
    invite: Invite,
    *,
    expected_version: int,
    by,
    people: ParticipantChanges | None = None,
    new_contact_ids: list[int] | None = None,
    new_organisation_ids: list[int] | None = None,
) -> None:
    """Take the organizer's new time, title, place, link and agenda, and the people it adds
    and removes (`people`; `new_contact_ids` and `new_organisation_ids`: the people new to
    Samverkan the user chose to add, and their organisations); a cancelled meeting that is
    invited again is planned again. Keeps the organizer's SEQUENCE and addresses."""
    values = services.MeetingValues.of(meeting)
    if people is not None:
        gone = {c.id for c in people.remove_contacts}
        added = [c.id for c in people.add_contacts] + list(new_contact_ids or [])
        values.contact_ids = list(
            dict.fromkeys([i for i in values.contact_ids if i not in gone] + added)
        )
        organisations = [
            a.organisation_id for c in people.add_contacts for a in c.current_affiliations()
        ]
        values.organisation_ids = list(
            dict.fromkeys([*values.organisation_ids, *organisations, *(new_organisation_ids or [])])
        )
        leaving = {u.id for u in people.remove_users}
        values.team_ids = list(
            dict.fromkeys(
                [i for i in values.team_ids if i not in leaving] + [u.id for u in people.add_users]
            )
        )
    values.title = invite.title or meeting.title
    values.starts_at, values.ends_at, values.all_day = (
        invite.starts_at,
        invite.ends_at,
        invite.all_day,
    )
    values.place, values.online_link = invite.place, invite.online_link
    values.agenda = invite.description[:20000]
    if meeting.status is MeetingStatus.CANCELLED:
        values.status = MeetingStatus.PLANNED
    services.update_meeting(meeting, values=values, expected_version=expected_version, by=by)
    meeting.organizer_sequence = max(invite.sequence, meeting.organizer_sequence or 0)
    meeting.invite_attendees = stored_addresses(invite)


def cancel_from_invite(meetings: list[Meeting], invite: Invite, *, by) -> None:
    """The organizer called the meeting (or the whole series) off."""
    for meeting in meetings:
        services.cancel_meeting(meeting, expected_version=meeting.version, by=by)
        meeting.organizer_sequence = max(invite.sequence, meeting.organizer_sequence or 0)


def values_from_invite(
    invite: Invite, *, organisation_id: int | None, by
) -> services.MeetingValues:
    """A new meeting's values from one event of an exported calendar, as the single import's
    form would be pre-filled: the known contacts and colleagues it names, their
    organisations and `organisation_id`, the organizer (a colleague) or `by` responsible."""
    addresses = [p.email.lower() for p in invite.people]
    contacts = contacts_by_address(addresses)
    users = {
        u.email.lower(): u
        for u in db.session.scalars(select(User).where(User.active, User.email.in_(addresses)))
    }
    known = list({c.id: c for c in contacts.values()}.values())
    organizer = invite.organizer and users.get(invite.organizer.email.lower())
    organisations = [a.organisation_id for c in known for a in c.current_affiliations()]
    if organisation_id is not None:
        organisations.append(organisation_id)
    return services.MeetingValues(
        title=invite.title or _("Möte från kalenderfil"),
        kind=MeetingKind.DIGITAL if invite.online_link else MeetingKind.IN_PERSON,
        status=MeetingStatus.PLANNED if invite.starts_at > utcnow() else MeetingStatus.HELD,
        starts_at=invite.starts_at,
        ends_at=invite.ends_at,
        all_day=invite.all_day,
        responsible_id=organizer.id if organizer else by.id,
        organisation_ids=list(dict.fromkeys(organisations)),
        contact_ids=[c.id for c in known],
        team_ids=list(dict.fromkeys([*(u.id for u in users.values()), by.id])),
        place=invite.place,
        online_link=invite.online_link,
        agenda=invite.description[:20000],
    )


@dataclass
class Picked:
    """What importing the picked events of an exported calendar did."""

    created: list[Meeting] = field(default_factory=list)
    updated: list[Meeting] = field(default_factory=list)
    skipped: int = 0  # unchanged by now, or no longer readable


def import_picked(
    entries: list[Entry], numbers: set[int], *, organisation_id: int | None, by
) -> Picked:
    """Make a meeting of each picked new event and update the known meeting of each picked
    event whose identity is known (never a duplicate: each is classified again just before,
    so two events of the file with one identity make one meeting). InvalidMeeting when one
    cannot be saved (the caller rolls back)."""
    done = Picked()
    for listed in entries:
        if listed.number not in numbers or listed.invite is None:
            continue
        entry = entry_for(listed.number, listed.invite)
        invite = entry.invite
        assert invite is not None
        if entry.kind == NEW:
            values = values_from_invite(invite, organisation_id=organisation_id, by=by)
            done.created += import_meetings(values=values, invite=invite, by=by)
        elif entry.kind == UPDATE and entry.meeting is not None:
            update_from_invite(
                entry.meeting,
                invite,
                expected_version=entry.meeting.version,
                by=by,
                people=participant_changes(entry.meeting, invite),
            )
            done.updated.append(entry.meeting)
        else:
            done.skipped += 1
        db.session.flush()  # the next event sees this one's identity
    return done
