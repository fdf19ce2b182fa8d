"""Queries and changes on the organisation registry."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any, NamedTuple

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, Select, case, func, select
from sqlalchemy.orm import aliased, selectinload

from app.audit.services import Action, Actor, diff, record, snapshot
from app.common.aliases import alias
from app.common.exceptions import DomainError, EditConflict
from app.common.list_filters import AppliedFilter
from app.common.matching import match_conditions, match_rank
from app.common.references import is_referred_to
from app.common.search_plan import reads_index
from app.common.text import search_terms, sort_key
from app.common.time import utcnow
from app.common.validation import InvalidValue
from app.extensions import db

from .models import County, EngagementChange, Organisation, OrganisationKind, display_name
from .stages import Stage

#: Fields a user edits on an organisation, recorded in the history when they change.
EDITABLE_FIELDS = (
    "name",
    "short_name",
    "kind",
    "county_code",
    "parent_id",
    "org_number",
    "website",
    "mailbox",
    "notes",
)
#: The lägesbild fields of a municipality, recorded when its engagement changes.
ENGAGEMENT_FIELDS = ("engagement_stage", "opportunities", "challenges")
#: Fields of seeded organisations that the reference data owns; users cannot change them.
REFERENCE_FIELDS = ("kind", "county_code", "parent_id")


class InvalidOrganisation(DomainError):
    """A value or combination the registry does not accept."""


@dataclass(frozen=True)
class RegistryOverview:
    """How many active top-level organisations of each kind the registry holds."""

    by_kind: dict[OrganisationKind, int]
    regions: int  # regions plus municipalities holding the regional role (Gotland)

    @property
    def total(self) -> int:
        return sum(self.by_kind.values())


def registry_overview() -> RegistryOverview:
    """Count the registry's organisations by kind in one statement (units not counted)."""
    kind = Organisation.kind
    rows = db.session.execute(
        select(kind, func.count(), func.sum(case((Organisation.also_region, 1), else_=0)))
        .where(Organisation.archived_at.is_(None), Organisation.parent_id.is_(None))
        .group_by(kind)
    ).all()
    by_kind = dict.fromkeys(OrganisationKind, 0)
    also_regions = 0
    for row_kind, count, regional in rows:
        by_kind[row_kind] = count
        also_regions += regional or 0
    regions = by_kind[OrganisationKind.REGION] + also_regions
    return RegistryOverview(by_kind=by_kind, regions=regions)


def normalise_org_number(value: str | None) -> str | None:
    """A Swedish organisation number as NNNNNN-NNNN, checked with its Luhn check digit."""
    if not value or not value.strip():
        return None
    digits = re.sub(r"[\s-]", "", value.strip())
    if len(digits) == 12 and digits.startswith(("16", "19", "20")):
        digits = digits[2:]  # the century prefix some registers add
    if not (digits.isdigit() and len(digits) == 10 and luhn_valid(digits)):
        raise InvalidValue(_("Organisationsnumret ska ha tio siffror, till exempel 212000-1355."))
    return f"{digits[:6]}-{digits[6:]}"


