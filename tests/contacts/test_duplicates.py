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
    strongest = find_duplicates().items[0]
    assert "Samma e-postadress" in strongest.reasons


def test_each_name_pair_has_its_own_reason(registry):
    """Two people of one name, and a third with the name's words the other way round: the
    pair of the same name is "similar", each pair with the third "another order" (the
    pairs of one contact are listed from several groups at once, each with its reason)."""
    person("Karin", "Berg")
    person("Karin", "Berg", emails=["karin.berg@lund.se"])
    person("Berg", "Karin")
    db.session.commit()
    found = sorted(
        (p.first.full_name, p.second.full_name, *p.reasons) for p in find_duplicates().items
    )
    assert found == [
        ("Karin Berg", "Berg Karin", "Samma namn i annan ordning"),
        ("Karin Berg", "Berg Karin", "Samma namn i annan ordning"),
        ("Karin Berg", "Karin Berg", "Liknande namn"),
    ]


def every_pair(per_page):
    """(first id, second id, reasons, strength) of every pair, page by page."""
    first = find_duplicates(page=1, per_page=per_page)
    return first.total, [
        (p.first.id, p.second.id, p.reasons, p.strength)
        for number in range(1, first.pages + 1)
        for p in find_duplicates(page=number, per_page=per_page).items
    ]


def test_ranked_and_paginated_across_every_signal(registry, users):
    from app.auth.models import User
    from app.common.time import utcnow

    malmo = org("1280")
    mail = person("Karin", "Berg", emails=["kb@malmo.se"], organisation=malmo)
    person("Berg", "Karin", emails=["kb@malmo.se"])  # same address and swapped: 3 + 1
    same_org = [person("Per", "Ek", organisation=malmo) for _ in range(3)]  # 3 pairs of 2
    holms = [person("Anna", "Holm") for _ in range(4)]  # 6 name-only pairs
    person("Ana", "Holm")  # similar to each Anna Holm: 4 more
    gone = person("Anna", "Holm")
    person("Eva", "Lund")  # no pair
    db.session.flush()
    gone.deleted_at = utcnow()  # in the trash: in no pair
    dismiss_pair(holms[0], holms[1], by=db.session.scalar(select(User)))
    db.session.commit()

    total, pairs = every_pair(per_page=100)
    assert total == len(pairs) == 1 + 3 + (6 - 1) + 4
    assert pairs[0][:2] == (mail.id, mail.id + 1)
    assert pairs[0][2:] == (["Samma e-postadress", "Samma namn i annan ordning"], 4)
    assert [p[3] for p in pairs] == sorted((p[3] for p in pairs), reverse=True)
    assert {(a, b) for a, b, _r, s in pairs if s == 2} == {
        (same_org[0].id, same_org[1].id),
        (same_org[0].id, same_org[2].id),
        (same_org[1].id, same_org[2].id),
    }
    name_only = [(a, b) for a, b, _r, s in pairs if s == 1]
    assert name_only == sorted(name_only)  # strongest first, then by ids
    assert (holms[0].id, holms[1].id) not in name_only
    assert gone.id not in {i for pair in pairs for i in pair[:2]}
    # Any page size gives the same list, a page at a time.
    for per_page in (1, 2, 4, 7):
        assert every_pair(per_page) == (total, pairs)
    assert find_duplicates(page=99, per_page=10).items == []


def test_a_big_surname_block_is_compared_on_exact_first_names(registry, monkeypatch):
    import app.contacts.name_pairs as name_pairs

    monkeypatch.setattr(name_pairs, "MAX_BLOCK", 3)
    person("Anna", "Lindqvist")
    person("Ana", "Lindqvist")
    person("Anna", "Lindqvist")
    db.session.commit()
    assert find_duplicates().total == 3
    person("Olle", "Lindqvist")  # four in the block: only the two Annas now
    db.session.commit()
    assert [(p.first.first_name, p.second.first_name) for p in find_duplicates()] == [
        ("Anna", "Anna")
    ]


def test_the_scan_runs_a_fixed_number_of_statements(seeded, as_role, app, count_statements):
    """However many contacts and pairs: no statement per contact or per pair."""
    client = as_role("coordinator")
    counts = []
    for size in (2, 40):
        with app.app_context():
            malmo = org("1280")
            for number in range(size):
                person("Anna", "Holm", emails=[f"holm{size}@example.se"], organisation=malmo)
                person("Holm", f"Anna {number}")
            db.session.commit()
        with count_statements() as counter:
            assert client.get("/kontakter/dubbletter").status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1]


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


def test_the_page_is_paginated(seeded, as_role, app):
    client = as_role("coordinator")
    with app.app_context():
        ids = [person("Anna", "Holm").id for _ in range(12)]  # 66 pairs
        db.session.commit()
    first = client.get("/kontakter/dubbletter").text
    assert first.count("Inte samma person") == 50 and "Sida 1 av 2" in first
    second = client.get("/kontakter/dubbletter?sida=2").text
    assert second.count("Inte samma person") == 16 and 'start="51"' in second
    assert f"/kontakter/sla-ihop/{ids[10]}/{ids[11]}" in second
    response = client.post(
        "/kontakter/dubbletter/inte-dubbletter?sida=2", data={"first": ids[10], "second": ids[11]}
    )
    assert response.headers["Location"] == "/kontakter/dubbletter?sida=2"
    assert client.get("/kontakter/dubbletter?sida=2").text.count("Inte samma person") == 15


def test_merging_with_itself_is_not_offered(seeded, as_role, app):
    with app.app_context():
        a = person("Anna", "Lindqvist")
        db.session.commit()
        contact_id = a.id
    assert (
        as_role("coordinator").get(f"/kontakter/sla-ihop/{contact_id}/{contact_id}").status_code
        == 404
    )
