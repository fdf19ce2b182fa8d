"""The contact list's rows as plain values: what a row shows (name, tags, roles, first
address and number) read for one page of contacts in three statements, without building an
ORM object per contact, role, organisation, address and tag (which cost most of the list's
time)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import bindparam, select

from app.common.aliases import alias
from app.common.time import local_today
from app.extensions import db
from app.organisations.models import Organisation, display_name

from .models import (
    Affiliation,
    Contact,
    ContactEmail,
    ContactPhone,
    Tag,
    contact_tags,
    shown_phone,
)


@dataclass(frozen=True)
class Role:
    """A role as the list shows it: the title and the organisation's display name."""

    title: str
    organisation: str
    current: bool


@dataclass(frozen=True)
class ContactRow:
    """One contact of the list."""

    id: int
    first_name: str
    last_name: str
    email: str | None  # the first address
    phone: str | None  # the first number, as shown (ContactPhone.shown)
    tags: tuple[str, ...]
    roles: tuple[Role, ...]

    @property
    def current_roles(self) -> list[Role]:
        return [role for role in self.roles if role.current]


def _held_on(day: date, started_on: date | None, ended_on: date | None) -> bool:
    """The role holds on `day` (Affiliation.is_current, for plain values)."""
    return (started_on is None or started_on <= day) and (ended_on is None or ended_on >= day)


@cache
def _row_statements() -> tuple[Any, Any, Any]:
    """`list_rows`'s three statements for the contacts in the expanding parameter "ids":
    built once per process."""
    ids = bindparam("ids", expanding=True)
    first_email = (
        select(ContactEmail.address)
        .where(ContactEmail.contact_id == Contact.id)
        .order_by(ContactEmail.position, ContactEmail.id)
        .limit(1)
        .scalar_subquery()
    )

    def first_phone(column: Any) -> Any:
        return (
            select(column)
            .where(ContactPhone.contact_id == Contact.id)
            .order_by(ContactPhone.position, ContactPhone.id)
            .limit(1)
            .scalar_subquery()
        )

    contacts = select(
        Contact.id,
        Contact.first_name,
        Contact.last_name,
        first_email,
        first_phone(ContactPhone.number),
        first_phone(ContactPhone.shown),
    ).where(Contact.id.in_(ids))
    parent = alias(Organisation, "contacts.list_rows.parent")
    roles = (
        select(
            Affiliation.contact_id,
            Affiliation.title,
            Organisation.name,
            parent.name,
            Affiliation.started_on,
            Affiliation.ended_on,
        )
        .join(Organisation, Organisation.id == Affiliation.organisation_id)
        .outerjoin(parent, parent.id == Organisation.parent_id)
        .where(Affiliation.contact_id.in_(ids))
        .order_by(Affiliation.id)
    )
    tags = (
        select(contact_tags.c.contact_id, Tag.name)
        .join(Tag, Tag.id == contact_tags.c.tag_id)
        .where(contact_tags.c.contact_id.in_(ids))
        .order_by(Tag.key)
    )
    return contacts, roles, tags


def list_rows(ids: list[int], *, today: date | None = None) -> list[ContactRow]:
    """The contacts with these ids as list rows, in no particular order: three statements
    (the contacts with their first address and number, their roles with the organisations'
    names, their tags)."""
    if not ids:
        return []
    day = today or local_today()
    contacts_statement, roles_statement, tags_statement = _row_statements()
    parameters = {"ids": list(ids)}
    contacts = [
        (id_, first_name, last_name, email, number and shown_phone(shown, number))
        for id_, first_name, last_name, email, number, shown in db.session.execute(
            contacts_statement, parameters
        )
    ]
    roles: dict[int, list[Role]] = defaultdict(list)
    for contact_id, title, name, parent_name, started_on, ended_on in db.session.execute(
        roles_statement, parameters
    ):
        roles[contact_id].append(
            Role(title or "", display_name(name, parent_name), _held_on(day, started_on, ended_on))
        )
    tags: dict[int, list[str]] = defaultdict(list)
    for contact_id, name in db.session.execute(tags_statement, parameters):
        tags[contact_id].append(name)
    return [
        ContactRow(
            id=id_,
            first_name=first_name,
            last_name=last_name,
            email=email,
            phone=phone,
            tags=tuple(tags[id_]),
            roles=tuple(roles[id_]),
        )
        for id_, first_name, last_name, email, phone in contacts
    ]
