"""Matching import rows to what the registry holds: organisations by kommunkod,
organisation number or name; existing contacts by e-mail address or by name at the same
organisation. Everything is looked up in a few queries, in chunks, whatever the file's size.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.common.text import fold
from app.extensions import db
from app.organisations.models import Organisation
from app.organisations.reference import RENUMBERED_MUNICIPALITIES
from app.organisations.services import normalise_org_number

from .models import Affiliation, Contact, ContactEmail

CHUNK = 500


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


def chunks(items: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def existing_contacts(
    emails: set[str], organisation_ids: set[int]
) -> tuple[dict[str, int], dict[tuple[int, str], int], dict[int, Contact]]:
    """Contacts the file may refer to: by e-mail, and by (organisation, folded name)."""
    by_email: dict[str, int] = {}
    for chunk in chunks(sorted(emails)):
        for address, contact_id in db.session.execute(
            select(ContactEmail.address, ContactEmail.contact_id)
            .join(Contact, Contact.id == ContactEmail.contact_id)  # not those in the trash
            .where(ContactEmail.address.in_(chunk))
        ):
            by_email.setdefault(address, contact_id)
    by_name: dict[tuple[int, str], int] = {}
    for chunk in chunks(sorted(organisation_ids)):
        for org_id, first, last, contact_id in db.session.execute(
            select(Affiliation.organisation_id, Contact.first_name, Contact.last_name, Contact.id)
            .join(Contact, Contact.id == Affiliation.contact_id)
            .where(Affiliation.organisation_id.in_(chunk))
        ):
            by_name.setdefault((org_id, fold(f"{first} {last}")), contact_id)
    ids = sorted(set(by_email.values()) | set(by_name.values()))
    contacts: dict[int, Contact] = {}
    for chunk in chunks(ids):
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
