"""Picking a meeting's participants: search-as-you-type over contacts."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import exists, select
from sqlalchemy.orm import selectinload

from app.common.search_plan import search_conditions
from app.common.text import search_terms
from app.common.time import local_today
from app.contacts.models import Affiliation, Contact
from app.contacts.queries import current_condition
from app.extensions import db
from app.organisations.models import Organisation


@dataclass(frozen=True)
class Participant:
    """A contact offered while picking participants."""

    id: int
    name: str
    detail: str  # current roles: "Socialsekreterare, Malmö kommun"
    at_chosen: bool  # has a current role at one of the chosen organisations


def find_participants(
    organisation_ids: list[int], query: str, *, limit: int = 20
) -> list[Participant]:
    """Search-as-you-type over contacts: those at the chosen organisations (or their units)
    first, then, when `query` is given, anyone else matching it, each in Swedish order.
    Two statements for the contacts and one for their roles, whatever the number."""
    today = local_today()
    units = select(Organisation.id).where(Organisation.parent_id.in_(organisation_ids or [0]))
    chosen = exists().where(
        Affiliation.contact_id == Contact.id,
        Affiliation.organisation_id.in_(organisation_ids or [0])
        | Affiliation.organisation_id.in_(units),
        current_condition(today),
    )
    base = select(Contact).options(
        selectinload(Contact.affiliations)
        .joinedload(Affiliation.organisation)
        .joinedload(Organisation.parent)
    )
    # Typing "an" must offer Anna as well as Andersson: 1–2 letters match anywhere, read in
    # name order and stopped at the LIMIT (longer words go through the text index).
    base = base.where(*search_conditions(Contact.search_text, query, short_by_name=False))
    found = []
    if organisation_ids:  # no organisation chosen: nobody is at one (a scan of every hit saved)
        found = list(
            db.session.scalars(base.where(chosen).order_by(Contact.sort_name).limit(limit))
        )
    at_chosen = {contact.id for contact in found}
    if search_terms(query) and len(found) < limit:
        others = base.where(~chosen).order_by(Contact.sort_name).limit(limit - len(found))
        found += db.session.scalars(others)

    def detail(contact: Contact) -> str:
        return "; ".join(
            ", ".join(part for part in (a.title, a.organisation.display_name) if part)
            for a in contact.current_affiliations(today)
        )

    return [Participant(c.id, c.full_name, detail(c), c.id in at_chosen) for c in found]
