"""Importing contacts: guess the column mapping, plan every row, apply the plan in one
transaction, and revert a finished import.

A plan classifies each row as create, update, skip or error, with the reasons, and writes
nothing. Matching: organisations by kommunkod, organisation number or name; existing
contacts by e-mail address, else by name at the same organisation. An update only adds what
the row brings (new addresses, numbers, tags, a role) and never removes anything.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.audit.models import AuditEvent
from app.audit.services import Action, Actor, record
from app.common.exceptions import DomainError
from app.common.references import is_referred_to
from app.common.text import fold
from app.common.time import utcnow
from app.extensions import db
from app.organisations.models import Organisation
from app.organisations.reference import RENUMBERED_MUNICIPALITIES
from app.organisations.services import normalise_org_number

from .models import Affiliation, Contact, ContactEmail, ImportBatch, ImportItem
from .services import (
    ContactValues,
    InvalidContact,
    clean_emails,
    clean_phones,
    contact_snapshot,
    create_contact,
    split_tags,
    update_contact,
)

#: The columns an import can fill, in the order the mapping form shows them.
FIELDS: dict[str, Any] = {
    "first_name": _l("Förnamn"),
    "last_name": _l("Efternamn"),
    "full_name": _l("Namn (för- och efternamn i samma kolumn)"),
    "email": _l("E-post"),
    "phone": _l("Telefon"),
    "organisation": _l("Organisation"),
    "municipality_code": _l("Kommunkod"),
    "org_number": _l("Organisationsnummer"),
    "title": _l("Roll eller titel"),
    "tags": _l("Taggar"),
    "notes": _l("Anteckningar"),
}

#: Header words (folded) that point at each field, Swedish and English.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "first_name": ("fornamn", "first name", "firstname", "given name", "tilltalsnamn"),
    "last_name": ("efternamn", "last name", "lastname", "surname", "family name"),
    "full_name": ("namn", "name", "full name", "fullstandigt namn", "kontaktperson", "person"),
    "email": ("e-post", "epost", "e-postadress", "epostadress", "email", "e-mail", "mail", "mejl"),
    "phone": ("telefon", "tel", "telefonnummer", "mobil", "mobilnummer", "phone", "mobile", "tfn"),
    "organisation": (
        "organisation",
        "organization",
        "org",
        "kommun",
        "myndighet",
        "arbetsgivare",
        "employer",
        "company",
        "foretag",
        "forvaltning",
    ),
    "municipality_code": ("kommunkod", "kommunnummer", "kommunnr", "municipality code", "kod"),
    "org_number": (
        "organisationsnummer",
        "orgnr",
        "org nr",
        "organisationsnr",
        "organization number",
        "org number",
    ),
    "title": ("titel", "roll", "befattning", "title", "role", "position", "job title", "tjanst"),
    "tags": ("taggar", "tagg", "tags", "tag", "kategori", "grupp"),
    "notes": (
        "anteckningar",
        "anteckning",
        "kommentar",
        "kommentarer",
        "notes",
        "note",
        "comment",
        "ovrigt",
    ),
}

CHUNK = 500


class ImportNotPossible(DomainError):
    """The import cannot be committed or reverted as asked; the message says why."""


@dataclass
class PlannedRow:
    """What the import will do with one row of the file."""

    number: int
    action: str  # create, update, skip, error
    reasons: list[str] = field(default_factory=list)
    name: str = ""
    values: ContactValues | None = None
    organisation_id: int | None = None
    title: str = ""
    contact_id: int | None = None


@dataclass
class ImportPlan:
    rows: list[PlannedRow]

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def counts(self) -> dict[str, int]:
        return {a: self.count(a) for a in ("create", "update", "skip", "error")}

    @property
    def fingerprint(self) -> str:
        """What the plan would do, in short: confirming checks it has not changed."""
        return ",".join(f"{r.number}{r.action[0]}{r.contact_id or ''}" for r in self.rows)


# --- Mapping ---------------------------------------------------------------------------------


def _header_key(text: str) -> str:
    return re.sub(r"[^a-z0-9@ -]", "", fold(text).replace("_", " ")).strip()


def guess_mapping(header: Sequence[str]) -> dict[str, int]:
    """Field → column index, from the header's words; each column used at most once."""
    keys = [_header_key(h) for h in header]
    mapping: dict[str, int] = {}
    used: set[int] = set()
    for exact in (True, False):
        for name, words in SYNONYMS.items():
            if name in mapping:
                continue
            for index, key in enumerate(keys):
                if index in used or not key:
                    continue
                hit = key in words if exact else any(w in key for w in words if len(w) > 3)
                if hit:
                    mapping[name] = index
                    used.add(index)
                    break
    if "first_name" in mapping and "last_name" in mapping:
        mapping.pop("full_name", None)
    return mapping


