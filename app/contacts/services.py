"""Contacts: create and edit people, their addresses, tags and affiliations; list and search."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from app.audit.services import Action, Actor, diff, record, snapshot
from app.common.exceptions import DomainError, EditConflict
from app.common.labels import labels_named
from app.common.text import fold, one_line
from app.common.validation import InvalidValue, normalise_email, normalise_phone
from app.extensions import db
from app.organisations.models import Organisation

from .models import Affiliation, Contact, ContactEmail, ContactPhone, Tag
from .queries import contacts_by_address

#: What the history records for a contact, beyond the lists of addresses and tags.
CONTACT_FIELDS = ("first_name", "last_name", "notes")
MAX_TAG_LENGTH = 60


class InvalidContact(DomainError):
    """A value the directory does not accept; the message says which and why. `field` names
    the value it is about ("emails", "phones", "first_name", "organisation_id"), so a form can
    show the message at that field; None when it concerns the whole."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass
class ContactValues:
    """A contact as a form or an import gives it: text already stripped."""

    first_name: str
    last_name: str
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    notes: str = ""


def email_message() -> str:
    return _("Ange en giltig e-postadress, till exempel namn@kommun.se.")


def phone_message() -> str:
    return _("Ange ett giltigt telefonnummer, till exempel 070-123 45 67 eller +46 8 123 456 78.")


def clean_emails(values: list[str]) -> list[str]:
    """Normalised, de-duplicated e-mail addresses in the given order; InvalidContact names
    the first bad one."""
    cleaned: list[str] = []
    for value in values:
        if not value.strip():
            continue
        try:
            address = normalise_email(value, message=email_message())
        except InvalidValue as error:
            raise InvalidContact(f"{value.strip()}: {error}", field="emails") from None
        if address not in cleaned:
            cleaned.append(address)
    return cleaned


def clean_phones(values: list[str]) -> list[str]:
    """Phone numbers in E.164 form, de-duplicated; InvalidContact names the first bad one."""
    cleaned: list[str] = []
    for value in values:
        if not value.strip():
            continue
        try:
            number = normalise_phone(value, message=phone_message())
        except InvalidValue as error:
            raise InvalidContact(f"{value.strip()}: {error}", field="phones") from None
        if number not in cleaned:
            cleaned.append(number)
    return cleaned


def split_tags(text: str) -> list[str]:
    """Tag names from comma- or semicolon-separated text, without empty or repeated ones."""
    names: list[str] = []
    keys: set[str] = set()
    for part in text.replace(";", ",").split(","):
        name = " ".join(part.split())[:MAX_TAG_LENGTH]
        if name and fold(name) not in keys:
            keys.add(fold(name))
            names.append(name)
    return names


def all_tags() -> list[Tag]:
    """Every tag, for suggestions."""
    return list(db.session.scalars(select(Tag).order_by(Tag.key)))


def contact_snapshot(contact: Contact) -> dict[str, Any]:
    """The recorded state of a contact: fields, addresses and tags."""
    state = snapshot(contact, CONTACT_FIELDS)
    state["emails"] = [e.address for e in contact.emails]
    state["phones"] = [p.number for p in contact.phones]
    state["tags"] = sorted(t.name for t in contact.tags)
    return state


def _apply(contact: Contact, values: ContactValues) -> None:
    if not values.first_name.strip() and not values.last_name.strip():
        raise InvalidContact(_("Ange för- eller efternamn."), field="first_name")
    contact.first_name = values.first_name.strip()
    contact.last_name = values.last_name.strip()
    contact.notes = values.notes.strip()
    emails = clean_emails(values.emails)
    phones = clean_phones(values.phones)
    if [e.address for e in contact.emails] != emails:
        contact.emails = [ContactEmail(address=a, position=i) for i, a in enumerate(emails)]
    if [p.number for p in contact.phones] != phones:
        contact.phones = [ContactPhone(number=n, position=i) for i, n in enumerate(phones)]
    contact.tags = labels_named(Tag, values.tags)
    contact.index()


def create_contact(
    *,
    values: ContactValues,
    by: Actor | None,
    organisation: Organisation | None = None,
    title: str = "",
    started_on: date | None = None,
    note: str = "",
    action: Action = Action.CREATE,
) -> Contact:
    """Add a contact, optionally with a first affiliation."""
    contact = Contact()
    _apply(contact, values)
    db.session.add(contact)
    if organisation is not None:
        contact.affiliations.append(
            Affiliation(organisation=organisation, title=title.strip(), started_on=started_on)
        )
    elif title.strip():
        raise InvalidContact(
            _("Välj organisation för rollen eller titeln."), field="organisation_id"
        )
    db.session.flush()
    changes = diff({}, contact_snapshot(contact))
    if organisation is not None:
        changes["affiliation"] = [None, role_record(organisation.id, title, started_on)]
    record(entity=contact, action=action, by=by, changes=changes, note=note)
    return contact


