"""Who a re-sent invitation adds to or removes from a meeting organised elsewhere.

The addresses the organizer's last invitation named are kept on the meeting
(`Meeting.invite_attendees`); the new invitation's addresses are compared with them, not
with the meeting's participants, so people added or skipped by hand in Samverkan stay as
they are. An added address that is a contact joins the meeting's contacts, a colleague's
joins the team, and one new to Samverkan is offered as a contact (as on the first import).
A removed address takes its contact, or its colleague (never the responsible), off the
meeting. A meeting imported before the addresses were kept compares with its participants'
addresses and removes no one (what the organizer had sent is not known).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from app.auth.models import User
from app.contacts.models import Contact
from app.contacts.queries import contacts_by_address
from app.extensions import db
from app.meetings.models import Meeting

from .importer import Attendee, Invite


def invited_addresses(invite: Invite) -> list[str]:
    """The invitation's organizer and attendees, lower case, sorted, each once."""
    return sorted({p.email.lower() for p in invite.people})


def stored_addresses(invite: Invite) -> str:
    """The invitation's addresses as `Meeting.invite_attendees` keeps them."""
    return "\n".join(invited_addresses(invite))


@dataclass
class ParticipantChanges:
    add_contacts: list[Contact] = field(default_factory=list)
    add_users: list[User] = field(default_factory=list)
    remove_contacts: list[Contact] = field(default_factory=list)
    remove_users: list[User] = field(default_factory=list)
    #: Added addresses that are neither a contact nor a colleague: offered as contacts.
    new_people: list[Attendee] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(
            self.add_contacts
            or self.add_users
            or self.remove_contacts
            or self.remove_users
            or self.new_people
        )

    @property
    def added_names(self) -> list[str]:
        return [c.full_name for c in self.add_contacts] + [u.name for u in self.add_users]

    @property
    def removed_names(self) -> list[str]:
        return [c.full_name for c in self.remove_contacts] + [u.name for u in self.remove_users]


def _participant_addresses(meeting: Meeting) -> set[str]:
    found = {e.address.lower() for c in meeting.contacts for e in c.emails}
    found |= {u.email.lower() for u in meeting.team}
    found.add(meeting.responsible.email.lower())
    return found


def participant_changes(meeting: Meeting, invite: Invite) -> ParticipantChanges:
    """What the invitation changes among the meeting's people (reads, changes nothing)."""
    current = set(invited_addresses(invite))
    if meeting.invite_attendees is None:
        previous, removed = _participant_addresses(meeting), set()
    else:
        previous = set(meeting.invite_attendees.split())
        removed = previous - current
    added = current - previous
    changes = ParticipantChanges()
    if added:
        contacts = contacts_by_address(sorted(added))
        users = {
            u.email.lower(): u
            for u in db.session.scalars(
                select(User).where(User.active, User.email.in_(sorted(added)))
            )
        }
        on_meeting = {c.id for c in meeting.contacts}
        team = {u.id for u in meeting.team} | {meeting.responsible_id}
        names = {p.email.lower(): p for p in invite.people}
        for address in sorted(added):
            contact, user = contacts.get(address), users.get(address)
            if user is not None:
                if user.id not in team:
                    changes.add_users.append(user)
                    team.add(user.id)
            elif contact is not None:
                if contact.id not in on_meeting:
                    changes.add_contacts.append(contact)
                    on_meeting.add(contact.id)
            else:
                changes.new_people.append(names[address])
    if removed:
        changes.remove_contacts = [
            c
            for c in meeting.contacts
            if {e.address.lower() for e in c.emails} & removed
            and not {e.address.lower() for e in c.emails} & current
        ]
        changes.remove_users = [
            u for u in meeting.team if u.email.lower() in removed and u.id != meeting.responsible_id
        ]
    return changes