# --- Planning --------------------------------------------------------------------------------


def _cell(row: Sequence[str], mapping: dict[str, int], name: str) -> str:
    index = mapping.get(name)
    if index is None or index >= len(row):
        return ""
    return " ".join(str(row[index]).split())


def split_name(full: str) -> tuple[str, str]:
    """ "Berg, Anna" → ("Anna", "Berg"); "Anna Maria Berg" → ("Anna Maria", "Berg")."""
    if "," in full:
        last, first = (p.strip() for p in full.split(",", 1))
        return first, last
    parts = full.rsplit(" ", 1)
    return (parts[0], parts[1]) if len(parts) == 2 else ("", parts[0])


def _split_cell(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"[;,\n]|\s/\s", text) if p.strip()]


def normalise_municipality_code(text: str) -> str | None:
    digits = re.sub(r"\D", "", text)
    if not digits or len(digits) > 4:
        return None
    code = digits.zfill(4)
    return RENUMBERED_MUNICIPALITIES.get(code, code)


class OrganisationIndex:
    """Every organisation, findable by code, organisation number and (folded) name."""

    SUFFIXES = (" kommun", " kommuns", " stad", " kommunen")

    def __init__(self) -> None:
        self.by_code: dict[str, int] = {}
        self.by_number: dict[str, list[int]] = defaultdict(list)
        self.by_name: dict[str, set[int]] = defaultdict(set)
        rows = db.session.execute(
            select(
                Organisation.id,
                Organisation.name,
                Organisation.short_name,
                Organisation.municipality_code,
                Organisation.org_number,
                Organisation.parent_id,
            ).where(Organisation.archived_at.is_(None))
        ).all()
        names = {row.id: row.name for row in rows}
        for row in rows:
            if row.municipality_code:
                self.by_code[row.municipality_code] = row.id
            if row.org_number:
                # A unit shares its parent's number: the parent is listed first.
                if row.parent_id is None:
                    self.by_number[row.org_number].insert(0, row.id)
                else:
                    self.by_number[row.org_number].append(row.id)
            keys = {fold(row.name), fold(row.short_name or "")}
            if row.parent_id in names:
                keys.add(fold(f"{row.name}, {names[row.parent_id]}"))
                keys.add(fold(f"{row.name} {names[row.parent_id]}"))
            for key in list(keys):
                for suffix in self.SUFFIXES:
                    if key.endswith(suffix):
                        keys.add(key.removesuffix(suffix))
            for key in keys:
                if key:
                    self.by_name[key].add(row.id)

    @classmethod
    def keys_for(cls, name: str) -> list[str]:
        """The folded name as written, then without "kommun", "stad" …"""
        key = fold(name)
        return [key] + [key.removesuffix(s) for s in cls.SUFFIXES if key.endswith(s)]

    def find(self, *, code: str, number: str, name: str) -> tuple[int | None, str | None]:
        """The organisation's id, or None with the reason it was not found. A code or an
        organisation number typed in the organisation column is understood as such."""
        digits = re.sub(r"[\s-]", "", name)
        if not code and not number and digits.isdigit():
            if len(digits) <= 4:
                code = name
            elif len(digits) in (10, 12):
                number = name
        if code:
            normalised = normalise_municipality_code(code)
            if normalised in self.by_code:
                return self.by_code[normalised], None
            return None, _("Okänd kommunkod: %(code)s", code=code)
        if number:
            try:
                found = self.by_number.get(normalise_org_number(number) or "", [])
            except ValueError:
                return None, _("Ogiltigt organisationsnummer: %(n)s", n=number)
            if found:
                return found[0], None
            return None, _("Okänt organisationsnummer: %(n)s", n=number)
        if name:
            matches: set[int] = set()
            for key in self.keys_for(name):
                matches = self.by_name.get(key, set())
                if matches:
                    break
            if len(matches) == 1:
                return next(iter(matches)), None
            if len(matches) > 1:
                return None, _(
                    "Flera organisationer heter %(name)s: "
                    "ange kommunkod eller organisationsnummer.",
                    name=name,
                )
            return None, _("Okänd organisation: %(name)s", name=name)
        return None, None


