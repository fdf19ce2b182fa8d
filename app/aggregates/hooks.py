"""The session hooks that keep the maintained figures right in the transaction that changes
them (the rest is in maintain.py).

A flush that writes a meeting (or one of its perspectives), a follow-up or a contact notes it;
one that changes an organisation's parent, kind, county or trash state notes the
organisation; the contact import's bulk statements note the ids they write
(common/written.py). Right after the flush, `maintain.refresh` brings the noted records'
figures up to date, so the rest of the transaction, and every later one, reads figures with
the write in.

A statement that writes meetings or organisations around the session (bulk UPDATE or DELETE)
cannot be followed row by row: the transaction then rebuilds everything before it commits
(no code path does so today: the trash and the organisation edits go through the flush, and
the contact merge's and import's statements write only contact columns, which no figure
reads; follow-ups are therefore not watched for such statements).
"""

from __future__ import annotations

from itertools import chain
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.orm import ORMExecuteState, Session

from app.common.session_events import listen_once
from app.common.written import take_written
from app.contacts.models import Contact
from app.followups.models import FollowUp
from app.meetings.models import Meeting, MeetingPerspective, TargetGroup, Topic
from app.organisations.models import Organisation

from .maintain import refresh
from .rebuild import rebuild

#: An organisation's fields that decide the facts of its meetings and its units' meetings.
ORGANISATION_FIELDS = ("parent_id", "kind", "county_code", "deleted_at")
#: Tables whose bulk writes (statements around the flush) call for a rebuild.
WATCHED_TABLES = frozenset(
    {
        "meetings",
        "meeting_organisations",
        "meeting_topics",
        "meeting_target_groups",
        "meeting_perspectives",
        "organisations",
        "topics",
        "target_groups",
    }
)

_MEETINGS = "aggregates.meetings"
_FOLLOW_UPS = "aggregates.follow_ups"
_CONTACTS = "aggregates.contacts"
_ORGANISATIONS = "aggregates.organisations"
_EVERYTHING = "aggregates.everything"


def _noted(session: Session, name: str) -> set[int]:
    return session.info.setdefault(name, set())


def _after_flush(session: Session, _context: Any) -> None:
    meetings = _noted(session, _MEETINGS)
    organisations = _noted(session, _ORGANISATIONS)
    follow_ups = _noted(session, _FOLLOW_UPS)
    contacts = _noted(session, _CONTACTS)
    for obj in chain(session.new, session.dirty, session.deleted):
        if isinstance(obj, Meeting):
            meetings.add(obj.id)
        elif isinstance(obj, MeetingPerspective):
            meetings.add(obj.meeting_id)
        elif isinstance(obj, FollowUp):
            follow_ups.add(obj.id)
        elif isinstance(obj, Contact):
            contacts.add(obj.id)
        elif isinstance(obj, Organisation) and obj not in session.new:
            state = inspect(obj)
            if obj in session.deleted or any(
                state.attrs[field].history.has_changes() for field in ORGANISATION_FIELDS
            ):
                organisations.add(obj.id)
        elif isinstance(obj, (Topic, TargetGroup)) and obj in session.deleted:
            session.info[_EVERYTHING] = True


def _after_write_statement(state: ORMExecuteState) -> None:
    if not (state.is_update or state.is_delete or state.is_insert):
        return
    table = getattr(state.statement, "table", None)
    if getattr(table, "name", None) in WATCHED_TABLES:
        state.session.info[_EVERYTHING] = True


def _refresh_noted(session: Session) -> None:
    meetings = session.info.pop(_MEETINGS, set())
    organisations = session.info.pop(_ORGANISATIONS, set())
    follow_ups = session.info.pop(_FOLLOW_UPS, set())
    contacts = session.info.pop(_CONTACTS, set()) | take_written(session).get("contacts", set())
    if meetings or organisations or follow_ups or contacts:
        refresh(meetings, organisations, follow_ups, contacts, session=session)


def _after_flush_postexec(session: Session, _context: Any) -> None:
    """Refresh what the flush noted at once, so the rest of the transaction reads figures
    that include its own writes."""
    _refresh_noted(session)


def _before_commit(session: Session) -> None:
    session.flush()
    if session.info.get(_EVERYTHING):
        _forget(session)
        rebuild(session)
        return
    _refresh_noted(session)  # rows noted by bulk statements since the last flush


def _forget(session: Session) -> None:
    take_written(session)
    for name in (_MEETINGS, _ORGANISATIONS, _FOLLOW_UPS, _CONTACTS, _EVERYTHING):
        session.info.pop(name, None)


def _after_transaction_end(session: Session, transaction: Any) -> None:
    if transaction.parent is None:
        _forget(session)


def install_maintenance() -> None:
    """Register the session hooks (idempotent)."""
    listen_once(
        (
            ("after_flush", _after_flush),
            ("after_flush_postexec", _after_flush_postexec),
            ("do_orm_execute", _after_write_statement),
            ("before_commit", _before_commit),
            ("after_transaction_end", _after_transaction_end),
        )
    )