def luhn_valid(digits: str) -> bool:
    """The Luhn (mod 10) check used by Swedish personal and organisation numbers."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        number = int(char) * (2 if index % 2 else 1)
        total += number - 9 if number > 9 else number
    return total % 10 == 0


# --- Listing ---------------------------------------------------------------------------------


#: The order of a search: best matches first (see match_rank), then by name. The list uses it
#: when a query is typed and no column is chosen.
RELEVANCE = "relevans"

SORTS: dict[str, tuple[Any, ...]] = {
    "namn": (Organisation.sort_name,),
    "typ": (Organisation.kind, Organisation.sort_name),
    "lan": (Organisation.county_code, Organisation.sort_name),
    "kod": (Organisation.municipality_code, Organisation.sort_name),
    "steg": (Organisation.engagement_stage, Organisation.sort_name),
}


@dataclass
class OrganisationFilter:
    """What the organisation list is narrowed to and ordered by."""

    q: str = ""
    kind: OrganisationKind | None = None
    county: str | None = None
    stage: Stage | None = None
    archived: bool = False
    sort: str = "namn"
    descending: bool = False
    #: Filters other domains add (app/common/list_filters.py), e.g. "has not received X".
    extra: list[AppliedFilter] = field(default_factory=list)


def organisation_query(filters: OrganisationFilter) -> Select[tuple[Organisation]]:
    """The SELECT behind the list, filtered and sorted in SQL (paginate it, or export it)."""
    query = select(Organisation).options(
        selectinload(Organisation.county), selectinload(Organisation.parent)
    )
    query = query.where(*match_conditions(Organisation.search_text, filters.q))
    if filters.kind is not None:
        query = query.where(Organisation.kind == filters.kind)
    if filters.county:
        query = query.where(Organisation.county_code == filters.county)
    if filters.stage is not None:
        query = query.where(Organisation.engagement_stage == filters.stage)
    if not filters.archived:
        query = query.where(Organisation.archived_at.is_(None))
    query = query.where(*(applied.condition for applied in filters.extra))
    columns = SORTS.get(filters.sort, SORTS["namn"])
    ordering = [c.desc() if filters.descending else c.asc() for c in columns]
    if filters.sort == RELEVANCE and reads_index(filters.q):  # 1–2 letters: name order
        exact = Organisation.sort_name == sort_key(filters.q)
        ordering.insert(0, match_rank(Organisation.search_text, filters.q, exact=exact))
    return query.order_by(*ordering, Organisation.id)


def of_kind(kind: OrganisationKind) -> ColumnElement[bool]:
    """The condition "is of `kind`, or a unit of an organisation of `kind`" on `Organisation`:
    filtering meetings or contacts by "Kommun" keeps those at a municipality's social
    services, although units have the kind ENHET of their own."""
    parent = aliased(Organisation)
    return (Organisation.kind == kind) | Organisation.parent_id.in_(
        select(parent.id).where(parent.kind == kind)
    )


def county_municipalities(county_code: str) -> list[Organisation]:
    """The active municipalities of one county in Swedish order, with their engagement
    stages: what a county board's page lists (one statement)."""
    return list(
        db.session.scalars(
            select(Organisation)
            .where(
                Organisation.county_code == county_code,
                Organisation.kind == OrganisationKind.KOMMUN,
                Organisation.parent_id.is_(None),
                Organisation.archived_at.is_(None),
            )
            .order_by(Organisation.sort_name, Organisation.id)
        )
    )


def counties() -> list[County]:
    """The 21 counties in code order."""
    return list(db.session.scalars(select(County).order_by(County.code)))


class OrganisationChoice(NamedTuple):
    """An organisation as a picker shows it: no model object, so a thousand are cheap."""

    id: int
    display_name: str


def organisation_and_units(organisation_id: int) -> Select[tuple[int]]:
    """The organisation's id and its units' (units belong to it through `parent_id`)."""
    return select(Organisation.id).where(
        (Organisation.id == organisation_id) | (Organisation.parent_id == organisation_id)
    )


@cache
def _organisation_choices_statement() -> Select[Any]:
    parent = alias(Organisation, "organisations.organisation_choices.parent")
    return (
        select(Organisation.id, Organisation.name, parent.name)
        .outerjoin(parent, parent.id == Organisation.parent_id)
        .where(Organisation.archived_at.is_(None))
        .order_by(Organisation.sort_name, Organisation.id)
    )


def organisation_choices() -> list[OrganisationChoice]:
    """Active organisations for pickers, in Swedish order (units after their names), read as
    plain rows in one statement (built once per process)."""
    rows = db.session.execute(_organisation_choices_statement())
    return [
        OrganisationChoice(id_, display_name(name, parent_name)) for id_, name, parent_name in rows
    ]


# --- Changes ---------------------------------------------------------------------------------


def _check_parent(organisation: Organisation | None, parent_id: int | None) -> Organisation | None:
    if parent_id is None:
        return None
    parent = db.session.get(Organisation, parent_id)
    if parent is None:
        raise InvalidOrganisation(_("Den överordnade organisationen finns inte."))
    walker: Organisation | None = parent
    while walker is not None:
        if organisation is not None and walker.id == organisation.id:
            raise InvalidOrganisation(_("En organisation kan inte ligga under sig själv."))
        walker = walker.parent
    return parent


def _check_county(code: str | None) -> None:
    if code and db.session.get(County, code) is None:
        raise InvalidOrganisation(_("Länet finns inte."))


def kind_for(
    parent: Organisation | None, chosen: OrganisationKind | None, current: OrganisationKind | None
) -> OrganisationKind:
    """The kind an organisation gets: ENHET for a unit, whatever its parent is; else the kind
    chosen, or the one it has. A unit taken out of its parent (no kind chosen, since a unit's
    form has none) becomes "Annan" until someone picks its kind."""
    if parent is not None:
        return OrganisationKind.ENHET
    for kind in (chosen, current):
        if kind is not None and kind is not OrganisationKind.ENHET:
            return kind
    return OrganisationKind.ANNAN


