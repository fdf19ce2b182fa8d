"""Undoing a whole contact import while none of its contacts has been touched since."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, select

from app.audit.models import AuditEvent
from app.audit.services import Action, Actor
from app.common.references import referring_columns
from app.common.soft_delete import including_deleted
from app.common.text import fold
from app.common.time import utcnow
from app.common.written import note_written
from app.extensions import db

from .import_matching import (
    KnownAddress,
    KnownContact,
    KnownNumber,
    KnownTag,
    chunks,
    known_contacts,
)
from .import_writes import TAG_LENGTH, Writes, tags_named
from .importer import ImportNotPossible
from .models import (
    Contact,
    ImportBatch,
    ImportItem,
    full_name,
)
from .services import (
    clean_emails,
    clean_phones,
    contact_snapshot,
)


def changed_since(batch: ImportBatch) -> list[str]:
    """Names of the import's contacts that have been changed, merged or removed since."""
    items = db.session.execute(
        select(ImportItem.contact_id, ImportItem.row_number)
        .where(ImportItem.batch_id == batch.id)
        .order_by(ImportItem.row_number)
    ).all()
    ids = sorted({contact_id for contact_id, _n in items if contact_id})
    missing = [number for contact_id, number in items if contact_id is None]
    touched: set[int] = set()
    for chunk in chunks(ids):
        touched.update(
            db.session.scalars(
                select(AuditEvent.entity_id).where(
                    AuditEvent.entity_type == Contact.__tablename__,
                    AuditEvent.entity_id.in_(chunk),
                    AuditEvent.id > (batch.last_event_id or 0),
                )
            )
        )
    # A contact moved to the trash counts as changed; its name is still wanted here.
    names = []
    for chunk in chunks(sorted(touched)):
        names += db.session.scalars(
            including_deleted(
                select(Contact.first_name + " " + Contact.last_name)
                .where(Contact.id.in_(chunk))
                .order_by(Contact.id)
            )
        )
    names += [_("rad %(n)d (borttagen)", n=n) for n in missing]
    return names


def revert_import(batch: ImportBatch, *, by: Actor) -> None:
    """Undo a whole import while none of its contacts has been touched since: the contacts
    it created are deleted, the ones it updated get back what they had."""
    if batch.status != "committed":
        raise ImportNotPossible(_("Bara en genomförd import kan ångras."))
    touched = changed_since(batch)
    items = db.session.execute(
        select(
            ImportItem.contact_id, ImportItem.action, ImportItem.before, ImportItem.affiliation_id
        )
        .where(ImportItem.batch_id == batch.id, ImportItem.contact_id.is_not(None))
        .order_by(ImportItem.row_number)
    ).all()
    created = sorted({i.contact_id for i in items if i.action == "created"})
    touched += _referred_to(created)
    if touched:
        raise ImportNotPossible(
            _(
                "Importen kan inte ångras: de här kontakterna har ändrats sedan dess: %(names)s",
                names=", ".join(sorted(set(touched))),
            )
        )
    writes = Writes(note=_("Ångrad import från %(file)s", file=batch.filename), by=by)
    for contact_id in created:
        writes.event(contact_id, {}, Action.REVERT)
    updated = [i for i in items if i.action == "updated"]
    contacts = known_contacts(sorted({i.contact_id for i in updated}))
    tags = tags_named(name for i in updated for name in i.before.get("tags", []))
    # Newest first: a contact that two rows updated gets back what it had before the first.
    for item in reversed(updated):
        contact = contacts.get(item.contact_id)
        if contact is not None:
            _restore(writes, contact, item.before, item.affiliation_id, tags)
    # Their addresses, numbers, tags and roles go with them (ON DELETE CASCADE).
    for chunk in chunks(created):
        db.session.execute(delete(Contact.__table__).where(Contact.id.in_(chunk)))
    note_written("contacts", created)
    writes.save()
    batch.status = "reverted"
    batch.reverted_at = utcnow()


def _referred_to(ids: list[int]) -> list[str]:
    """Names of the contacts among `ids` that other records refer to (meetings, follow-ups
    …): `is_referred_to` for many contacts at once."""
    referred: set[int] = set()
    for column in referring_columns(Contact.__tablename__):
        for chunk in chunks(ids):
            referred.update(db.session.scalars(select(column).where(column.in_(chunk))))
    names = []
    for chunk in chunks(sorted(referred)):
        names += [
            full_name(first, last)
            for first, last in db.session.execute(
                select(Contact.first_name, Contact.last_name).where(Contact.id.in_(chunk))
            )
        ]
    return names


def _restore(
    writes: Writes,
    contact: KnownContact,
    before: dict[str, Any],
    affiliation_id: int | None,
    tags: dict[str, KnownTag],
) -> None:
    """Give a contact back what it had before the import, as `update_contact` would with
    those values, and take away the role the import added."""
    now = contact_snapshot(contact)
    writes.touch(contact)
    contact.affiliations = [a for a in contact.affiliations if a.id != affiliation_id]
    titles = before.get("titles", {})
    for affiliation in contact.affiliations:
        affiliation.title = titles.get(str(affiliation.id), affiliation.title)
    contact.first_name = before["first_name"].strip()
    contact.last_name = before["last_name"].strip()
    contact.notes = before["notes"].strip()
    contact.emails = _restored(contact.emails, clean_emails(before["emails"]), KnownAddress)
    contact.phones = _restored(contact.phones, clean_phones(before["phones"]), KnownNumber)
    keys = [key for name in before["tags"] if (key := fold(name.strip())[:TAG_LENGTH])]
    contact.tags = list({key: tags[key] for key in keys}.values())
    contact.index()
    writes.changed(contact, now, Action.REVERT)


def _restored(current: list[Any], values: list[str], make: Any) -> list[Any]:
    """`values` as addresses (or numbers), keeping the current ones where they are."""
    kept = [x for x in current if x[0] in values]
    if [x[0] for x in kept] == values:
        return kept
    return [make(value, position) for position, value in enumerate(values)]
