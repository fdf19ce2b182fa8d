"""What sending a meeting's invitations sends, and the record of who was sent one.

Every participant with an address (the organizer aside) gets the meeting as it is now:
METHOD:REQUEST, or METHOD:CANCEL once it is cancelled. Someone who was sent an invitation
before and is no longer a participant gets a METHOD:CANCEL naming only them (RFC 5546
3.2.5), so the meeting leaves their calendar too; the record (`meeting_invitations`) is what
tells who that is. Meetings are organised by Samverkan (its responsible user is the
ORGANIZER), so it sends both kinds.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from sqlalchemy import delete, insert, select

from app.common.time import utcnow
from app.extensions import db
from app.meetings.models import Meeting, meeting_invitations

from . import ics
from .ics import CalendarEvent, Person


@dataclass(frozen=True)
class Outgoing:
    """One message to send: to whom, which method, the file, and whether it tells a
    removed participant they are no longer invited."""

    to: Person
    method: Literal["REQUEST", "CANCEL"]
    event: CalendarEvent
    data: bytes
    removed: bool = False


def plan_invitations(meeting: Meeting, event: CalendarEvent) -> list[Outgoing]:
    """The messages for `event` (the meeting's, with its people): one per current
    participant, then one cancellation per address invited before and removed since."""
    organizer = meeting.responsible.email.lower()
    method: Literal["REQUEST", "CANCEL"] = "CANCEL" if event.cancelled else "REQUEST"
    data = ics.invite(event, method=method)
    current = [p for p in event.attendees if p.email.lower() != organizer]
    planned = [Outgoing(to=p, method=method, event=event, data=data) for p in current]
    invited = {p.email.lower() for p in current}
    earlier = db.session.execute(
        select(meeting_invitations.c.email, meeting_invitations.c.name)
        .where(meeting_invitations.c.meeting_id == meeting.id)
        .order_by(meeting_invitations.c.email)
    )
    for email, name in earlier:
        if email in invited or email == organizer:
            continue
        person = Person(name, email)
        alone = replace(event, attendees=[person])
        planned.append(
            Outgoing(
                to=person,
                method="CANCEL",
                event=alone,
                data=ics.invite(alone, method="CANCEL"),
                removed=True,
            )
        )
    return planned


def record_sent(meeting: Meeting, sent: list[Outgoing]) -> None:
    """After sending: the participants just invited are the record; the removed ones that
    were told so leave it."""
    db.session.execute(
        delete(meeting_invitations).where(meeting_invitations.c.meeting_id == meeting.id)
    )
    rows = {
        item.to.email.lower(): {
            "meeting_id": meeting.id,
            "email": item.to.email.lower(),
            "name": item.to.name[:200],
            "sent_at": utcnow(),
        }
        for item in sent
        if not item.removed
    }
    if rows:
        db.session.execute(insert(meeting_invitations), list(rows.values()))
