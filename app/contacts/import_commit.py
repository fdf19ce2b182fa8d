"""Committing and reverting a contact import: drafts kept between the steps, the plan
applied in one transaction, and a whole import undone while its contacts are untouched.

Planning (what each row would do) is in importer.py; this module writes.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.audit.services import Action, Actor, record
from app.common.references import is_referred_to
from app.common.soft_delete import including_deleted
from app.common.time import utcnow
from app.extensions import db
from app.organisations.models import Organisation

from .import_matching import chunks
from .importer import ImportNotPossible, ImportPlan, PlannedRow, guess_mapping, plan_import
from .models import Affiliation, Contact, ImportBatch, ImportItem
from .services import ContactValues, contact_snapshot, create_contact, update_contact


def start_import(
    *, filename: str, header: list[str], rows: list[list[str]], by: Actor
) -> ImportBatch:
    """Keep an uploaded file as a draft with a guessed mapping."""
    batch = ImportBatch(
        filename=filename[:255],
        header=header,
        rows=rows,
        mapping=guess_mapping(header),
        created_by_id=by.id,
        created_by_name=by.name,
    )
    db.session.add(batch)
    db.session.flush()
    return batch


def _merged(contact: Contact, values: ContactValues) -> ContactValues:
    """The contact with what the row adds; nothing is removed or renamed."""
    notes = contact.notes
    if values.notes and values.notes not in notes:
        notes = f"{notes}\n{values.notes}".strip()
    return ContactValues(
        first_name=contact.first_name,
        last_name=contact.last_name,
        emails=[e.address for e in contact.emails] + values.emails,
        phones=[p.number for p in contact.phones] + values.phones,
        tags=[t.name for t in contact.tags] + values.tags,
        notes=notes,
    )


def commit_import(batch: ImportBatch, *, expected: str, skip_errors: bool, by: Actor) -> ImportPlan:
    """Apply the plan, all of it or nothing (the caller commits one transaction).

    `expected` is the fingerprint of the plan the user confirmed: if the data changed since
    the preview, the import stops so the user can look again. Error rows stop it too unless
    the user chose to skip them.
    """
    if batch.status != "draft":
        raise ImportNotPossible(_("Importen är redan genomförd."))
    plan = plan_import(batch.rows, batch.mapping)
    if plan.fingerprint != expected:
        raise ImportNotPossible(
            _("Registret har ändrats sedan förhandsgranskningen. Granska raderna igen.")
        )
    if plan.count("error") and not skip_errors:
        raise ImportNotPossible(_("Rätta raderna med fel, eller välj att hoppa över dem."))
    note = _("Import från %(file)s", file=batch.filename)
    organisations = {
        o.id: o
        for o in db.session.scalars(
            select(Organisation).where(
                Organisation.id.in_({r.organisation_id for r in plan.rows if r.organisation_id})
            )
        )
    }
    for row in plan.rows:
        if row.action == "create":
            _create(batch, row, organisations, note=note, by=by)
        elif row.action == "update":
            _update(batch, row, organisations, note=note, by=by)
    db.session.flush()
    batch.status = "committed"
    batch.counts = plan.counts
    batch.committed_at = utcnow()
    batch.last_event_id = db.session.scalar(select(func.max(AuditEvent.id)))
    return plan


def _create(
    batch: ImportBatch,
    row: PlannedRow,
    organisations: dict[int, Organisation],
    *,
    note: str,
    by: Actor,
) -> None:
    contact = create_contact(
        values=row.values,
        organisation=organisations.get(row.organisation_id) if row.organisation_id else None,
        title=row.title,
        by=by,
        note=note,
        action=Action.IMPORT,
    )
    batch.items.append(ImportItem(contact_id=contact.id, row_number=row.number, action="created"))


def _update(
    batch: ImportBatch,
    row: PlannedRow,
    organisations: dict[int, Organisation],
    *,
    note: str,
    by: Actor,
) -> None:
    contact = db.session.get(Contact, row.contact_id)
    before = contact_snapshot(contact)
    before["titles"] = {str(a.id): a.title for a in contact.affiliations}
    update_contact(
        contact,
        values=_merged(contact, row.values),
        expected_version=contact.version,
        by=by,
        action=Action.IMPORT,
        note=note,
    )
    added = None
    if row.organisation_id:
        current = [
            a for a in contact.current_affiliations() if a.organisation_id == row.organisation_id
        ]
        if current and row.title and current[0].title != row.title:
            current[0].title = row.title
        elif not current:
            added = Affiliation(organisation=organisations[row.organisation_id], title=row.title)
            contact.affiliations.append(added)
            db.session.flush()
    batch.items.append(
        ImportItem(
            contact_id=contact.id,
            row_number=row.number,
            action="updated",
            before=before,
            affiliation_id=added.id if added else None,
        )
    )


def changed_since(batch: ImportBatch) -> list[str]:
    """Names of the import's contacts that have been changed, merged or removed since."""
    ids = [item.contact_id for item in batch.items if item.contact_id]
    missing = [item for item in batch.items if item.contact_id is None]
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
    names += [_("rad %(n)d (borttagen)", n=item.row_number) for item in missing]
    return names


def revert_import(batch: ImportBatch, *, by: Actor) -> None:
    """Undo a whole import while none of its contacts has been touched since."""
    if batch.status != "committed":
        raise ImportNotPossible(_("Bara en genomförd import kan ångras."))
    touched = changed_since(batch)
    created = [db.session.get(Contact, i.contact_id) for i in batch.items if i.action == "created"]
    touched += [c.full_name for c in created if c is not None and is_referred_to(c)]
    if touched:
        raise ImportNotPossible(
            _(
                "Importen kan inte ångras: de här kontakterna har ändrats sedan dess: %(names)s",
                names=", ".join(sorted(set(touched))),
            )
        )
    note = _("Ångrad import från %(file)s", file=batch.filename)
    for item in batch.items:
        contact = db.session.get(Contact, item.contact_id)
        if item.action == "created":
            record(entity=contact, action=Action.REVERT, by=by, note=note)
            db.session.delete(contact)
        else:
            _restore(contact, item, note=note, by=by)
    batch.status = "reverted"
    batch.reverted_at = utcnow()


def _restore(contact: Contact, item: ImportItem, *, note: str, by: Actor) -> None:
    before = item.before
    if item.affiliation_id:
        added = db.session.get(Affiliation, item.affiliation_id)
        if added is not None:
            contact.affiliations.remove(added)
    titles = before.get("titles", {})
    for affiliation in contact.affiliations:
        if str(affiliation.id) in titles:
            affiliation.title = titles[str(affiliation.id)]
    values = ContactValues(
        first_name=before["first_name"],
        last_name=before["last_name"],
        emails=before["emails"],
        phones=before["phones"],
        tags=before["tags"],
        notes=before["notes"],
    )
    update_contact(
        contact,
        values=values,
        expected_version=contact.version,
        by=by,
        action=Action.REVERT,
        note=note,
    )


def recent_imports(limit: int = 50) -> list[ImportBatch]:
    return list(
        db.session.scalars(
            select(ImportBatch)
            .where(ImportBatch.status != "draft")
            .order_by(ImportBatch.id.desc())
            .limit(limit)
        )
    )
