"""The roles at an organisation on its page (queries.organisation_contacts): the current ones
by name, the former ones last ended first, at most `limit` of each, with the totals; contacts
in the trash left out; one statement."""

from __future__ import annotations

from datetime import date

from app.common.text import sort_key
from app.contacts.models import Affiliation, Contact
from app.contacts.queries import organisation_contacts
from app.extensions import db
from app.trash.services import move_to_trash

from ..factories import make_organisation, make_user

TODAY = date(2026, 12, 6)


def person(first: str, last: str, organisation, **role) -> Contact:
    contact = Contact(first_name=first, last_name=last, sort_name=sort_key(f"{last} {first}"))
    contact.affiliations.append(Affiliation(organisation=organisation, title="Handläggare", **role))
    db.session.add(contact)
    return contact


def test_current_and_former_roles(ctx, count_statements):
    kommun, other = make_organisation(name="Testkommun"), make_organisation(name="Annan")
    for first, last in (("Åsa", "Öberg"), ("Bo", "Andersson"), ("Cia", "Berg"), ("Dan", "Berg")):
        person(first, last, kommun)
    person("Ulf", "Ulfsson", kommun, ended_on=date(2025, 1, 31))
    person("Vera", "Vik", kommun, ended_on=date(2026, 6, 30))
    person("Will", "Wik", kommun, started_on=date(2027, 1, 1))  # not yet: not current
    person("Xena", "Annan", other)
    trashed = person("Yngve", "Papperskorg", kommun)
    db.session.flush()
    move_to_trash(trashed, by=make_user())
    db.session.flush()

    with count_statements() as counter:
        shown = organisation_contacts(kommun.id, today=TODAY, limit=3)
    assert counter.count == 1
    assert [a.contact.full_name for a in shown.current] == ["Bo Andersson", "Cia Berg", "Dan Berg"]
    assert shown.current_total == 4
    assert [a.contact.full_name for a in shown.former] == ["Vera Vik", "Ulf Ulfsson", "Will Wik"]
    assert shown.former_total == 3
    everyone = organisation_contacts(kommun.id, today=TODAY)
    assert everyone.current[-1].contact.full_name == "Åsa Öberg"
    assert organisation_contacts(make_organisation(name="Tom").id, today=TODAY).current == []
