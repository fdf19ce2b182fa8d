"""From meetings and follow-ups to calendar events; the secret feed tokens.

A feed token is 256 random bits shown to its user once; only its SHA-256 is stored, so a
copy of the database does not open anyone's calendar. Generating a new one replaces (and
so revokes) the old.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple

from flask_babel import gettext as _
from sqlalchemy import select

from app.auth.models import User
from app.auth.services import revoke_feed_links
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


@dataclass(frozen=True)
class FeedWords:
    """The words feed events use, translated once per feed instead of once per event (the
    placeholders are filled per event)."""

    agenda: str
    join: str
    organisations: str
    deadline: str
    follow_up: str

    @classmethod
    def current(cls) -> FeedWords:
        return cls(
            agenda=_("Dagordning:"),
            join=_("Anslut: %(link)s"),
            organisations=_("Organisationer: %(names)s"),
            deadline=_("Sista dag: %(title)s"),
            follow_up=_("Uppföljning"),
        )


class FeedMeeting(NamedTuple):
    """The columns of a meeting that its feed event shows (read as a row, not an object)."""

    id: int
    uid: str
    sequence: int
    title: str
    starts_at: datetime
    ends_at: datetime
    all_day: bool
    place: str
    online_link: str
    agenda: str
    status: MeetingStatus
    updated_at: datetime | None
    version: int
    ical_uid: str | None
    recurrence_id: str | None
    organizer_sequence: int | None


#: How far ahead a feed's events carry the agenda and the link to join (`Detail.NEAR`).
FEED_NEAR = timedelta(days=28)


class Detail(enum.IntEnum):
    """How much a feed event's description says, by when the event is."""

    PAST = 0  # over: only the link to it in Samverkan
    LATER = 1  # more than FEED_NEAR ahead: its organisations too
    NEAR = 2  # soon: its agenda and the link to join too


def detail_for(end: datetime, *, today: datetime) -> Detail:
    """`end` is when the event ends; `today` the UTC moment today began in Stockholm."""
    if end <= today:
        return Detail.PAST
    return Detail.NEAR if end <= today + FEED_NEAR else Detail.LATER


def feed_meeting_event(
    meeting: FeedMeeting,
    *,
    organisations: list[str],
    url: str,
    detail: Detail,
    words: FeedWords,
) -> CalendarEvent:
    """A meeting as a feed shows it: no people, and a description kept short (a feed is
    read again every hour, and Google truncates near 1 MB). A meeting in the coming four
    weeks has its agenda, the link to join (unless that is already the location), its
    organisations and the link to it in Samverkan; one later has its organisations and the
    link; one already over only the link. The link is in the description, not a URL
    property: Outlook and Google show only the description.

    A meeting organised elsewhere (imported from an invitation) keeps the organizer's UID,
    SEQUENCE and RECURRENCE-ID: a client that has the original invitation sees one event,
    not two."""
    location = meeting.place or meeting.online_link
    if detail is Detail.PAST:
        description = url
    else:
        parts = []
        if detail is Detail.NEAR and meeting.agenda:
            parts.append(words.agenda + "\n" + meeting.agenda)
        if detail is Detail.NEAR and meeting.online_link and meeting.online_link != location:
            parts.append(words.join % {"link": meeting.online_link})
        if organisations:
            parts.append(words.organisations % {"names": ", ".join(organisations)})
        parts.append(url)
        description = "\n\n".join(parts)
    imported = meeting.ical_uid is not None
    return CalendarEvent(
        uid=meeting.ical_uid if imported else meeting.uid,
        recurrence_id=(meeting.recurrence_id or "") if imported else "",
        sequence=(meeting.organizer_sequence or 0) if imported else meeting.sequence,
        summary=meeting.title,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        all_day=meeting.all_day,
        stamp=meeting.updated_at or utcnow(),
        location=location,
        description=description,
        cancelled=meeting.status is MeetingStatus.CANCELLED,
    )


def feed_follow_up_event(
    follow_up: FollowUp, *, url: str, detail: Detail, words: FeedWords
) -> CalendarEvent:
    """A follow-up's due date as an all-day event (Google and Outlook ignore VTODO): its
    description when due soon, and the link to it."""
    done = follow_up.status is not FollowUpStatus.OPEN
    parts = [p for p in (follow_up.description, url) if p] if detail is Detail.NEAR else [url]
    return CalendarEvent(
        uid=f"uppfoljning-{follow_up.id}@samverkan",
        sequence=follow_up.version,
        summary=words.deadline % {"title": follow_up.title},
        starts_at=local_midnight(follow_up.due_on),
        ends_at=local_midnight(follow_up.due_on + timedelta(days=1)),
        all_day=True,
        stamp=follow_up.updated_at or utcnow(),
        description="\n\n".join(parts),
        cancelled=done,
        transparent=True,
        categories=[words.follow_up],
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
    revoke_feed_links(user)
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