def _chunks(items: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def _existing_contacts(
    emails: set[str], organisation_ids: set[int]
) -> tuple[dict[str, int], dict[tuple[int, str], int], dict[int, Contact]]:
    """Contacts the file may refer to: by e-mail, and by (organisation, folded name)."""
    by_email: dict[str, int] = {}
    for chunk in _chunks(sorted(emails)):
        for address, contact_id in db.session.execute(
            select(ContactEmail.address, ContactEmail.contact_id).where(
                ContactEmail.address.in_(chunk)
            )
        ):
            by_email.setdefault(address, contact_id)
    by_name: dict[tuple[int, str], int] = {}
    for chunk in _chunks(sorted(organisation_ids)):
        for org_id, first, last, contact_id in db.session.execute(
            select(Affiliation.organisation_id, Contact.first_name, Contact.last_name, Contact.id)
            .join(Contact, Contact.id == Affiliation.contact_id)
            .where(Affiliation.organisation_id.in_(chunk))
        ):
            by_name.setdefault((org_id, fold(f"{first} {last}")), contact_id)
    ids = sorted(set(by_email.values()) | set(by_name.values()))
    contacts: dict[int, Contact] = {}
    for chunk in _chunks(ids):
        for contact in db.session.scalars(
            select(Contact)
            .options(
                selectinload(Contact.emails),
                selectinload(Contact.phones),
                selectinload(Contact.tags),
                selectinload(Contact.affiliations),
            )
            .where(Contact.id.in_(chunk))
        ):
            contacts[contact.id] = contact
    return by_email, by_name, contacts


def _read_row(
    number: int, row: Sequence[str], mapping: dict[str, int], organisations: OrganisationIndex
) -> PlannedRow:
    first, last = _cell(row, mapping, "first_name"), _cell(row, mapping, "last_name")
    full = _cell(row, mapping, "full_name")
    if full and not (first or last):
        first, last = split_name(full)
    planned = PlannedRow(number=number, action="create", name=f"{first} {last}".strip())
    if not any(cell.strip() for cell in row):
        planned.action = "skip"
        planned.reasons.append(_("Tom rad"))
        return planned
    if not (first or last):
        planned.reasons.append(_("Namn saknas"))
    try:
        emails = clean_emails(_split_cell(_cell(row, mapping, "email")))
    except InvalidContact as error:
        planned.reasons.append(str(error))
        emails = []
    try:
        phones = clean_phones(_split_cell(_cell(row, mapping, "phone")))
    except InvalidContact as error:
        planned.reasons.append(str(error))
        phones = []
    organisation_id, problem = organisations.find(
        code=_cell(row, mapping, "municipality_code"),
        number=_cell(row, mapping, "org_number"),
        name=_cell(row, mapping, "organisation"),
    )
    if problem:
        planned.reasons.append(problem)
    planned.organisation_id = organisation_id
    planned.title = _cell(row, mapping, "title")[:200]
    if planned.title and organisation_id is None and not problem:
        planned.reasons.append(_("Roll eller titel utan organisation"))
    planned.values = ContactValues(
        first_name=first[:100],
        last_name=last[:100],
        emails=emails,
        phones=phones,
        tags=split_tags(_cell(row, mapping, "tags")),
        notes=_cell(row, mapping, "notes"),
    )
    if planned.reasons:
        planned.action = "error"
    return planned


def _changes_for(contact: Contact, planned: PlannedRow) -> list[str]:
    """What an update would add to an existing contact, in words (empty: nothing new)."""
    values = planned.values
    assert values is not None
    changes = []
    known_emails = {e.address for e in contact.emails}
    if any(e not in known_emails for e in values.emails):
        changes.append(_("ny e-postadress"))
    known_phones = {p.number for p in contact.phones}
    if any(p not in known_phones for p in values.phones):
        changes.append(_("nytt telefonnummer"))
    known_tags = {t.key for t in contact.tags}
    if any(fold(t) not in known_tags for t in values.tags):
        changes.append(_("nya taggar"))
    if values.notes and values.notes not in contact.notes:
        changes.append(_("anteckning"))
    if planned.organisation_id:
        current = [
            a
            for a in contact.current_affiliations()
            if a.organisation_id == planned.organisation_id
        ]
        if not current:
            changes.append(_("ny roll"))
        elif planned.title and current[0].title != planned.title:
            changes.append(_("ny titel"))
    return changes


def plan_import(rows: Sequence[Sequence[str]], mapping: dict[str, int]) -> ImportPlan:
    """Classify every row; writes nothing. Row numbers are the file's (header = row 1)."""
    organisations = OrganisationIndex()
    planned = [_read_row(i + 2, row, mapping, organisations) for i, row in enumerate(rows)]
    emails = {e for p in planned if p.values for e in p.values.emails}
    organisation_ids = {p.organisation_id for p in planned if p.organisation_id}
    by_email, by_name, contacts = _existing_contacts(emails, organisation_ids)

    seen_emails: dict[str, int] = {}
    seen_names: dict[tuple[int, str], int] = {}
    for row in planned:
        if row.action != "create" or row.values is None:
            continue
        for address in row.values.emails:
            if address in seen_emails:
                row.action = "error"
                row.reasons.append(_("Samma e-postadress som rad %(n)d", n=seen_emails[address]))
        name_key = (row.organisation_id or 0, fold(row.name))
        if row.organisation_id and name_key in seen_names and row.action == "create":
            row.action = "error"
            row.reasons.append(
                _("Samma namn och organisation som rad %(n)d", n=seen_names[name_key])
            )
        if row.action == "error":
            continue
        for address in row.values.emails:
            seen_emails[address] = row.number
        if row.organisation_id:
            seen_names[name_key] = row.number

        match = next((by_email[a] for a in row.values.emails if a in by_email), None)
        if match is None and row.organisation_id:
            match = by_name.get(name_key)
        if match is None:
            row.reasons.append(_("Ny kontakt"))
            continue
        row.contact_id = match
        changes = _changes_for(contacts[match], row)
        if changes:
            row.action = "update"
            row.reasons.append(_("Finns redan: lägger till %(what)s", what=", ".join(changes)))
        else:
            row.action = "skip"
            row.reasons.append(_("Finns redan, inget nytt"))
    return ImportPlan(rows=planned)


# --- Drafts, applying and reverting ----------------------------------------------------------


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
    for chunk in _chunks(ids):
        touched.update(
            db.session.scalars(
                select(AuditEvent.entity_id).where(
                    AuditEvent.entity_type == Contact.__tablename__,
                    AuditEvent.entity_id.in_(chunk),
                    AuditEvent.id > (batch.last_event_id or 0),
                )
            )
        )
    names = [db.session.get(Contact, i).full_name for i in sorted(touched)]
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