def update_contact(
    contact: Contact,
    *,
    values: ContactValues,
    expected_version: int,
    by: Actor | None,
    action: Action = Action.UPDATE,
    note: str = "",
) -> dict[str, list[Any]]:
    """Save edits; raise EditConflict if someone saved in between. Returns the changes."""
    if contact.version != expected_version:
        raise EditConflict(current=contact)
    before = contact_snapshot(contact)
    _apply(contact, values)
    changes = diff(before, contact_snapshot(contact))
    if changes:
        contact.version += 1
        db.session.flush()
        record(entity=contact, action=action, by=by, changes=changes, note=note)
    return changes


def role_record(
    organisation_id: int,
    title: str = "",
    started_on: date | None = None,
    ended_on: date | None = None,
) -> dict[str, Any]:
    """A role as the contact's history records it: the organisation's id (shown under the
    name it has when the history is read, `history.role_text`), the title and the period
    as ISO dates. The one form for every writer."""
    return {
        "organisation": organisation_id,
        "title": title.strip(),
        "started_on": started_on.isoformat() if started_on else None,
        "ended_on": ended_on.isoformat() if ended_on else None,
    }


def _describe(affiliation: Affiliation) -> dict[str, Any]:
    return role_record(
        affiliation.organisation_id,
        affiliation.title,
        affiliation.started_on,
        affiliation.ended_on,
    )


def add_affiliation(
    contact: Contact,
    *,
    organisation: Organisation,
    title: str,
    started_on: date | None,
    ended_on: date | None = None,
    by: Actor,
) -> Affiliation:
    """Record a role at an organisation (current, or past when it has an end date)."""
    if started_on and ended_on and ended_on < started_on:
        raise InvalidContact(_("Slutdatum kan inte vara före startdatum."))
    affiliation = Affiliation(
        contact=contact,
        organisation=organisation,
        title=title.strip(),
        started_on=started_on,
        ended_on=ended_on,
    )
    db.session.add(affiliation)
    db.session.flush()
    record(
        entity=contact,
        action=Action.UPDATE,
        by=by,
        changes={"affiliation": [None, _describe(affiliation)]},
    )
    return affiliation


def end_affiliation(affiliation: Affiliation, *, ended_on: date, by: Actor) -> None:
    """End a role on a date (the last day in it)."""
    if affiliation.started_on and ended_on < affiliation.started_on:
        raise InvalidContact(_("Slutdatum kan inte vara före startdatum."))
    before = _describe(affiliation)
    affiliation.ended_on = ended_on
    record(
        entity=affiliation.contact,
        action=Action.UPDATE,
        by=by,
        changes={"affiliation": [before, _describe(affiliation)]},
    )


def change_organisation(
    contact: Contact, *, organisation: Organisation, title: str, starts_on: date, by: Actor
) -> Affiliation:
    """ "Byter organisation": end every current role the day before `starts_on` and start the
    new one. The old roles stay as history."""
    for affiliation in contact.current_affiliations(starts_on):
        last_day = starts_on - timedelta(days=1)
        if affiliation.started_on and last_day < affiliation.started_on:
            last_day = affiliation.started_on
        end_affiliation(affiliation, ended_on=last_day, by=by)
    return add_affiliation(
        contact, organisation=organisation, title=title, started_on=starts_on, by=by
    )


def split_name(full: str) -> tuple[str, str]:
    """ "Berg, Anna" → ("Anna", "Berg"); "Anna Maria Berg" → ("Anna Maria", "Berg")."""
    if "," in full:
        last, first = (p.strip() for p in full.split(",", 1))
        return first, last
    parts = full.rsplit(" ", 1)
    return (parts[0], parts[1]) if len(parts) == 2 else ("", parts[0])


def contacts_for_addresses(people: list[tuple[str, str]], *, by: Actor | None) -> list[int]:
    """The contacts with these (name, e-mail) pairs: existing ones found by address, the
    rest created (without an organisation). Unusable addresses are skipped."""
    found = contacts_by_address([email for _name, email in people])
    ids = []
    for name, email in people:
        try:
            address = normalise_email(email, message=email_message())
        except InvalidValue:
            continue
        contact = found.get(address)
        if contact is None:
            # A name as the invitation gives it, else one made from the address; a single
            # word is taken as the first name.
            name = (
                one_line(name)
                or address.split("@", 1)[0].replace(".", " ").replace("_", " ").title()
            )
            first, last = split_name(name)
            if not first:
                first, last = last, ""
            contact = create_contact(
                values=ContactValues(
                    first_name=first[:100], last_name=last[:100], emails=[address]
                ),
                by=by,
            )
            found[address] = contact
        ids.append(contact.id)
    return ids
