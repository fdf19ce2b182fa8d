"""Committing and reverting a contact import: drafts kept between the steps, the plan
applied in one transaction, and a whole import undone while its contacts are untouched.

Planning (what each row would do) is in importer.py; this module writes. A file may hold
ten thousand rows, so both directions write with bulk statements (one INSERT per table for
all rows, one UPDATE for all changed contacts) rather than contact by contact: the number
of statements does not grow with the file. What is written is what `create_contact` and
`update_contact` would write (the same fields, search and sort keys, one audit event per
contact with the same changes), except that an update keeps the rows it does not change
(a phone number keeps its label when another is added).
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.audit.models import AuditEvent
from app.audit.services import Action, Actor, diff
from app.common.text import fold
from app.common.time import utcnow
from app.common.written import note_written
from app.extensions import db
from app.organisations.models import Organisation

from .import_files import UNDECIDED
from .import_matching import (
    KnownAddress,
    KnownAffiliation,
    KnownContact,
    KnownNumber,
    KnownTag,
)
from .import_writes import TAG_LENGTH, Writes, insert_for_ids, insert_rows, tags_named
from .importer import ImportNotPossible, ImportPlan, PlannedRow, guess_mapping, plan_import
from .models import (
    Affiliation,
    Contact,
    ContactEmail,
    ContactPhone,
    ImportBatch,
    ImportItem,
    contact_tags,
)
from .services import ContactValues, contact_snapshot, role_record


def start_import(
    *,
    filename: str,
    header: list[str],
    rows: list[list[str]],
    by: Actor,
    encoding: str | None = None,
) -> ImportBatch:
    """Keep an uploaded file as a draft with a guessed mapping (guessed again once the
    encoding of an UNDECIDED file is chosen)."""
    batch = ImportBatch(
        filename=filename[:255],
        header=header,
        rows=rows,
        mapping={} if encoding == UNDECIDED else guess_mapping(header),
        encoding=encoding,
        created_by_id=by.id,
        created_by_name=by.name,
    )
    db.session.add(batch)
    db.session.flush()
    return batch


def commit_import(batch: ImportBatch, *, expected: str, skip_errors: bool, by: Actor) -> ImportPlan:
    """Apply the plan, all of it or nothing (the caller commits one transaction).

    `expected` is the fingerprint of the plan the user confirmed: if the data changed since
    the preview, the import stops so the user can look again. Error rows stop it too unless
    the user chose to skip them.
    """
    if batch.status != "draft":
        raise ImportNotPossible(_("Importen är redan genomförd."))
    if batch.encoding == UNDECIDED:
        raise ImportNotPossible(_("Välj först vilken teckenkodning filen har."))
    plan = plan_import(batch.rows, batch.mapping)
    if plan.fingerprint != expected:
        raise ImportNotPossible(
            _("Registret har ändrats sedan förhandsgranskningen. Granska raderna igen.")
        )
    if plan.count("error") and not skip_errors:
        raise ImportNotPossible(_("Rätta raderna med fel, eller välj att hoppa över dem."))
    rows = [row for row in plan.rows if row.action in ("create", "update")]
    writes = Writes(note=_("Import från %(file)s", file=batch.filename), by=by)
    tags = tags_named(name for row in rows if row.values for name in row.values.tags)
    items = _create(writes, [row for row in rows if row.action == "create"], tags)
    for row in rows:
        if row.action == "update":
            items.append(_update(writes, row, plan.contacts[row.contact_id or 0], tags))
    writes.save()
    for item in items:
        item["batch_id"] = batch.id
        if isinstance(item["affiliation_id"], KnownAffiliation):
            item["affiliation_id"] = item["affiliation_id"].id
    _record_items(items)
    db.session.expire(batch, ["items"])
    batch.status = "committed"
    batch.counts = plan.counts
    batch.committed_at = utcnow()
    batch.last_event_id = db.session.scalar(select(func.max(AuditEvent.id)))
    return plan


def _record_items(items: list[dict[str, Any]]) -> None:
    """The import's items: what each row created or updated, for the result and for undo."""
    insert_rows(ImportItem, items)


