"""Matching import rows to what the registry holds: organisations by kommunkod,
organisation number or name; existing contacts by e-mail address or by name at the same
organisation. Everything is looked up in a few queries, in chunks, whatever the file's size.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.common.text import fold
from app.extensions import db
from app.organisations.models import Organisation
from app.organisations.reference import RENUMBERED_MUNICIPALITIES
from app.organisations.services import normalise_org_number

from .models import Affiliation, Contact, ContactEmail, ContactPhone, Tag, contact_tags

CHUNK = 500


def normalise_municipality_code(text: str) -> str | None:
    digits = re.sub(r"\D", "", text)
    if not digits or len(digits) > 4:
        return None
    code = digits.zfill(4)
    return RENUMBERED_MUNICIPALITIES.get(code, code)


def exact_key(text: str) -> str:
    """A name compared as written: case and spacing aside, but with its diacritics, so that
    "Håbo kommun" and "Habo kommun" (two municipalities) stay apart."""
    return " ".join(text.split()).casefold()


class OrganisationIndex:
    """Every organisation, findable by code, organisation number and name. A name is looked
    up as written first (diacritics kept), and only then folded without them ("Malmo" finds
    Malmö), because folding makes different names equal: Håbo and Habo are both "habo"."""

    SUFFIXES = (" kommun", " kommuns", " stad", " kommunen")

    def __init__(self) -> None:
        self.by_code: dict[str, int] = {}
        self.by_number: dict[str, list[int]] = defaultdict(list)
        self.by_exact_name: dict[str, set[int]] = defaultdict(set)
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
            written = [row.name, row.short_name or ""]
            if row.parent_id in names:
                written += [
                    f"{row.name}, {names[row.parent_id]}",
                    f"{row.name} {names[row.parent_id]}",
                ]
            for index, normalise in ((self.by_exact_name, exact_key), (self.by_name, fold)):
                for key in self.with_suffixes_removed([normalise(text) for text in written]):
                    index[key].add(row.id)

    @classmethod
    def with_suffixes_removed(cls, keys: list[str]) -> list[str]:
        """The keys, then each without "kommun", "stad" …; no empty ones."""
        stems = [k.removesuffix(s) for k in keys for s in cls.SUFFIXES if k.endswith(s)]
        return [k for k in dict.fromkeys(keys + stems) if k]

    def named(self, name: str) -> set[int]:
        """The organisations with this name: as written if any is, else folded."""
        for index, normalise in ((self.by_exact_name, exact_key), (self.by_name, fold)):
            for key in self.with_suffixes_removed([normalise(name)]):
                if matches := index.get(key):
                    return matches
        return set()

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
            matches = self.named(name)
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


def organisation_display_names(ids: Iterable[int]) -> dict[int, str]:
    """Id → display name ("Socialtjänsten, Malmö kommun") of the organisations a plan's rows
    matched, so the preview can say which one each row will get: two statements per chunk."""
    names: dict[int, str] = {}
    for chunk in chunks(sorted(set(ids))):
        for organisation in db.session.scalars(
            select(Organisation)
            .options(selectinload(Organisation.parent))
            .where(Organisation.id.in_(chunk))
        ):
            names[organisation.id] = organisation.display_name
    return names


def chunks(items: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


# --- Existing contacts, as plain data --------------------------------------------------------
#
# Planning a file of thousands of rows compares it with as many contacts. Loading them as ORM
# objects (five per contact with addresses, numbers, tags and roles) costs more than all the
# rest of the plan, and the commit writes with bulk statements anyway; so they are read as
# plain rows into small stand-ins that borrow the models' own logic (`Contact.index`,
# `Affiliation.is_current`) and that `contact_snapshot` reads like the real thing.


class KnownAddress(NamedTuple):
    address: str
    position: int


class KnownNumber(NamedTuple):
    number: str
    position: int


class KnownTag(NamedTuple):
    id: int
    name: str
    key: str


@dataclass
class KnownAffiliation:
    id: int | None  # None until a new one is inserted
    organisation_id: int
    title: str
    started_on: date | None = None
    ended_on: date | None = None

    is_current = Affiliation.is_current


@dataclass
class KnownContact:
    """A contact in the registry, shaped like `Contact` for what an import reads and changes."""

    id: int
    version: int
    first_name: str
    last_name: str
    notes: str
    search_text: str = ""
    sort_name: str = ""
    emails: list[KnownAddress] = field(default_factory=list)
    phones: list[KnownNumber] = field(default_factory=list)
    tags: list[KnownTag] = field(default_factory=list)
    affiliations: list[KnownAffiliation] = field(default_factory=list)

    index = Contact.index
    current_affiliations = Contact.current_affiliations


def _folded_name(first: str, last: str, cache: dict[str, str]) -> str:
    """fold(f"{first} {last}"), cheaply for the many rows that share a name. ASCII text folds
    to its lower case; only other text needs Unicode decomposition, and only it is kept in
    `cache` (keeping every name read took 15 MB of a worker at 300,000 contacts)."""
    text = f"{first} {last}"
    if text.isascii():
        return text.lower()
    folded = cache.get(text)
    if folded is None:
        folded = cache[text] = fold(text)
    return folded


def existing_contacts(
    emails: set[str], names: set[tuple[int, str]]
) -> tuple[dict[str, int], dict[tuple[int, str], int], dict[int, KnownContact]]:
    """Contacts the file refers to: by e-mail, and by (organisation, folded name) for the
    given pairs; and what those contacts hold. Contacts in the trash are not matched. Where
    two contacts share an address or a name, the oldest is taken, so that the preview and
    the commit always agree."""
    by_email: dict[str, int] = {}
    for chunk in chunks(sorted(emails)):
        for address, contact_id in db.session.execute(
            select(ContactEmail.address, ContactEmail.contact_id)
            .join(Contact, Contact.id == ContactEmail.contact_id)  # not those in the trash
            .where(ContactEmail.address.in_(chunk))
            .order_by(ContactEmail.contact_id)
        ):
            by_email.setdefault(address, contact_id)
    # Names are compared folded, which SQL cannot do: every contact at the organisations is
    # read, and only those whose name the file has are kept.
    by_name: dict[tuple[int, str], int] = {}
    folded: dict[str, str] = {}
    for chunk in chunks(sorted({org_id for org_id, _name in names})):
        for org_id, first, last, contact_id in db.session.execute(
            select(Affiliation.organisation_id, Contact.first_name, Contact.last_name, Contact.id)
            .join(Contact, Contact.id == Affiliation.contact_id)
            .where(Affiliation.organisation_id.in_(chunk))
            .order_by(Contact.id)
            # In batches, not all at once: the 290 municipalities hold 300,000 contacts at
            # scale 100, and only the few whose name the file has are kept.
            .execution_options(yield_per=2000)
        ):
            key = (org_id, _folded_name(first, last, folded))
            if key in names:
                by_name.setdefault(key, contact_id)
    ids = sorted(set(by_email.values()) | set(by_name.values()))
    return by_email, by_name, known_contacts(ids)


def known_contacts(ids: Sequence[int]) -> dict[int, KnownContact]:
    """The contacts with these ids (not those in the trash), with their addresses, numbers,
    tags and roles: five statements per chunk of ids, whatever they hold."""
    contacts: dict[int, KnownContact] = {}
    for chunk in chunks(ids):
        for row in db.session.execute(
            select(
                Contact.id,
                Contact.version,
                Contact.first_name,
                Contact.last_name,
                Contact.notes,
                Contact.search_text,
                Contact.sort_name,
            ).where(Contact.id.in_(chunk))
        ):
            contacts[row.id] = KnownContact(*row)
        found = [i for i in chunk if i in contacts]
        if not found:
            continue
        for contact_id, address, position in db.session.execute(
            select(ContactEmail.contact_id, ContactEmail.address, ContactEmail.position)
            .where(ContactEmail.contact_id.in_(found))
            .order_by(ContactEmail.contact_id, ContactEmail.position, ContactEmail.id)
        ):
            contacts[contact_id].emails.append(KnownAddress(address, position))
        for contact_id, number, position in db.session.execute(
            select(ContactPhone.contact_id, ContactPhone.number, ContactPhone.position)
            .where(ContactPhone.contact_id.in_(found))
            .order_by(ContactPhone.contact_id, ContactPhone.position, ContactPhone.id)
        ):
            contacts[contact_id].phones.append(KnownNumber(number, position))
        for contact_id, tag_id, name, key in db.session.execute(
            select(contact_tags.c.contact_id, Tag.id, Tag.name, Tag.key)
            .join(Tag, Tag.id == contact_tags.c.tag_id)
            .where(contact_tags.c.contact_id.in_(found))
            .order_by(contact_tags.c.contact_id, Tag.key)
        ):
            contacts[contact_id].tags.append(KnownTag(tag_id, name, key))
        for row in db.session.execute(
            select(
                Affiliation.contact_id,
                Affiliation.id,
                Affiliation.organisation_id,
                Affiliation.title,
                Affiliation.started_on,
                Affiliation.ended_on,
            )
            .where(Affiliation.contact_id.in_(found))
            .order_by(Affiliation.contact_id, Affiliation.id)
        ):
            contacts[row.contact_id].affiliations.append(KnownAffiliation(*row[1:]))
    return contacts
