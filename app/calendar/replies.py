"""Attendees' answers to an invitation (iTIP REPLY: accepted, declined, tentative), kept per
meeting and address and shown beside each participant on the meeting page."""

from __future__ import annotations

from sqlalchemy import select

from app.audit.services import Action, record
from app.auth.models import User
from app.common.time import utcnow
from app.contacts.queries import contacts_by_address
from app.extensions import db
from app.meetings.models import Meeting, MeetingAnswer

from .importer import ANSWERS, Invite


def record_answers(meeting: Meeting, invite: Invite, *, by) -> list[tuple[str, str]]:
    """Keep each attendee's answer from the REPLY, with the contact or user the address
    belongs to; an answer older than the one kept (by the reply's DTSTAMP) is ignored.
    Returns the (address, answer) pairs that were recorded."""
    answered_at = invite.stamp or utcnow()
    given = [a for a in invite.attendees if a.answer in ANSWERS][:50]
    addresses = [a.email.lower() for a in given]
    kept = {
        a.email: a
        for a in db.session.scalars(
            select(MeetingAnswer).where(MeetingAnswer.meeting_id == meeting.id)
        )
    }
    contacts = contacts_by_address(addresses)
    users = {
        u.email.lower(): u.id
        for u in db.session.scalars(select(User).where(User.email.in_(addresses)))
    }
    recorded = []
    for attendee in given:
        email = attendee.email.lower()
        row = kept.get(email)
        if row is None:
            row = MeetingAnswer(meeting_id=meeting.id, email=email)
            db.session.add(row)
            kept[email] = row
        elif row.answered_at > answered_at:
            continue
        row.answer, row.answered_at = attendee.answer, answered_at
        contact = contacts.get(email)
        row.contact_id = contact.id if contact is not None else None
        row.user_id = users.get(email)
        recorded.append((email, attendee.answer))
    if recorded:
        db.session.flush()
        record(
            entity=meeting,
            action=Action.UPDATE,
            by=by,
            changes={"answers": [None, ", ".join(f"{e}: {a}" for e, a in recorded)]},
        )
    return recorded
