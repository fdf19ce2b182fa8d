"""Likely duplicates and merging: signals, dismissals, every link moved, history, conflicts."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.contacts.duplicates import dismiss_pair, find_duplicates
from app.contacts.merge import merge_contacts
from app.contacts.models import Affiliation, Contact, ContactEmail, ImportBatch, ImportItem
from app.contacts.services import ContactValues, create_contact
from app.extensions import db
from app.organisations.models import Organisation


@pytest.fixture
def registry(seeded):
    with seeded.app_context():
        yield seeded


def org(code: str) -> Organisation:
    return db.session.scalar(select(Organisation).filter_by(municipality_code=code))


def person(first, last, *, emails=(), organisation=None, title="", tags=(), phones=()):
    return create_contact(
        values=ContactValues(
            first_name=first,
            last_name=last,
            emails=list(emails),
            phones=list(phones),
            tags=list(tags),
        ),
        organisation=organisation,
        title=title,
        by=None,
    )


def pairs_by_names():
    return {(p.first.full_name, p.second.full_name): p.reasons for p in find_duplicates()}


def test_signals(registry):
    malmo, lund = org("1280"), org("1281")
    person("Åsa", "Öberg", emails=["asa@malmo.se"])
    person("Asa", "Oberg", emails=["ASA@malmo.se"])  # same address, folded name
    person("Per", "Ek", organisation=malmo)
    person("PER", "EK", organisation=malmo)  # same name, same organisation
    person("Per", "Ek", organisation=lund)  # same name elsewhere: only "similar"
    person("Anna", "Lindqvist")
    person("Ana", "Lindqvist")  # similar first name
    person("Berg", "Karin")
    person("Karin", "Berg")  # swapped
    person("Anna", "Holm")
    person("Olle", "Holm")  # different people sharing a surname: not a pair
    db.session.commit()
    found = pairs_by_names()
    assert found[("Åsa Öberg", "Asa Oberg")][0] == "Samma e-postadress"
    assert "Samma namn på samma organisation" in found[("Per Ek", "PER EK")]
    assert ("Anna Lindqvist", "Ana Lindqvist") in found
    assert found[("Berg Karin", "Karin Berg")] == ["Samma namn i annan ordning"]
    assert ("Anna Holm", "Olle Holm") not in found
    strongest = find_duplicates()[0]
    assert "Samma e-postadress" in strongest.reasons


def test_dismissed_pairs_stay_dismissed(registry, users):
    from app.auth.models import User

    a, b = person("Anna", "Lindqvist"), person("Ana", "Lindqvist")
    db.session.commit()
    dismiss_pair(b, a, by=db.session.scalar(select(User)))
    db.session.commit()
    assert ("Anna Lindqvist", "Ana Lindqvist") not in pairs_by_names()


def test_merge_moves_every_link_and_records_it(registry, users):
    from app.auth.models import User

    admin = db.session.scalar(select(User))
    malmo, orebro = org("1280"), org("1880")
    survivor = person(
        "Åsa", "Öberg", emails=["asa@malmo.se"], organisation=malmo, title="Chef", tags=["nätverk"]
    )
    victim = person(
        "Asa",
        "Oberg",
        emails=["asa.oberg@gmail.com"],
        organisation=malmo,
        title="Chef",
        tags=["referensgrupp"],
        phones=["070-123 45 67"],
    )
    db.session.flush()
    victim.affiliations.append(Affiliation(organisation=orebro, title="Utredare"))
    batch = ImportBatch(filename="x.csv", status="committed")
    batch.items.append(ImportItem(contact_id=victim.id, row_number=2, action="created"))
    db.session.add(batch)
    db.session.commit()
    victim_id = victim.id
    victim_events = db.session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .filter_by(entity_type="contacts", entity_id=victim_id)
    )

    merge_contacts(
        survivor,
        victim,
        first_name="Åsa",
        last_name="Öberg",
        notes="Samma person",
        expected_versions=(survivor.version, victim.version),
        by=admin,
    )
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Contact, victim_id) is None
    merged = db.session.get(Contact, survivor.id)
    assert sorted(e.address for e in merged.emails) == ["asa.oberg@gmail.com", "asa@malmo.se"]
    assert [p.number for p in merged.phones] == ["+46701234567"]
    assert sorted(t.name for t in merged.tags) == ["nätverk", "referensgrupp"]
    assert merged.notes == "Samma person"
    roles = sorted((a.organisation.name, a.title) for a in merged.affiliations)
    assert roles == [("Malmö kommun", "Chef"), ("Örebro kommun", "Utredare")]  # the twin role once
    assert db.session.scalar(select(ImportItem.contact_id)) == survivor.id
    assert (
        db.session.scalar(
            select(func.count()).select_from(ContactEmail).filter_by(contact_id=victim_id)
        )
        == 0
    )
    events = db.session.scalars(
        select(AuditEvent)
        .filter_by(entity_type="contacts", entity_id=survivor.id)
        .order_by(AuditEvent.id)
    ).all()
    assert events[-1].action == "merge" and "Asa Oberg" in events[-1].note
    assert len(events) >= victim_events + 2  # both histories, and the merge


def test_merge_pages_and_conflict(seeded, as_role, app):
    client = as_role("coordinator")
    with app.app_context():
        first = person("Åsa", "Öberg", emails=["asa@malmo.se"])
        second = person("Asa", "Oberg", emails=["asa@malmo.se"])
        db.session.commit()
        ids = first.id, second.id
    listing = client.get("/kontakter/dubbletter").text
    assert "Samma e-postadress" in listing and f"/kontakter/sla-ihop/{ids[0]}/{ids[1]}" in listing
    page = client.get(f"/kontakter/sla-ihop/{ids[0]}/{ids[1]}").text
    versions = dict(
        re.findall(r'name="(first_version|second_version)" type="hidden" value="(\d+)"', page)
    )
    stale = {
        "survivor": str(ids[1]),
        "first_name": "Asa",
        "last_name": "Oberg",
        "notes": "",
        "first_version": "0",
        "second_version": versions["second_version"],
    }
    conflict = client.post(f"/kontakter/sla-ihop/{ids[0]}/{ids[1]}", data=stale)
    assert conflict.status_code == 409 and "Någon annan har ändrat" in conflict.text
    done = client.post(f"/kontakter/sla-ihop/{ids[0]}/{ids[1]}", data={**stale, **versions})
    assert done.headers["Location"] == f"/kontakter/{ids[1]}"
    with app.app_context():
        assert db.session.get(Contact, ids[0]) is None
        assert db.session.get(Contact, ids[1]).first_name == "Asa"
    assert "Inga möjliga dubbletter" in client.get("/kontakter/dubbletter").text


def test_dismiss_through_the_page(seeded, as_role, app):
    client = as_role("coordinator")
    with app.app_context():
        a, b = person("Anna", "Lindqvist"), person("Ana", "Lindqvist")
        db.session.commit()
        ids = a.id, b.id
    response = client.post(
        "/kontakter/dubbletter/inte-dubbletter", data={"first": ids[0], "second": ids[1]}
    )
    assert response.status_code == 302
    assert "Inga möjliga dubbletter hittades." in client.get("/kontakter/dubbletter").text


def test_merging_with_itself_is_not_offered(seeded, as_role, app):
    with app.app_context():
        a = person("Anna", "Lindqvist")
        db.session.commit()
        contact_id = a.id
    assert (
        as_role("coordinator").get(f"/kontakter/sla-ihop/{contact_id}/{contact_id}").status_code
        == 404
    )