def _create(
    writes: Writes, rows: list[PlannedRow], tags: dict[str, KnownTag]
) -> list[dict[str, Any]]:
    """New contacts with their addresses, numbers, tags and role, and the audit event
    `create_contact` records; one INSERT per table. Returns their import items."""
    if not rows:
        return []
    new = [_as_contact(row.values, tags) for row in rows]
    ids = insert_for_ids(
        Contact,
        [
            {
                "first_name": c.first_name,
                "last_name": c.last_name,
                "notes": c.notes,
                "search_text": c.search_text,
                "sort_name": c.sort_name,
                "version": 1,
            }
            for c in new
        ],
    )
    note_written("contacts", ids)
    organisations = _organisations({row.organisation_id or 0 for row in rows})
    emails, phones, links, affiliations, items = [], [], [], [], []
    for contact_id, contact, row in zip(ids, new, rows, strict=True):
        emails += [{"contact_id": contact_id, **e._asdict()} for e in contact.emails]
        phones += [{"contact_id": contact_id, **p._asdict()} for p in contact.phones]
        links += [{"contact_id": contact_id, "tag_id": t.id} for t in contact.tags]
        changes = diff({}, contact_snapshot(contact))
        organisation = organisations.get(row.organisation_id or 0)
        if organisation is not None:
            title = row.title.strip()
            affiliations.append(
                {"contact_id": contact_id, "organisation_id": organisation.id, "title": title}
            )
            changes["affiliation"] = [None, role_record(organisation.id, title)]
        writes.event(contact_id, changes, Action.IMPORT)
        items.append(_item(contact_id, row, "created"))
    insert_rows(ContactEmail, emails)
    insert_rows(ContactPhone, phones)
    insert_rows(contact_tags, links)
    insert_rows(Affiliation, affiliations)
    return items


def _update(
    writes: Writes, row: PlannedRow, contact: KnownContact, tags: dict[str, KnownTag]
) -> dict[str, Any]:
    """Add what the row brings to an existing contact, as `update_contact` would with the
    contact merged with the row (nothing is removed or renamed). Returns its import item."""
    assert row.values is not None
    before = contact_snapshot(contact)
    before["titles"] = {str(a.id): a.title for a in contact.affiliations if a.id is not None}
    incoming = _as_contact(row.values, tags)
    writes.touch(contact)
    notes = contact.notes
    if incoming.notes and incoming.notes not in notes:
        notes = f"{notes}\n{incoming.notes}".strip()
    contact.first_name = contact.first_name.strip()
    contact.last_name = contact.last_name.strip()
    contact.notes = notes.strip()
    contact.emails += _appended(contact.emails, incoming.emails)
    contact.phones += _appended(contact.phones, incoming.phones)
    keys = {t.key for t in contact.tags}
    contact.tags += [t for t in incoming.tags if t.key not in keys]
    contact.index()
    writes.changed(contact, before, Action.IMPORT)
    item = _item(contact.id, row, "updated", before)
    if row.organisation_id:
        current = [
            a for a in contact.current_affiliations() if a.organisation_id == row.organisation_id
        ]
        if current and row.title and current[0].title != row.title:
            current[0].title = row.title
        elif not current:
            added = KnownAffiliation(None, row.organisation_id, row.title)
            contact.affiliations.append(added)
            item["affiliation_id"] = added  # its id once inserted
    return item


def _appended(known: list[Any], incoming: list[Any]) -> list[Any]:
    """The addresses (or numbers) of `incoming` not in `known`, positioned after them."""
    values = {x[0] for x in known}
    position = known[-1].position + 1 if known else 0
    added = []
    for value in incoming:
        if value[0] not in values:
            values.add(value[0])
            added.append(value._replace(position=position))
            position += 1
    return added


def _as_contact(values: ContactValues | None, tags: dict[str, KnownTag]) -> KnownContact:
    """A row's values as a contact (not yet saved), cleaned as the contact form cleans them,
    with its search and sort keys. `KnownContact` borrows `Contact.index`, and
    `contact_snapshot` reads it as it reads a contact."""
    assert values is not None
    row_tags = {key: tags[key] for name in values.tags if (key := fold(name.strip())[:TAG_LENGTH])}
    contact = KnownContact(
        id=0,
        version=1,
        first_name=values.first_name.strip(),
        last_name=values.last_name.strip(),
        notes=values.notes.strip(),
        emails=[KnownAddress(a, i) for i, a in enumerate(values.emails)],
        phones=[KnownNumber(n, i) for i, n in enumerate(values.phones)],
        tags=list(row_tags.values()),
    )
    contact.index()
    return contact


def _item(
    contact_id: int, row: PlannedRow, action: str, before: dict[str, Any] | None = None
) -> dict[str, Any]:
    return {
        "contact_id": contact_id,
        "row_number": row.number,
        "action": action,
        "before": before or {},
        "affiliation_id": None,
    }


def _organisations(ids: set[int]) -> dict[int, Organisation]:
    return {
        o.id: o
        for o in db.session.scalars(
            select(Organisation)
            .options(selectinload(Organisation.parent))
            .where(Organisation.id.in_(ids))
        )
    }


def recent_imports(limit: int = 50) -> list[ImportBatch]:
    return list(
        db.session.scalars(
            select(ImportBatch)
            .where(ImportBatch.status != "draft")
            .order_by(ImportBatch.id.desc())
            .limit(limit)
        )
    )