def create_organisation(*, values: dict[str, Any], by: Actor | None) -> Organisation:
    """Add an organisation or a unit (values as in EDITABLE_FIELDS; a unit gets the kind
    ENHET)."""
    _check_county(values.get("county_code"))
    parent = _check_parent(None, values.get("parent_id"))
    organisation = Organisation(**{k: values.get(k) for k in EDITABLE_FIELDS})
    organisation.notes = organisation.notes or ""
    organisation.parent = parent
    organisation.kind = kind_for(parent, values.get("kind"), None)
    if parent is not None and not organisation.county_code:
        organisation.county_code = parent.county_code
    organisation.index()
    db.session.add(organisation)
    db.session.flush()
    record(
        entity=organisation,
        action=Action.CREATE,
        by=by,
        changes=diff({}, snapshot(organisation, EDITABLE_FIELDS)),
    )
    return organisation


def update_organisation(
    organisation: Organisation, *, values: dict[str, Any], expected_version: int, by: Actor
) -> Organisation:
    """Save edits; raise EditConflict if someone saved in between. Seeded organisations keep
    their kind, county and place in the hierarchy; a unit's kind is ENHET (see `kind_for`)."""
    if organisation.version != expected_version:
        raise EditConflict(current=organisation)
    before = snapshot(organisation, EDITABLE_FIELDS)
    fields = EDITABLE_FIELDS
    if organisation.reference_key:
        fields = tuple(f for f in EDITABLE_FIELDS if f not in REFERENCE_FIELDS)
    if "parent_id" in fields:
        _check_county(values.get("county_code"))
        organisation.parent = _check_parent(organisation, values.get("parent_id"))
        organisation.kind = kind_for(organisation.parent, values.get("kind"), organisation.kind)
    for name in fields:
        if name not in ("parent_id", "kind"):
            setattr(organisation, name, values.get(name))
    organisation.notes = organisation.notes or ""
    organisation.index()
    for unit in organisation.units:
        unit.index()
    changes = diff(before, snapshot(organisation, EDITABLE_FIELDS))
    if changes:
        organisation.version += 1
        db.session.flush()
        record(entity=organisation, action=Action.UPDATE, by=by, changes=changes)
    return organisation


def is_deletable(organisation: Organisation) -> bool:
    """Only a user-created organisation that nothing refers to may go to the trash."""
    return not organisation.reference_key and not is_referred_to(organisation)


def archive_organisation(organisation: Organisation, *, by: Actor) -> None:
    """Hide the organisation from lists and pickers; its history stays."""
    if organisation.archived_at is None:
        organisation.archived_at = utcnow()
        record(entity=organisation, action=Action.ARCHIVE, by=by)


def restore_organisation(organisation: Organisation, *, by: Actor) -> None:
    """Bring an archived organisation back."""
    if organisation.archived_at is not None:
        organisation.archived_at = None
        record(entity=organisation, action=Action.RESTORE, by=by)


def change_engagement(
    organisation: Organisation,
    *,
    stage: Stage,
    comment: str,
    opportunities: str,
    challenges: str,
    by: Actor,
) -> EngagementChange:
    """Record a municipality's new stage (or new opportunities and challenges)."""
    if not organisation.is_municipality:
        raise InvalidOrganisation(_("Engagemangssteg finns bara för kommuner."))
    before = snapshot(organisation, ENGAGEMENT_FIELDS)
    organisation.engagement_stage = stage
    organisation.opportunities = opportunities.strip()
    organisation.challenges = challenges.strip()
    change = EngagementChange(
        organisation=organisation,
        stage=stage,
        comment=comment.strip(),
        opportunities=organisation.opportunities,
        challenges=organisation.challenges,
        changed_by_id=by.id,
        changed_by_name=by.name,
    )
    db.session.add(change)
    db.session.flush()
    changes = diff(
        before, snapshot(organisation, ("engagement_stage", "opportunities", "challenges"))
    )
    record(entity=organisation, action=Action.STAGE, by=by, changes=changes, note=comment.strip())
    return change


def search_organisations(query: str, *, limit: int = 20) -> list[Organisation]:
    """Active organisations whose names or codes contain every word of `query`, the best
    matches first (an exact name, then names beginning with the query), then in Swedish order."""
    terms = search_terms(query)
    if not terms:
        return []
    filters = OrganisationFilter(q=query, sort=RELEVANCE)
    return list(db.session.scalars(organisation_query(filters).limit(limit)))
