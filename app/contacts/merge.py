"""Merging two contacts into one.

The user picks the surviving values of the person's fields; e-mail addresses, phone
numbers and tags are combined. Every row anywhere that points at the removed contact
(affiliations, import records, and whatever later domains link, found from the schema's
foreign keys) is moved to the survivor, the removed contact's history is moved too, and the
merge itself is recorded on the survivor.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import and_, delete, select, update

from app.audit.models import AuditEvent
from app.audit.services import Action, Actor, record
from app.common.exceptions import DomainError, EditConflict
from app.extensions import db

from .models import Contact, ContactEmail, ContactPhone, DuplicateDismissal, contact_tags
from .services import ContactValues, update_contact

#: Links the merge handles itself: addresses, numbers and tags are combined, and judgements
#: that the removed contact is not a duplicate of someone go with it.
COMBINED = {
    ContactEmail.__table__,
    ContactPhone.__table__,
    contact_tags,
    DuplicateDismissal.__table__,
}


class MergeNotPossible(DomainError):
    """The two contacts cannot be merged as asked."""


def _move_links(victim_id: int, survivor_id: int) -> None:
    """Point every foreign key at `victim_id` to `survivor_id`, dropping rows that would then
    duplicate one the survivor already has (composite keys such as participants)."""
    for table in db.metadata.sorted_tables:
        if table in COMBINED:
            continue
        for foreign_key in table.foreign_keys:
            target = foreign_key.column
            if target.table is not Contact.__table__ or target.name != "id":
                continue
            column = foreign_key.parent
            unique_sets = [list(table.primary_key.columns)] + [
                list(c.columns)
                for c in table.constraints
                if c.__class__.__name__ == "UniqueConstraint"
            ]
            for columns in unique_sets:
                others = [c for c in columns if c is not column]
                if column in columns and others:
                    twin = table.alias()
                    clash = select(twin.c[column.name]).where(
                        twin.c[column.name] == survivor_id,
                        *(twin.c[o.name] == o for o in others),
                    )
                    db.session.execute(delete(table).where(column == victim_id, clash.exists()))
            db.session.execute(
                update(table).where(column == victim_id).values({column: survivor_id})
            )


def _dedupe_affiliations(survivor: Contact) -> None:
    seen: set[tuple[Any, ...]] = set()
    for affiliation in sorted(survivor.affiliations, key=lambda a: a.id):
        key = (
            affiliation.organisation_id,
            affiliation.title,
            affiliation.started_on,
            affiliation.ended_on,
        )
        if key in seen:
            survivor.affiliations.remove(affiliation)
        seen.add(key)


def merge_contacts(
    survivor: Contact,
    victim: Contact,
    *,
    first_name: str,
    last_name: str,
    notes: str,
    expected_versions: tuple[int, int],
    by: Actor,
) -> Contact:
    """Merge `victim` into `survivor` and delete `victim`. Raises EditConflict if either was
    saved by someone else after the merge page was opened."""
    if survivor.id == victim.id:
        raise MergeNotPossible(_("En kontakt kan inte slås ihop med sig själv."))
    if (survivor.version, victim.version) != expected_versions:
        raise EditConflict(current=survivor if survivor.version != expected_versions[0] else victim)
    values = ContactValues(
        first_name=first_name,
        last_name=last_name,
        emails=[e.address for e in survivor.emails] + [e.address for e in victim.emails],
        phones=[p.number for p in survivor.phones] + [p.number for p in victim.phones],
        tags=[t.name for t in survivor.tags] + [t.name for t in victim.tags],
        notes=notes,
    )
    victim_id, victim_name = victim.id, victim.full_name
    victim.emails, victim.phones, victim.tags = [], [], []
    db.session.execute(
        delete(DuplicateDismissal).where(
            (DuplicateDismissal.contact_id == victim_id)
            | (DuplicateDismissal.other_id == victim_id)
        )
    )
    db.session.flush()
    _move_links(victim_id, survivor.id)
    db.session.execute(
        update(AuditEvent)
        .where(
            and_(AuditEvent.entity_type == Contact.__tablename__, AuditEvent.entity_id == victim_id)
        )
        .values(entity_id=survivor.id)
    )
    db.session.expire(survivor, ["affiliations"])
    _dedupe_affiliations(survivor)
    note = _("Sammanslagen med %(name)s (nr %(id)d)", name=victim_name, id=victim_id)
    changes = update_contact(
        survivor,
        values=values,
        expected_version=survivor.version,
        by=by,
        action=Action.MERGE,
        note=note,
    )
    if not changes:  # nothing of the person's own fields changed: record the merge anyway
        record(entity=survivor, action=Action.MERGE, by=by, note=note)
    db.session.expire(victim)
    db.session.delete(db.session.get(Contact, victim_id))
    db.session.flush()
    return survivor
