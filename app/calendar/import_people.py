"""People named in an invitation who are new to Samverkan: each one the user chose becomes a
contact, at the organisation the user picked for them (or without one)."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _

from app.common.exceptions import DomainError
from app.common.validation import InvalidValue, normalise_email
from app.contacts.queries import contacts_by_address
from app.contacts.services import ContactValues, create_contact, split_name
from app.extensions import db
from app.organisations.models import Organisation


class InvalidPerson(DomainError):
    """A chosen organisation does not exist."""


@dataclass(frozen=True)
class NewPerson:
    email: str
    name: str = ""
    #: None: a contact without an organisation.
    organisation_id: int | None = None


def add_people(people: list[NewPerson], *, by) -> tuple[list[int], list[int]]:
    """Create the chosen people as contacts with a current affiliation at their organisation;
    an address already known is reused, never duplicated, and unusable ones are skipped.
    Returns the contacts' and the organisations' ids, for the meeting."""
    found = contacts_by_address([p.email for p in people[:50]])
    contact_ids: list[int] = []
    organisation_ids: list[int] = []
    for person in people[:50]:
        try:
            address = normalise_email(person.email, message="")
        except InvalidValue:
            continue
        contact = found.get(address)
        if contact is None:
            organisation = None
            if person.organisation_id is not None:
                organisation = db.session.get(Organisation, person.organisation_id)
                if organisation is None:
                    raise InvalidPerson(_("En vald organisation finns inte."))
                organisation_ids.append(organisation.id)
            name = person.name.strip() or address.split("@", 1)[0].replace(".", " ").title()
            first, last = split_name(" ".join(name.split()))
            if not first:
                first, last = last, ""
            contact = create_contact(
                values=ContactValues(
                    first_name=first[:100], last_name=last[:100], emails=[address]
                ),
                organisation=organisation,
                by=by,
            )
            found[address] = contact
        contact_ids.append(contact.id)
    return list(dict.fromkeys(contact_ids)), list(dict.fromkeys(organisation_ids))
