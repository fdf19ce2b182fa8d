"""Reading contacts: the list's filters and order, a contact with its details, and lookups
by address and name for the search and the calendar import. Writes are in services.py."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, and_, case, exists, or_, select
from sqlalchemy.orm import contains_eager, selectinload

from app.common.matching import match_conditions, match_rank
from app.common.search_plan import reads_index
from app.common.text import fold, like_pattern, search_terms, sort_key
from app.common.time import local_today
from app.common.windowed import first_per_group
from app.extensions import db
from app.organisations.models import Organisation, OrganisationKind
from app.organisations.services import of_kind

from .models import Affiliation, Contact, ContactEmail, Tag, contact_tags


class Status(enum.StrEnum):
    CURRENT = "nuvarande"
    FORMER = "tidigare"
    ALL = "alla"


#: The order of a search: best matches first (see match_rank), then by name. The list uses it
#: when a query is typed and no column is chosen.
RELEVANCE = "relevans"

SORTS: dict[str, tuple[Any, ...]] = {
    "namn": (Contact.sort_name,),
    "andrad": (Contact.updated_at,),
}


@dataclass
class ContactFilter:
    q: str = ""
    organisation_id: int | None = None
    kind: OrganisationKind | None = None
    county: str | None = None
    tag: str | None = None
    status: Status = Status.ALL
    sort: str = "namn"
    descending: bool = False


def current_condition(today: date) -> Any:
    """SQL: the affiliation holds today."""
    return and_(
        or_(Affiliation.started_on.is_(None), Affiliation.started_on <= today),
        or_(Affiliation.ended_on.is_(None), Affiliation.ended_on >= today),
    )


#: Roles shown on an organisation's page, of each kind; the contact list shows them all.
ORGANISATION_CONTACTS = 25


@dataclass(frozen=True)
class OrganisationContacts:
    """The people with a role at an organisation: the first of the current ones (by name)
    and of the former ones (the latest ended first), and how many there are of each."""

    current: list[Affiliation]
    current_total: int
    former: list[Affiliation]
    former_total: int


def organisation_contacts(
    organisation_id: int, *, today: date | None = None, limit: int = ORGANISATION_CONTACTS
) -> OrganisationContacts:
    """The roles at one organisation (contacts in the trash left out): a page of the current
    ones by name and of the former ones, last ended first, with how many of each there are.
    One statement however many there are: each role ranked and counted within its kind by
    window functions, and the first `limit` of each kind loaded with its contact."""
    holds = current_condition(today or local_today())
    kinds = first_per_group(
        Affiliation,
        group=case((holds, 1), else_=0),
        order_by=(
            # Current roles by name; former ones (these keys empty) last ended first.
            case((holds, Contact.sort_name)),
            case((holds, Contact.id)),
            Affiliation.ended_on.desc().nulls_last(),  # the same on both databases
            Affiliation.id.desc(),
        ),
        limit=limit,
        where=(Affiliation.organisation_id == organisation_id,),
        groups=(1, 0),
        joins=(Affiliation.contact,),
        options=(contains_eager(Affiliation.contact),),
    )
    current, former = kinds[1], kinds[0]
    return OrganisationContacts(
        current=current.shown,
        current_total=current.total,
        former=former.shown,
        former_total=former.total,
    )


def contact_with_details(contact_id: int) -> Select[tuple[Contact]]:
    """The contact with its addresses, numbers, tags and roles (with their organisations), in
    a fixed number of statements: for its page and its register extract."""
    return (
        select(Contact)
        .options(
            selectinload(Contact.emails),
            selectinload(Contact.phones),
            selectinload(Contact.tags),
            selectinload(Contact.affiliations)
            .joinedload(Affiliation.organisation)
            .joinedload(Organisation.parent),
        )
        .where(Contact.id == contact_id)
    )


def contact_query(
    filters: ContactFilter, *, today: date | None = None, for_list: bool = True
) -> Select[tuple[Contact]]:
    """The SELECT behind the contact list, filtered and sorted in SQL, loading what the list
    shows in a fixed number of statements: the roles with their organisations, and for the
    list (`for_list`) also addresses, numbers and tags, which the header search leaves off."""
    today = today or local_today()
    query = select(Contact).options(
        selectinload(Contact.affiliations)
        .selectinload(Affiliation.organisation)
        .joinedload(Organisation.parent),
    )
    if for_list:
        query = query.options(
            selectinload(Contact.emails),
            selectinload(Contact.phones),
            selectinload(Contact.tags),
        )
    query = query.where(*match_conditions(Contact.search_text, filters.q))

    affiliation_conditions = [Affiliation.contact_id == Contact.id]
    if filters.status is Status.CURRENT:
        affiliation_conditions.append(current_condition(today))
    if filters.organisation_id:
        affiliation_conditions.append(Affiliation.organisation_id == filters.organisation_id)
    if filters.kind is not None or filters.county:
        organisation = select(Organisation.id).where(Organisation.id == Affiliation.organisation_id)
        if filters.kind is not None:
            organisation = organisation.where(of_kind(filters.kind))
        if filters.county:
            organisation = organisation.where(Organisation.county_code == filters.county)
        affiliation_conditions.append(organisation.exists())
    if len(affiliation_conditions) > 1 or filters.status is Status.CURRENT:
        query = query.where(exists().where(*affiliation_conditions))
    if filters.status is Status.FORMER:
        query = query.where(
            exists().where(Affiliation.contact_id == Contact.id),
            ~exists().where(Affiliation.contact_id == Contact.id, current_condition(today)),
        )
    if filters.tag:
        query = query.where(
            exists().where(
                contact_tags.c.contact_id == Contact.id,
                contact_tags.c.tag_id == Tag.id,
                Tag.key == fold(filters.tag),
            )
        )
    columns = SORTS.get(filters.sort, SORTS["namn"])
    ordering = [c.desc() if filters.descending else c.asc() for c in columns]
    if filters.sort == RELEVANCE and reads_index(filters.q):
        ordering.insert(
            0, match_rank(Contact.search_text, filters.q, exact=_same_last_name(filters.q))
        )
    return query.order_by(*ordering, Contact.id)


def _same_last_name(query: str) -> Any:
    """SQL: the contact's last name (its sort key begins with it) is exactly `query`."""
    key = sort_key(query)
    return or_(
        Contact.sort_name == key,
        Contact.sort_name.like(f"{like_pattern(key)[1:-1]} %", escape="\\"),
    )


