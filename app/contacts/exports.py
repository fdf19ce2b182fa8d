"""Contacts as spreadsheet rows and as vCards."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from flask_babel import gettext as _
from sqlalchemy import Select

from app.common.spreadsheets import Value, code
from app.common.time import to_local
from app.extensions import db

from .models import Contact
from .vcard import Card, vcard


def contact_header() -> list[str]:
    return [
        _("Efternamn"),
        _("Förnamn"),
        _("Roll eller titel"),
        _("Organisation"),
        _("E-post"),
        _("Telefon"),
        _("Taggar"),
        _("Tidigare roller"),
        _("Senast ändrad"),
    ]


def contact_rows(contacts: Iterable[Contact]) -> Iterator[list[Value]]:
    """One row per contact: current roles joined, addresses as shown in the app, phone
    numbers as text (`code`)."""
    for contact in contacts:
        current = contact.current_affiliations()
        former = contact.former_affiliations()
        yield [
            contact.last_name,
            contact.first_name,
            "; ".join(a.title for a in current if a.title),
            "; ".join(a.organisation.display_name for a in current),
            ", ".join(e.address for e in contact.emails),
            code(", ".join(p.display for p in contact.phones)),
            ", ".join(t.name for t in contact.tags),
            "; ".join(
                ", ".join(p for p in (a.title, a.organisation.display_name) if p) for a in former
            ),
            to_local(contact.updated_at).replace(tzinfo=None),
        ]


#: Contacts read from the server-side cursor at a time; their roles, addresses, numbers and
#: tags are loaded per chunk (selectinload), so memory stays flat however long the list.
EXPORT_CHUNK = 500


def streamed_contacts(
    query: Select[tuple[Contact]], *, chunk: int = EXPORT_CHUNK
) -> Iterator[Contact]:
    """The contacts of the list's `query`, in its order, read a chunk at a time from a
    server-side cursor (`yield_per`); each chunk is let go of before the next is read.
    Nothing runs until the iterator is first advanced."""
    result = db.session.scalars(query.execution_options(yield_per=chunk))
    try:
        for contacts in result.partitions():
            yield from contacts
            for contact in contacts:
                db.session.expunge(contact)
    finally:
        result.close()


def contact_card(contact: Contact, *, site: str) -> Card:
    """The contact's vCard: the first current role gives organisation and title."""
    current = contact.current_affiliations()
    first = current[0] if current else None
    organisation = unit = ""
    if first is not None:
        parent = first.organisation.parent
        organisation = parent.name if parent else first.organisation.name
        unit = first.organisation.name if parent else ""
    return Card(
        first_name=contact.first_name,
        last_name=contact.last_name,
        organisation=organisation,
        unit=unit,
        title=first.title if first else "",
        emails=[e.address for e in contact.emails],
        phones=[p.number for p in contact.phones],
        revised=contact.updated_at,
        uid=f"contact-{contact.id}@{site}",
    )


def vcards(contacts: Iterable[Contact], *, site: str) -> str:
    """Every contact's vCard, one after the other: one file an address book imports whole."""
    return "".join(vcard_chunks(contacts, site=site))


def vcard_chunks(contacts: Iterable[Contact], *, site: str) -> Iterator[str]:
    """The same file a card at a time, to be sent as it is made."""
    for contact in contacts:
        yield vcard(contact_card(contact, site=site))
