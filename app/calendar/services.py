"""From meetings and follow-ups to calendar events; the secret feed tokens.

A feed token is 256 random bits shown to its user once; only its SHA-256 is stored, so a
copy of the database does not open anyone's calendar. Generating a new one replaces (and
so revokes) the old.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from app.auth.models import User
from app.common.time import local_midnight, utcnow
from app.extensions import db
from app.followups.models import FollowUp, FollowUpStatus
from app.meetings.models import Meeting, MeetingStatus
from app.security.models import SecurityKind
from app.security.services import record as record_security

from .ics import CalendarEvent, Person

#: Cancelled meetings stay in feeds (as STATUS:CANCELLED) this long, so subscribers see
#: them disappear instead of silently vanishing.
CANCELLED_KEPT = timedelta(days=30)
#: How far back feeds reach by default (FEED_PAST_DAYS; the window: calendar/feeds.py).
FEED_HISTORY = timedelta(days=92)


def meeting_event(meeting: Meeting, *, url: str, with_people: bool = True) -> CalendarEvent:
    """The meeting as a calendar event, with its organizer and every participant who has an
    e-mail address (contacts by their first address); feeds leave the people out."""
    organizer = None
    attendees: dict[str, Person] = {}
    if with_people:
        organizer = Person(meeting.responsible.name, meeting.responsible.email)
        for contact in meeting.contacts:
            if contact.emails:
                email = contact.emails[0].address
                attendees.setdefault(email.lower(), Person(contact.full_name, email))
        for user in meeting.team:
            attendees.setdefault(user.email.lower(), Person(user.name, user.email))
    return CalendarEvent(
        uid=meeting.uid,
        sequence=meeting.sequence,
        summary=meeting.title,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        all_day=meeting.all_day,
        stamp=meeting.updated_at or utcnow(),
        location=meeting.place or meeting.online_link,
        description=meeting_description(meeting, url=url),
        url=url,
        cancelled=meeting.status is MeetingStatus.CANCELLED,
        organizer=organizer,
        attendees=list(attendees.values()),
    )


def meeting_description(meeting: Meeting, *, url: str) -> str:
    parts = []
    if meeting.agenda:
        parts.append(_("Dagordning:") + "\n" + meeting.agenda)
    if meeting.online_link:
        parts.append(_("Anslut: %(link)s", link=meeting.online_link))
    organisations = ", ".join(o.display_name for o in meeting.organisations)
    if organisations:
        parts.append(_("Organisationer: %(names)s", names=organisations))
    parts.append(_("I Samverkan: %(url)s", url=url))
    return "\n\n".join(parts)


def follow_up_event(follow_up: FollowUp, *, url: str) -> CalendarEvent:
    """A follow-up's due date as an all-day event (Google and Outlook ignore VTODO)."""
    done = follow_up.status is not FollowUpStatus.OPEN
    return CalendarEvent(
        uid=f"uppfoljning-{follow_up.id}@samverkan",
        sequence=follow_up.version,
        summary=_("Sista dag: %(title)s", title=follow_up.title),
        starts_at=local_midnight(follow_up.due_on),
        ends_at=local_midnight(follow_up.due_on + timedelta(days=1)),
        all_day=True,
        stamp=follow_up.updated_at or utcnow(),
        description="\n\n".join(p for p in (follow_up.description, url) if p),
        url=url,
        cancelled=done,
        transparent=True,
        categories=[_("Uppföljning")],
    )


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_feed_token(user: User) -> str:
    """A new secret for the user's feeds; the old one stops working. Returned once."""
    token = secrets.token_urlsafe(32)  # 256 bits
    user.feed_token_hash = _digest(token)
    user.feed_token_created_at = utcnow()
    db.session.flush()
    record_security(SecurityKind.FEED_LINK_CREATED, user=user, subject=user.name)
    return token


def revoke_feed_token(user: User) -> None:
    user.feed_token_hash = None
    user.feed_token_created_at = None
    db.session.flush()
    record_security(SecurityKind.FEED_LINK_REVOKED, user=user, subject=user.name)


def user_for_feed_token(token: str) -> User | None:
    """The active user owning `token`, or None (wrong, revoked, malformed, deactivated)."""
    if not token or len(token) > 100:
        return None
    digest = _digest(token)
    user = db.session.scalar(select(User).where(User.feed_token_hash == digest))
    if user is None or not user.active or user.feed_token_hash is None:
        return None
    return user if hmac.compare_digest(user.feed_token_hash, digest) else None
