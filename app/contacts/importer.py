"""Planning a contact import: read a file that is not UTF-8 in the encoding the user chose,
guess the column mapping and classify every row. Applying and reverting are in
import_commit.py.

A plan classifies each row as create, update, skip or error, with the reasons, and writes
nothing. Matching: organisations by kommunkod, organisation number or name; existing
contacts by e-mail address, else by name at the same organisation. An update only adds what
the row brings (new addresses, numbers, tags, a role) and never removes anything.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.common.exceptions import DomainError
from app.common.text import fold

from .import_files import UNDECIDED, recode
from .import_matching import KnownContact, OrganisationIndex, existing_contacts
from .models import ImportBatch
from .services import (
    ContactValues,
    InvalidContact,
    clean_emails,
    clean_phones,
    split_name,
    split_tags,
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
    #: What the row gave to find its organisation by (code, number or name); "" for nothing.
    organisation_text: str = ""
    title: str = ""
    contact_id: int | None = None


@dataclass
class ImportPlan:
    rows: list[PlannedRow]
    #: The registry's contacts the rows were matched with, as planning saw them.
    contacts: dict[int, KnownContact] = field(default_factory=dict, repr=False)

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


def choose_encoding(batch: ImportBatch, *, encoding: str) -> None:
    """Read a draft whose file was not UTF-8 in the encoding the user chose."""
    if batch.status != "draft" or batch.encoding != UNDECIDED:
        raise ImportNotPossible(_("Filens teckenkodning är redan vald."))
    batch.header = recode([batch.header], encoding)[0]
    batch.rows = recode(batch.rows, encoding)
    batch.encoding = encoding
    batch.mapping = guess_mapping(batch.header)


# --- Planning --------------------------------------------------------------------------------


def _cell(row: Sequence[str], mapping: dict[str, int], name: str) -> str:
    index = mapping.get(name)
    if index is None or index >= len(row):
        return ""
    return " ".join(str(row[index]).split())


def _split_cell(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"[;,\n]|\s/\s", text) if p.strip()]


class _Cleaned:
    """Cells cleaned by `clean`, each distinct text once: files repeat a switchboard number or
    an address on many rows, and checking one costs more than the rest of its row."""

    def __init__(self, clean: Callable[[list[str]], list[str]]) -> None:
        self.clean = clean
        self.done: dict[str, list[str] | str] = {}

    def __call__(self, text: str) -> list[str]:
        """The cleaned values; InvalidContact (with its message) for a bad one."""
        result = self.done.get(text)
        if result is None:
            try:
                result = self.clean(_split_cell(text))
            except InvalidContact as error:
                result = str(error)
            self.done[text] = result
        if isinstance(result, str):
            raise InvalidContact(result)
        return list(result)


def _read_row(
    number: int,
    row: Sequence[str],
    mapping: dict[str, int],
    organisations: OrganisationIndex,
    emails_in: _Cleaned,
    phones_in: _Cleaned,
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
        emails = emails_in(_cell(row, mapping, "email"))
    except InvalidContact as error:
        planned.reasons.append(str(error))
        emails = []
    try:
        phones = phones_in(_cell(row, mapping, "phone"))
    except InvalidContact as error:
        planned.reasons.append(str(error))
        phones = []
    code, number = _cell(row, mapping, "municipality_code"), _cell(row, mapping, "org_number")
    organisation_name = _cell(row, mapping, "organisation")
    organisation_id, problem = organisations.find(code=code, number=number, name=organisation_name)
    if problem:
        planned.reasons.append(problem)
    planned.organisation_id = organisation_id
    planned.organisation_text = code or number or organisation_name
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


def _change_words() -> dict[str, str]:
    """What an update adds, in words, translated once per plan rather than once per row."""
    return {
        "email": _("ny e-postadress"),
        "phone": _("nytt telefonnummer"),
        "tags": _("nya taggar"),
        "notes": _("anteckning"),
        "role": _("ny roll"),
        "title": _("ny titel"),
    }


def _changes_for(
    contact: KnownContact, planned: PlannedRow, words: dict[str, str] | None = None
) -> list[str]:
    """What an update would add to an existing contact, in words (empty: nothing new)."""
    words = words or _change_words()
    values = planned.values
    assert values is not None
    changes = []
    known_emails = {e.address for e in contact.emails}
    if any(e not in known_emails for e in values.emails):
        changes.append(words["email"])
    known_phones = {p.number for p in contact.phones}
    if any(p not in known_phones for p in values.phones):
        changes.append(words["phone"])
    known_tags = {t.key for t in contact.tags}
    if any(fold(t) not in known_tags for t in values.tags):
        changes.append(words["tags"])
    if values.notes and values.notes not in contact.notes:
        changes.append(words["notes"])
    if planned.organisation_id:
        current = [
            a
            for a in contact.current_affiliations()
            if a.organisation_id == planned.organisation_id
        ]
        if not current:
            changes.append(words["role"])
        elif planned.title and current[0].title != planned.title:
            changes.append(words["title"])
    return changes


def plan_import(rows: Sequence[Sequence[str]], mapping: dict[str, int]) -> ImportPlan:
    """Classify every row; writes nothing. Row numbers are the file's (header = row 1)."""
    organisations = OrganisationIndex()
    emails_in, phones_in = _Cleaned(clean_emails), _Cleaned(clean_phones)
    planned = [
        _read_row(i + 2, row, mapping, organisations, emails_in, phones_in)
        for i, row in enumerate(rows)
    ]
    emails = {e for p in planned if p.values for e in p.values.emails}
    names = {(p.organisation_id, fold(p.name)) for p in planned if p.organisation_id}
    by_email, by_name, contacts = existing_contacts(emails, names)

    words = _change_words()
    new_contact, nothing_new = _("Ny kontakt"), _("Finns redan, inget nytt")
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
            row.reasons.append(new_contact)
            continue
        row.contact_id = match
        changes = _changes_for(contacts[match], row, words)
        if changes:
            row.action = "update"
            row.reasons.append(_("Finns redan: lägger till %(what)s", what=", ".join(changes)))
        else:
            row.action = "skip"
            row.reasons.append(nothing_new)
    return ImportPlan(rows=planned, contacts=contacts)
