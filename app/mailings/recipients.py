"""Choosing a mailing's recipients with the organisation and contact lists' own filters.

To organisations: for each organisation the list's filters keep (and, if asked, only those
that do not have the version yet), its current contacts whose role contains the chosen role
or who carry the chosen tag; when none is chosen or none matches, its functional mailbox; when
it has no mailbox either, it is listed as "without an address" for the user to fix or skip.
To contacts: each contact the contact list's filters keep, at its first current role's
organisation. Contacts who opted out of mailings are never chosen, and are counted.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import exists, select
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import MultiDict

from app.common.text import fold
from app.common.time import local_today
from app.contacts.forms import filters_from_args as contact_filters
from app.contacts.models import Affiliation, Contact
from app.contacts.queries import contact_query, current_condition
from app.extensions import db
from app.library.models import Delivery
from app.organisations.forms import filters_from_args as organisation_filters
from app.organisations.models import Organisation
from app.organisations.services import organisation_query

from .models import Audience, MailingOptOut

#: The most recipients (and organisations looked at) one mailing may have.
MAX_RECIPIENTS = 2000


@dataclass(frozen=True)
class Chosen:
    """One future message: to a contact at an organisation, or to an organisation's mailbox."""

    address: str
    name: str
    organisation_id: int | None
    organisation_name: str
    contact_id: int | None = None


@dataclass
class Choice:
    """What the filters chose: the recipients, the organisations (or contacts) with no
    address, the contacts left out for their opt-out, and whether the list was cut
    at MAX_RECIPIENTS."""

    recipients: list[Chosen] = field(default_factory=list)
    without_address: list[tuple[str, int, str]] = field(default_factory=list)  # kind, id, name
    opted_out: list[tuple[int, str]] = field(default_factory=list)  # contact id, name
    cut: bool = False


def opted_out_ids(contact_ids: list[int]) -> set[int]:
    if not contact_ids:
        return set()
    return set(
        db.session.scalars(
            select(MailingOptOut.contact_id).where(MailingOptOut.contact_id.in_(contact_ids))
        )
    )


def choose(
    *,
    audience: Audience,
    criteria: Mapping[str, str],
    role: str = "",
    tag: str = "",
    version_id: int | None = None,
    lacking_only: bool = False,
) -> Choice:
    """The recipients the list filters in `criteria` (the list's query string) choose."""
    args = MultiDict(criteria)
    if audience is Audience.CONTACTS:
        return _choose_contacts(args)
    return _choose_organisations(args, role, tag, version_id if lacking_only else None)


def _add(choice: Choice, seen: set[str], chosen: Chosen) -> None:
    key = chosen.address.lower()
    if key not in seen:
        seen.add(key)
        choice.recipients.append(chosen)


def _choose_organisations(
    criteria: Mapping[str, str], role: str, tag: str, lacking_version_id: int | None
) -> Choice:
    _form, filters = organisation_filters(criteria)
    query = organisation_query(filters)
    if lacking_version_id is not None:
        query = query.where(
            ~exists().where(
                Delivery.version_id == lacking_version_id,
                Delivery.organisation_id == Organisation.id,
            )
        )
    organisations = list(db.session.scalars(query.limit(MAX_RECIPIENTS + 1)))
    choice = Choice(cut=len(organisations) > MAX_RECIPIENTS)
    organisations = organisations[:MAX_RECIPIENTS]
    role_key, tag_key = fold(role.strip()), fold(tag.strip())
    by_organisation: dict[int, list[Affiliation]] = {}
    if role_key or tag_key:
        roles = db.session.scalars(
            select(Affiliation)
            .join(Affiliation.contact)
            .options(
                selectinload(Affiliation.contact).selectinload(Contact.emails),
                selectinload(Affiliation.contact).selectinload(Contact.tags),
            )
            .where(
                Affiliation.organisation_id.in_([o.id for o in organisations]),
                current_condition(local_today()),
            )
            .order_by(Contact.sort_name, Contact.id)
        )
        for affiliation in roles:
            by_organisation.setdefault(affiliation.organisation_id, []).append(affiliation)
    refused = opted_out_ids([a.contact_id for roles in by_organisation.values() for a in roles])
    seen: set[str] = set()
    for organisation in organisations:
        matching = [
            a
            for a in by_organisation.get(organisation.id, [])
            if a.contact.emails
            and (
                (role_key and role_key in fold(a.title))
                or (tag_key and any(t.key == tag_key for t in a.contact.tags))
            )
        ]
        chosen_any = False
        for affiliation in matching:
            if affiliation.contact_id in refused:
                choice.opted_out.append((affiliation.contact_id, affiliation.contact.full_name))
                continue
            _add(
                choice,
                seen,
                Chosen(
                    address=affiliation.contact.emails[0].address,
                    name=affiliation.contact.full_name,
                    organisation_id=organisation.id,
                    organisation_name=organisation.display_name,
                    contact_id=affiliation.contact_id,
                ),
            )
            chosen_any = True
        if chosen_any:
            continue
        if organisation.mailbox:
            _add(
                choice,
                seen,
                Chosen(
                    address=organisation.mailbox,
                    name=organisation.display_name,
                    organisation_id=organisation.id,
                    organisation_name=organisation.display_name,
                ),
            )
        else:
            choice.without_address.append(
                ("organisation", organisation.id, organisation.display_name)
            )
    return choice


def _choose_contacts(criteria: Mapping[str, str]) -> Choice:
    _form, filters = contact_filters(criteria)
    contacts = list(db.session.scalars(contact_query(filters).limit(MAX_RECIPIENTS + 1)))
    choice = Choice(cut=len(contacts) > MAX_RECIPIENTS)
    contacts = contacts[:MAX_RECIPIENTS]
    refused = opted_out_ids([c.id for c in contacts])
    today = local_today()
    seen: set[str] = set()
    for contact in contacts:
        if contact.id in refused:
            choice.opted_out.append((contact.id, contact.full_name))
            continue
        if not contact.emails:
            choice.without_address.append(("contact", contact.id, contact.full_name))
            continue
        roles = sorted((a for a in contact.affiliations if a.is_current(today)), key=lambda a: a.id)
        organisation = roles[0].organisation if roles else None
        _add(
            choice,
            seen,
            Chosen(
                address=contact.emails[0].address,
                name=contact.full_name,
                organisation_id=organisation.id if organisation else None,
                organisation_name=organisation.display_name if organisation else "",
                contact_id=contact.id,
            ),
        )
    return choice
