"""The register extract (registerutdrag): everything stored about one contact, for an access
request under GDPR art. 15, as JSON and as a workbook with one sheet per section.

A person's data reaches beyond the contacts domain (the meetings they took part in, the
follow-ups about them), so this module, like reports, sits above meetings and follow-ups in
the import order; only the routes import it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from app.audit.display import in_words
from app.audit.models import AuditEvent
from app.audit.services import action_label, describe_value
from app.common.spreadsheets import Sheet, Value, code
from app.common.time import to_local, utcnow
from app.contacts.models import Affiliation, Contact
from app.contacts.queries import contact_with_details
from app.extensions import db
from app.followups.models import FollowUp
from app.meetings.models import Meeting, meeting_contacts
from app.organisations.models import Organisation


@dataclass
class PersonalData:
    """Everything stored about one contact, for an access request."""

    contact: Contact
    affiliations: list[Affiliation]
    meetings: list[Meeting]
    follow_ups: list[FollowUp]
    events: list[AuditEvent]
    generated_at: datetime


def load_personal_data(contact_id: int, *, now: datetime | None = None) -> PersonalData | None:
    """The contact and everything about it in a fixed number of statements (None if absent)."""
    contact = db.session.scalar(contact_with_details(contact_id))
    if contact is None:
        return None
    meetings = db.session.scalars(
        select(Meeting)
        .join(meeting_contacts, meeting_contacts.c.meeting_id == Meeting.id)
        .where(meeting_contacts.c.contact_id == contact.id)
        .options(selectinload(Meeting.organisations).selectinload(Organisation.parent))
        .order_by(Meeting.starts_at, Meeting.id)
    ).all()
    follow_ups = db.session.scalars(
        select(FollowUp)
        .where(FollowUp.contact_id == contact.id)
        .options(
            joinedload(FollowUp.owner),
            joinedload(FollowUp.meeting),
            joinedload(FollowUp.organisation).joinedload(Organisation.parent),
        )
        .order_by(FollowUp.due_on, FollowUp.id)
    ).all()
    affiliations = sorted(contact.affiliations, key=lambda a: (a.started_on or date.min, a.id))
    return PersonalData(
        contact=contact,
        affiliations=affiliations,
        meetings=list(meetings),
        follow_ups=list(follow_ups),
        events=contact_events(contact.id),
        generated_at=now or utcnow(),
    )


def contact_events(contact_id: int) -> list[AuditEvent]:
    """Every history event of a contact, oldest first."""
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(
                AuditEvent.entity_type == Contact.__tablename__,
                AuditEvent.entity_id == contact_id,
            )
            .order_by(AuditEvent.occurred_at, AuditEvent.id)
        )
    )


def _moment(value: datetime | None) -> str | None:
    """ISO 8601 in Stockholm time, with its offset."""
    return to_local(value).isoformat() if value is not None else None


def _day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _naive_local(value: datetime | None) -> datetime | None:
    """A Stockholm wall-clock time for a spreadsheet cell (Excel has no time zones)."""
    return to_local(value).replace(tzinfo=None) if value is not None else None


def extract_dict(data: PersonalData) -> dict[str, Any]:
    """The register extract as plain data: the contact, affiliations, meetings, follow-ups
    and history. Times are in Stockholm time with their offset; codes are shown as words."""
    contact = data.contact
    words = _history_words(data)
    return {
        "contact_id": contact.id,
        "generated_at": _moment(data.generated_at),
        "contact": {
            "first_name": contact.first_name,
            "last_name": contact.last_name,
            "emails": [e.address for e in contact.emails],
            "phones": [p.number for p in contact.phones],
            "tags": [t.name for t in contact.tags],
            "notes": contact.notes,
            "created_at": _moment(contact.created_at),
            "updated_at": _moment(contact.updated_at),
            "anonymised_at": _moment(contact.anonymised_at),
        },
        "affiliations": [
            {
                "organisation": a.organisation.display_name,
                "title": a.title,
                "started_on": _day(a.started_on),
                "ended_on": _day(a.ended_on),
            }
            for a in data.affiliations
        ],
        "meetings": [
            {
                "id": m.id,
                "title": m.title,
                "kind": m.kind.label,
                "status": m.status.label,
                "starts_at": _moment(m.starts_at),
                "ends_at": _moment(m.ends_at),
                "all_day": m.all_day,
                "place": m.place,
                "organisations": [o.display_name for o in m.organisations],
                "agenda": m.agenda,
                "notes": m.notes,
                "outcome": m.outcome,
            }
            for m in data.meetings
        ],
        "follow_ups": [
            {
                "id": f.id,
                "title": f.title,
                "description": f.description,
                "status": f.status.label,
                "due_on": _day(f.due_on),
                "owner": f.owner.name,
                "meeting": f.meeting.title if f.meeting else None,
                "organisation": f.organisation.display_name if f.organisation else None,
                "completed_on": _day(f.completed_on),
                "completion_note": f.completion_note,
                "created_at": _moment(f.created_at),
                "updated_at": _moment(f.updated_at),
            }
            for f in data.follow_ups
        ],
        "history": [
            {
                "occurred_at": _moment(e.occurred_at),
                "actor": e.actor_name,
                "action": action_label(e.action),
                "note": e.note,
                "changes": {
                    name: {"before": words(name, before), "after": words(name, after)}
                    for name, (before, after) in map(_named_pair, e.changes.items())
                },
            }
            for e in data.events
        ],
    }


def _history_words(data: PersonalData) -> Any:
    """Recorded values holding ids (a role's organisation) in words, as the history shows them."""
    return in_words(Contact.__tablename__, [e.changes for e in data.events])


def _named_pair(item: tuple[str, Any]) -> tuple[str, tuple[Any, Any]]:
    return item[0], pair(item[1])


def pair(change: Any) -> tuple[Any, Any]:
    """A recorded change as (before, after)."""
    if isinstance(change, list | tuple) and len(change) == 2:
        return change[0], change[1]
    return None, change


def extract_json(data: PersonalData) -> bytes:
    """The extract as UTF-8 JSON, keys sorted so two extracts compare line by line."""
    text = json.dumps(extract_dict(data), ensure_ascii=False, sort_keys=True, indent=2)
    return (text + "\n").encode("utf-8")


def extract_sheets(data: PersonalData, *, labels: Mapping[str, Any]) -> list[Sheet]:
    """The extract as spreadsheet tables, one per section, with Swedish headers. `labels`
    names the history's fields."""
    contact = data.contact
    facts: list[tuple[str, Value]] = [
        (_("Kontaktnummer"), contact.id),
        (_("Förnamn"), contact.first_name),
        (_("Efternamn"), contact.last_name),
        (_("E-post"), ", ".join(e.address for e in contact.emails)),
        (_("Telefon"), code(", ".join(p.display for p in contact.phones))),
        (_("Taggar"), ", ".join(t.name for t in contact.tags)),
        (_("Anteckningar"), contact.notes),
        (_("Skapad"), _naive_local(contact.created_at)),
        (_("Senast ändrad"), _naive_local(contact.updated_at)),
        (_("Anonymiserad"), _naive_local(contact.anonymised_at)),
        (_("Utdraget skapat"), _naive_local(data.generated_at)),
    ]
    history: list[list[Value]] = []
    words = _history_words(data)
    for event in data.events:
        when = _naive_local(event.occurred_at)
        what = action_label(event.action)
        if not event.changes:
            history.append([when, event.actor_name, what, event.note, "", "", ""])
        for name, change in event.changes.items():
            before, after = pair(change)
            history.append(
                [
                    when,
                    event.actor_name,
                    what,
                    event.note,
                    str(labels.get(name, name)),
                    describe_value(words(name, before)),
                    describe_value(words(name, after)),
                ]
            )
    return [
        Sheet(_("Kontakt"), [_("Uppgift"), _("Värde")], [list(f) for f in facts]),
        Sheet(
            _("Roller"),
            [_("Organisation"), _("Roll eller titel"), _("Från och med"), _("Till och med")],
            [
                [a.organisation.display_name, a.title, a.started_on, a.ended_on]
                for a in data.affiliations
            ],
        ),
        Sheet(
            _("Möten"),
            [
                _("Börjar"),
                _("Slutar"),
                _("Rubrik"),
                _("Typ"),
                _("Status"),
                _("Organisationer"),
                _("Plats"),
                _("Dagordning"),
                _("Anteckningar"),
                _("Resultat"),
            ],
            [
                [
                    _naive_local(m.starts_at),
                    _naive_local(m.ends_at),
                    m.title,
                    m.kind.label,
                    m.status.label,
                    ", ".join(o.display_name for o in m.organisations),
                    m.place,
                    m.agenda,
                    m.notes,
                    m.outcome,
                ]
                for m in data.meetings
            ],
        ),
        Sheet(
            _("Uppföljningar"),
            [
                _("Vad ska göras"),
                _("Beskrivning"),
                _("Sista dag"),
                _("Status"),
                _("Ansvarig"),
                _("Möte"),
                _("Organisation"),
                _("Klar"),
                _("Kommentar"),
            ],
            [
                [
                    f.title,
                    f.description,
                    f.due_on,
                    f.status.label,
                    f.owner.name,
                    f.meeting.title if f.meeting else "",
                    f.organisation.display_name if f.organisation else "",
                    f.completed_on,
                    f.completion_note,
                ]
                for f in data.follow_ups
            ],
        ),
        Sheet(
            _("Historik"),
            [
                _("Tidpunkt"),
                _("Av"),
                _("Händelse"),
                _("Notering"),
                _("Fält"),
                _("Före"),
                _("Efter"),
            ],
            history,
        ),
    ]