def contacts_by_address(addresses: list[str]) -> dict[str, Contact]:
    """Existing contacts keyed by each of the given e-mail addresses they have."""
    wanted = {a.strip().lower() for a in addresses if a and a.strip()}
    if not wanted:
        return {}
    rows = db.session.execute(
        select(ContactEmail.address, Contact)
        .join(Contact, Contact.id == ContactEmail.contact_id)
        .where(ContactEmail.address.in_(wanted))
    ).all()
    return dict(rows)


def search_contacts(query: str, *, limit: int = 20) -> list[Contact]:
    """Contacts whose names or e-mail addresses contain every word of `query`, the best matches
    first (the whole last name, names beginning with the query), then in Swedish order."""
    if not search_terms(query):
        return []
    filters = ContactFilter(q=query, sort=RELEVANCE)
    # The best `limit` ids first, then only those contacts loaded (see search_meetings).
    best = contact_query(filters, for_list=False).with_only_columns(Contact.id).limit(limit)
    chosen = contact_query(ContactFilter(), for_list=False).where(
        Contact.id.in_(best.scalar_subquery())
    )
    ordering = [Contact.sort_name, Contact.id]
    if reads_index(query):
        ordering.insert(0, match_rank(Contact.search_text, query, exact=_same_last_name(query)))
    ordered = chosen.order_by(None).order_by(*ordering)
    return list(db.session.scalars(ordered))
