"""Erasure of one contact's personal data by anonymisation (GDPR art. 17).

Erasure keeps the contact row, its affiliations, meeting participation and follow-up links, so
meetings, organisations and statistics keep their counts, while the person's data is replaced
wherever a copy of it is kept:
- on the contact: names, e-mail addresses, phone numbers, notes, tags, affiliation titles;
- in the contact's earlier history: every recorded value of those fields, and any text in its
  other events (an affiliation's title, a merge note) that contains one of them;
- in other records' history (a meeting's recorded participants or notes, another contact's
  notes): every full name, address or number of the person;
- in the import records: the snapshot kept for undoing an import, and the uploaded rows.
Free text staff wrote in meetings and follow-ups cannot be rewritten safely by a machine:
`erasure_preview` lists where the person is named so an administrator can review it first.

Like the register extract (`personal_data.py`) this module reads meetings and follow-ups, so
it sits above them in the import order; only the routes import it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Text, and_, cast, func, or_, select

from app.audit.models import AuditEvent
from app.audit.services import Action, Actor, record
from app.common.exceptions import DomainError
from app.common.text import fold, like_pattern
from app.common.time import utcnow
from app.common.validation import display_phone
from app.contacts.models import Contact, ImportBatch, ImportItem
from app.extensions import db
from app.followups.models import FollowUp
from app.meetings.models import Meeting, meeting_contacts

from .extract import contact_events, pair

#: The contact's fields the history records that hold the person's own data.
PERSONAL_FIELDS = ("first_name", "last_name", "notes", "emails", "phones", "tags")
#: Mentions to review: candidates fetched by SQL, and how many are shown.
REVIEW_CANDIDATES = 500
REVIEW_LIMIT = 100


class AnonymisationRefused(DomainError):
    """The contact cannot be anonymised as asked; the message says why."""


def erased_marker() -> str:
    """What replaces erased values in the history and import records."""
    return _("[raderad]")


@dataclass
class Traces:
    """The person's data as it appears anywhere: every name, address and number they have
    had (from the contact and its history), and the texts and titles stored about them."""

    first_names: set[str] = field(default_factory=set)
    last_names: set[str] = field(default_factory=set)
    emails: set[str] = field(default_factory=set)
    phones: set[str] = field(default_factory=set)
    texts: set[str] = field(default_factory=set)

    @property
    def full_names(self) -> set[str]:
        firsts, lasts = self.first_names or {""}, self.last_names or {""}
        names = {f"{first} {last}".strip() for first in firsts for last in lasts}
        names |= {f"{last}, {first}" for first in firsts for last in lasts if first and last}
        return {n for n in names if n}

    @property
    def identifiers(self) -> set[str]:
        """What names this person and no one else, as far as text can tell: full names,
        addresses and numbers (a first or last name alone may be someone else's)."""
        numbers = self.phones | {display_phone(p) for p in self.phones}
        return {t for t in (self.full_names | self.emails | numbers) if len(t) >= 2}

    def pattern(self, *, everything: bool) -> re.Pattern[str] | None:
        """A regex matching a trace as a whole word (longest first), ignoring case: the
        identifiers, and with `everything` also single names, notes and titles."""
        terms = set(self.identifiers)
        if everything:
            terms |= self.first_names | self.last_names | self.texts
        return _words_pattern(terms)


def _words_pattern(terms: Iterable[str]) -> re.Pattern[str] | None:
    words = sorted({t.strip() for t in terms if len(t.strip()) >= 2}, key=len, reverse=True)
    if not words:
        return None
    alternatives = "|".join(re.escape(w) for w in words)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def _add(values: set[str], value: Any) -> None:
    if isinstance(value, str) and value.strip():
        values.add(value.strip())
    elif isinstance(value, list):
        for item in value:
            _add(values, item)


def collect_traces(contact: Contact, events: Iterable[AuditEvent]) -> Traces:
    """What to erase: the contact's values now and every value its history recorded."""
    traces = Traces()
    _add(traces.first_names, contact.first_name)
    _add(traces.last_names, contact.last_name)
    _add(traces.emails, [e.address for e in contact.emails])
    _add(traces.phones, [p.number for p in contact.phones])
    _add(traces.texts, contact.notes)
    _add(traces.texts, [a.title for a in contact.affiliations])
    targets = {
        "first_name": traces.first_names,
        "last_name": traces.last_names,
        "emails": traces.emails,
        "phones": traces.phones,
        "notes": traces.texts,
    }
    for event in events:
        for name, change in (event.changes or {}).items():
            if name in targets:
                _add(targets[name], list(pair(change)))
    return traces


def _blank(value: Any) -> Any:
    """An erased field value: empty stays empty (the history still shows a change)."""
    return value if value in (None, "", []) else erased_marker()


def _scrub(value: Any, pattern: re.Pattern[str] | None) -> Any:
    """`value` with every trace in its text replaced by the marker."""
    if isinstance(value, str) and pattern is not None:
        return pattern.sub(erased_marker(), value)
    if isinstance(value, list):
        return [_scrub(v, pattern) for v in value]
    if isinstance(value, dict):
        return {k: _scrub(v, pattern) for k, v in value.items()}
    return value


def _scrub_contact_event(event: AuditEvent, pattern: re.Pattern[str] | None) -> None:
    changes = {}
    for name, change in (event.changes or {}).items():
        if name in PERSONAL_FIELDS:
            changes[name] = [_blank(v) for v in pair(change)]
        else:
            changes[name] = _scrub(change, pattern)
    event.changes = changes  # a new object: JSON columns do not track changes inside
    event.note = _scrub(event.note, pattern)


def events_naming(traces: Traces, *, besides: int) -> list[AuditEvent]:
    """History events of other records (meetings, follow-ups, other contacts) that name the
    person by an identifier, such as a meeting's recorded participants or notes.

    SQL finds candidates in the stored JSON text (in the form it is stored, with non-ASCII
    letters escaped, and as typed); each is confirmed word by word as the app reads it."""
    pattern = traces.pattern(everything=False)
    if pattern is None:
        return []
    conditions = []
    for term in traces.identifiers:
        for form in {term, json.dumps(term)[1:-1]}:
            conditions.append(cast(AuditEvent.changes, Text).like(like_pattern(form), escape="\\"))
        conditions.append(AuditEvent.note.like(like_pattern(term), escape="\\"))
    candidates = db.session.scalars(
        select(AuditEvent).where(
            or_(*conditions),
            ~and_(AuditEvent.entity_type == Contact.__tablename__, AuditEvent.entity_id == besides),
        )
    )
    return [
        event
        for event in candidates
        if pattern.search(json.dumps([event.changes, event.note], ensure_ascii=False))
    ]


def _scrub_import_records(contact: Contact, traces: Traces) -> int:
    """Erase the person from import records: the snapshot kept for undoing an import, and the
    uploaded rows (the rows behind the contact, and any row with one of its addresses).
    Returns the number of rows erased."""
    items = db.session.scalars(select(ImportItem).where(ImportItem.contact_id == contact.id)).all()
    for item in items:
        if item.before:
            before = {k: _blank(v) if k in PERSONAL_FIELDS else v for k, v in item.before.items()}
            if isinstance(before.get("titles"), dict):
                before["titles"] = {k: _blank(v) for k, v in before["titles"].items()}
            item.before = before
    linked: dict[int, set[int]] = {}
    for item in items:
        linked.setdefault(item.batch_id, set()).add(item.row_number - 2)  # row 1 is the header
    emails = {e.lower() for e in traces.emails}
    conditions = [ImportBatch.id.in_(list(linked))] if linked else []
    conditions += [
        func.lower(cast(ImportBatch.rows, Text)).contains(e, autoescape=True) for e in emails
    ]
    if not conditions:
        return 0
    erased = 0
    for batch in db.session.scalars(select(ImportBatch).where(or_(*conditions))):
        rows = [list(row) for row in batch.rows]
        wanted = linked.get(batch.id, set())
        for index, row in enumerate(rows):
            text = " ".join(str(cell) for cell in row).lower()
            if index in wanted or any(e in text for e in emails):
                rows[index] = [_blank(cell) for cell in row]
                erased += 1
        batch.rows = rows
    return erased


def anonymise_contact(contact: Contact, *, reason: str, by: Actor) -> AuditEvent:
    """Erase the person's data from the contact and from every record that copied it, keeping
    the contact, its affiliations, meetings and follow-ups so all counts stay; record the
    erasure with its reason. Raises AnonymisationRefused if already done or without reason.
    """
    reason = " ".join(reason.split())
    if contact.anonymised_at is not None:
        raise AnonymisationRefused(_("Kontakten är redan anonymiserad."))
    if not reason:
        raise AnonymisationRefused(_("Ange skälet till anonymiseringen."))
    events = contact_events(contact.id)
    traces = collect_traces(contact, events)
    everything = traces.pattern(everything=True)
    for event in events:
        _scrub_contact_event(event, everything)
    identifiers = traces.pattern(everything=False)
    for event in events_naming(traces, besides=contact.id):
        event.changes = _scrub(event.changes, identifiers)
        event.note = _scrub(event.note, identifiers)
    _scrub_import_records(contact, traces)

    had = {name: bool(getattr(contact, name)) for name in PERSONAL_FIELDS}
    contact.first_name = _("Anonymiserad")
    contact.last_name = _("kontakt #%(id)d", id=contact.id)
    contact.notes = ""
    contact.emails, contact.phones, contact.tags = [], [], []
    for affiliation in contact.affiliations:
        affiliation.title = ""
    contact.anonymised_at = utcnow()
    contact.version += 1
    contact.index()
    db.session.flush()
    # What the history shows of the erasure itself: which fields were cleared, never what
    # they held.
    changes = {
        name: [erased_marker() if had[name] else "", getattr(contact, name)]
        for name in ("first_name", "last_name")
    }
    changes |= {
        name: [erased_marker(), [] if name != "notes" else ""]
        for name in ("notes", "emails", "phones", "tags")
        if had[name]
    }
    return record(entity=contact, action=Action.ANONYMISE, by=by, changes=changes, note=reason)


@dataclass
class ErasurePreview:
    """What anonymising a contact keeps and touches, for the confirmation page."""

    meetings: int
    follow_ups: int
    affiliations: int
    events: int
    other_events: int
    import_items: int
    meetings_to_review: list[Meeting]
    follow_ups_to_review: list[FollowUp]


def _mentions(texts: Iterable[str | None], pattern: re.Pattern[str]) -> bool:
    return any(pattern.search(fold(t)) for t in texts if t)


def erasure_preview(contact: Contact) -> ErasurePreview:
    """Counts of what is kept and what is erased, and the meetings and follow-ups whose free
    text names the person (full name, last name or e-mail address; found by SQL, confirmed
    word by word with case and accents folded), newest first."""
    meetings = db.session.scalar(
        select(func.count(Meeting.id))
        .join(meeting_contacts, meeting_contacts.c.meeting_id == Meeting.id)
        .where(meeting_contacts.c.contact_id == contact.id)
    )
    follow_ups = db.session.scalar(
        select(func.count(FollowUp.id)).where(FollowUp.contact_id == contact.id)
    )
    events = contact_events(contact.id)
    items = db.session.scalar(
        select(func.count(ImportItem.id)).where(ImportItem.contact_id == contact.id)
    )
    others = events_naming(collect_traces(contact, events), besides=contact.id)
    words = [w.strip() for w in (contact.full_name, contact.last_name) if len(w.strip()) >= 2]
    words += [e.address for e in contact.emails]
    meeting_hits: list[Meeting] = []
    follow_up_hits: list[FollowUp] = []
    folded = _words_pattern(fold(w) for w in words)
    if folded is not None:

        def like(*columns: Any) -> Any:
            return or_(*(c.ilike(like_pattern(w), escape="\\") for c in columns for w in words))

        candidates = db.session.scalars(
            select(Meeting)
            .where(like(Meeting.title, Meeting.agenda, Meeting.notes, Meeting.outcome))
            .order_by(Meeting.starts_at.desc(), Meeting.id.desc())
            .limit(REVIEW_CANDIDATES)
        )
        meeting_hits = [
            m for m in candidates if _mentions((m.title, m.agenda, m.notes, m.outcome), folded)
        ][:REVIEW_LIMIT]
        found = db.session.scalars(
            select(FollowUp)
            .where(like(FollowUp.title, FollowUp.description, FollowUp.completion_note))
            .order_by(FollowUp.due_on.desc(), FollowUp.id.desc())
            .limit(REVIEW_CANDIDATES)
        )
        follow_up_hits = [
            f for f in found if _mentions((f.title, f.description, f.completion_note), folded)
        ][:REVIEW_LIMIT]
    return ErasurePreview(
        meetings=meetings or 0,
        follow_ups=follow_ups or 0,
        affiliations=len(contact.affiliations),
        events=len(events),
        other_events=len(others),
        import_items=items or 0,
        meetings_to_review=meeting_hits,
        follow_ups_to_review=follow_up_hits,
    )
