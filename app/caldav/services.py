"""Proposals from the CalDAV server: listing them, and a coordinator's decision.

Confirming applies the proposal through the meetings' own services (update_meeting,
cancel_meeting), so the change is validated, raises SEQUENCE and is in the meeting's
history like any edit, with a note saying where it came from. Rejecting changes nothing in
the meeting; the next sync writes Samverkan's version back to the server (a deleted event
is created again)."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import contains_eager, joinedload

from app.audit.models import AuditEvent
from app.audit.services import Action, Actor, record
from app.common.exceptions import DomainError
from app.common.time import utcnow
from app.extensions import db
from app.meetings.models import Meeting
from app.meetings.services import MeetingValues, cancel_meeting, update_meeting

from .models import CaldavObject, CaldavProposal, ProposalKind, ProposalStatus

#: Decided proposals shown below the open ones.
RECENT_DECIDED = 20


class AlreadyDecided(DomainError):
    """Someone confirmed or rejected the proposal already."""


def open_proposals() -> list[CaldavProposal]:
    """Open proposals of meetings not in the trash, oldest first, with their meetings (one
    statement)."""
    return list(
        db.session.scalars(
            select(CaldavProposal)
            .join(CaldavProposal.meeting)
            .options(contains_eager(CaldavProposal.meeting))
            .where(CaldavProposal.status == ProposalStatus.OPEN, Meeting.deleted_at.is_(None))
            .order_by(CaldavProposal.detected_at, CaldavProposal.id)
        )
    )


def recent_decisions(limit: int = RECENT_DECIDED) -> list[CaldavProposal]:
    """The latest decided proposals with their meetings and who decided."""
    return list(
        db.session.scalars(
            select(CaldavProposal)
            .join(CaldavProposal.meeting)
            .options(contains_eager(CaldavProposal.meeting), joinedload(CaldavProposal.decided_by))
            .where(CaldavProposal.status != ProposalStatus.OPEN, Meeting.deleted_at.is_(None))
            .order_by(CaldavProposal.decided_at.desc(), CaldavProposal.id.desc())
            .limit(limit)
        )
    )


def _published(meeting_id: int) -> CaldavObject | None:
    return db.session.scalar(select(CaldavObject).where(CaldavObject.meeting_id == meeting_id))


def _decide(proposal: CaldavProposal, status: ProposalStatus, by: Actor) -> None:
    if proposal.status is not ProposalStatus.OPEN:
        raise AlreadyDecided(_("Förslaget är redan hanterat."))
    proposal.status = status
    proposal.decided_at = utcnow()
    proposal.decided_by_id = by.id


def _note_last_event(meeting: Meeting, note: str) -> None:
    """Put `note` on the history event the meeting's service just recorded."""
    for item in db.session.new:
        if isinstance(item, AuditEvent) and item.entity_id == meeting.id:
            item.note = note[:500]


def confirm_proposal(proposal: CaldavProposal, *, by: Actor) -> None:
    """Apply the server's change to the meeting (a cancellation or deletion cancels it)."""
    _decide(proposal, ProposalStatus.CONFIRMED, by)
    meeting = proposal.meeting
    note = _("Från CalDAV-kalendern: %(what)s", what=proposal.kind.label)
    if proposal.kind is ProposalKind.CHANGE:
        values = MeetingValues.of(meeting)
        if proposal.starts_at is not None and proposal.ends_at is not None:
            values.starts_at, values.ends_at = proposal.starts_at, proposal.ends_at
            values.all_day = bool(proposal.all_day)
        if proposal.place is not None:
            values.place = proposal.place
        update_meeting(meeting, values=values, expected_version=meeting.version, by=by)
        _note_last_event(meeting, note)
    else:
        cancel_meeting(meeting, expected_version=meeting.version, by=by)
        _note_last_event(meeting, note)  # before a query flushes the event
        published = _published(meeting.id)
        if proposal.kind is ProposalKind.DELETED and published is not None:
            published.gone_at = utcnow()  # deleted there on purpose: not created again
    db.session.flush()


def reject_proposal(proposal: CaldavProposal, *, by: Actor) -> None:
    """Keep the meeting as it is; the next sync writes it back to the server."""
    _decide(proposal, ProposalStatus.REJECTED, by)
    published = _published(proposal.meeting_id)
    if published is not None:
        published.content_hash = ""
        published.gone_at = None
        if proposal.kind is ProposalKind.DELETED:
            published.etag = None  # created again: no copy there to match
    record(
        entity=proposal.meeting,
        action=Action.UPDATE,
        by=by,
        note=_("Avvisade ändring från CalDAV-kalendern: %(what)s", what=proposal.kind.label),
    )
    db.session.flush()
