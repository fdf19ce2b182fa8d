"""Informerad med X against hand-computed fixtures, and the maintained facts against a rebuild.

The fixture (all in Västernorrland, county 22, seven municipalities):
- version 1 by hand to Kramfors on 2026-11-10, and by mailing again on 2026-12-05;
- version 2 by hand to Sollefteå's social services (a unit) on 2026-12-02;
- version 2 by hand to a contact at Härnösand on 2026-12-03;
- version 2 by mailing to Örnsköldsvik (failed) and Timrå (uncertain) on 2026-12-04;
- version 2 by hand to Region Västernorrland (not a municipality) on 2026-12-04.
So: informed with any version {Kramfors, Sollefteå, Härnösand}; with version 1 {Kramfors};
with version 2 {Sollefteå, Härnösand}.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import func, select

from app.common.bitmaps import from_bytes, members
from app.contacts.services import ContactValues, create_contact
from app.extensions import db
from app.library import coverage, facts, services
from app.library.models import (
    Channel,
    Delivery,
    InformationFact,
    InformationMonth,
    Material,
    MaterialKind,
    MaterialVersion,
    Outcome,
)
from app.organisations.models import Organisation, OrganisationKind
from tests.at_once import write_at_once
from tests.factories import make_organisation


def municipality(code: str) -> Organisation:
    return db.session.scalar(select(Organisation).filter_by(municipality_code=code))


def hand(version, day, *, organisations=(), contacts=(), channel=Channel.BY_HAND, **extra):
    return services.record_deliveries(
        version,
        channel=channel,
        delivered_on=day,
        organisation_ids=list(organisations),
        contact_ids=list(contacts),
        by=None,
        **extra,
    )


def build_world() -> dict:
    """The fixture above, committed: the material, its versions and the organisations' ids."""
    guide = services.create_material(
        values=services.MaterialValues(kind=MaterialKind.GUIDANCE, title="Vägledning"),
        by=None,
    )
    v1 = services.add_version(guide, link="https://example.se/v1", by=None)
    v2 = services.add_version(guide, link="https://example.se/v2", by=None)
    kramfors, solleftea, harnosand = (municipality(c) for c in ("2282", "2283", "2280"))
    ornskoldsvik, timra = municipality("2284"), municipality("2262")
    unit = make_organisation(
        name="Socialtjänsten", kind=OrganisationKind.KOMMUN, parent_id=solleftea.id
    )
    region = make_organisation(
        name="Region Västernorrland", kind=OrganisationKind.REGION, county_code="22"
    )
    contact = create_contact(
        values=ContactValues(first_name="Hanna", last_name="Härnösand"),
        organisation=harnosand,
        by=None,
    )
    hand(v1, date(2026, 11, 10), organisations=[kramfors.id])
    hand(v1, date(2026, 12, 5), organisations=[kramfors.id], channel=Channel.MAILING)
    hand(v2, date(2026, 12, 2), organisations=[unit.id])
    hand(v2, date(2026, 12, 3), contacts=[contact.id])
    hand(
        v2,
        date(2026, 12, 4),
        organisations=[ornskoldsvik.id],
        channel=Channel.MAILING,
        outcome=Outcome.FAILED,
    )
    (uncertain,) = hand(
        v2,
        date(2026, 12, 4),
        organisations=[timra.id],
        channel=Channel.MAILING,
        outcome=Outcome.UNCERTAIN,
    )
    hand(v2, date(2026, 12, 4), organisations=[region.id])
    db.session.commit()
    return {
        "guide": guide,
        "v1": v1,
        "v2": v2,
        "kramfors": kramfors.id,
        "solleftea": solleftea.id,
        "harnosand": harnosand.id,
        "timra": timra.id,
        "uncertain": uncertain,
    }


@pytest.fixture
def world(seeded):
    with seeded.app_context():
        yield build_world()


def test_informed_with_any_version_or_one_version(world):
    guide = world["guide"].id
    assert coverage.informed_ids(guide) == {
        world["kramfors"],
        world["solleftea"],
        world["harnosand"],
    }
    assert coverage.informed_ids(guide, world["v1"].id) == {world["kramfors"]}
    assert coverage.informed_ids(guide, world["v2"].id) == {world["solleftea"], world["harnosand"]}


def test_confirming_an_uncertain_message_counts_it(world):
    services.settle_delivery(world["uncertain"], outcome=Outcome.DELIVERED, by=None)
    db.session.commit()
    assert world["timra"] in coverage.informed_ids(world["guide"].id, world["v2"].id)
    services.settle_delivery(world["uncertain"], outcome=Outcome.FAILED, by=None)
    db.session.commit()
    assert world["timra"] not in coverage.informed_ids(world["guide"].id)


def test_county_roll_up(world):
    rows = [(m.id, m.county_code) for m in coverage.municipalities()]
    counts = coverage.coverage_counts(rows, coverage.informed_ids(world["guide"].id))
    assert counts["22"] == (3, 7)
    assert counts[None] == (3, 290)
    assert counts["01"] == (0, 26)


def test_information_sent_in_a_period(world):
    december = coverage.information_sent(date(2026, 12, 1), date(2026, 12, 31))
    # Failed and uncertain messages are not deliveries that inform.
    assert december.deliveries == {Channel.MAILING: 1, Channel.MEETING: 0, Channel.BY_HAND: 3}
    # Kramfors, Sollefteå (through its unit), Härnösand and the region.
    assert december.recipients == 4
    assert [(m.title, m.municipalities) for m in december.materials] == [("Vägledning", 3)]
    november = coverage.information_sent(date(2026, 11, 1), date(2026, 11, 30))
    assert (november.total, november.recipients) == (1, 1)
    assert [m.municipalities for m in november.materials] == [1]
    quiet = coverage.information_sent(date(2026, 10, 1), date(2026, 10, 31))
    assert (quiet.total, quiet.recipients, quiet.materials) == (0, 0, [])


def test_material_in_the_trash_is_not_counted(world):
    from app.common.time import utcnow

    world["guide"].deleted_at = utcnow()
    db.session.commit()
    december = coverage.information_sent(date(2026, 12, 1), date(2026, 12, 31))
    assert (december.total, december.recipients, december.materials) == (0, 0, [])
    assert coverage.informed_ids(world["guide"].id) == set()


def maintained() -> list[tuple]:
    """The facts, and the months with each month's organisations spelt out."""
    rows = db.session.execute(
        select(
            InformationFact.version_id,
            InformationFact.organisation_id,
            InformationFact.day,
            InformationFact.channel,
            InformationFact.material_id,
            InformationFact.deliveries,
        )
    ).all()
    months = db.session.execute(
        select(
            InformationMonth.month,
            InformationMonth.material_id,
            InformationMonth.channel,
            InformationMonth.deliveries,
            InformationMonth.organisations,
        )
    ).all()
    spelt = [(*key, tuple(members(from_bytes(bits)))) for *key, bits in months]
    assert all(ids and key[-1] > 0 for *key, ids in spelt), "no month row without a fact"
    return sorted(rows) + sorted(spelt)


def sent_by_definition(first: date, last: date) -> tuple[dict, int, list[tuple[str, int]]]:
    """What `information_sent` reports, computed from the facts of the period's days and
    Informerad med X as `informed_municipalities` defines it: deliveries per channel of the
    materials outside the trash, the top-level organisations that received them, and per
    material the municipalities informed."""
    live = set(db.session.scalars(select(Material.id)))
    per_channel = dict.fromkeys(Channel, 0)
    roots = set()
    for fact in db.session.scalars(
        select(InformationFact).where(InformationFact.day.between(first, last))
    ):
        if fact.material_id in live:
            per_channel[Channel(fact.channel)] += fact.deliveries
            receiver = db.session.get(Organisation, fact.organisation_id)
            if receiver is not None and receiver.deleted_at is None:
                roots.add(receiver.parent_id or receiver.id)
    informed = coverage.informed_municipalities(first=first, last=last).subquery()
    materials = db.session.execute(
        select(Material.title, func.count(informed.c.municipality_id))
        .join(informed, informed.c.material_id == Material.id)
        .group_by(Material.id, Material.title, Material.sort_title)
        .order_by(Material.sort_title, Material.id)
    ).all()
    return per_channel, len(roots), [tuple(row) for row in materials]


#: Whole months, part months at either end, one day, and a period within one month.
PERIODS = [
    (date(2026, 11, 1), date(2026, 11, 30)),
    (date(2026, 12, 1), date(2026, 12, 31)),
    (date(2026, 11, 1), date(2026, 12, 31)),
    (date(2026, 11, 15), date(2026, 12, 2)),
    (date(2026, 10, 20), date(2026, 12, 3)),
    (date(2026, 12, 3), date(2026, 12, 3)),
    (date(2026, 12, 2), date(2026, 12, 30)),
]


@pytest.mark.parametrize("seed", range(6))
def test_maintained_facts_equal_rebuilt_after_any_writes(world, seed):
    """Random deliveries, outcome changes, moves (across a month's end too) and deletions:
    the facts and months kept in each transaction equal those rebuilt from the deliveries,
    and "Information sent" read from them equals its definition for whole, part and single
    days' periods."""
    rng = random.Random(seed)
    organisations = list(
        db.session.scalars(
            select(Organisation.id).where(Organisation.county_code == "22").limit(12)
        )
    )
    versions = [world["v1"], world["v2"]]
    days = [date(2026, 11, 29), date(2026, 11, 30), *(date(2026, 12, d) for d in range(1, 5))]
    for _step in range(25):
        action = rng.choice(("add", "add", "outcome", "move", "delete"))
        deliveries = list(db.session.scalars(select(Delivery)))
        if action == "add" or not deliveries:
            hand(
                rng.choice(versions),
                rng.choice(days),
                organisations=rng.sample(organisations, rng.randint(1, 3)),
                channel=rng.choice((Channel.BY_HAND, Channel.MAILING)),
                outcome=rng.choice(list(Outcome)),
            )
        else:
            delivery = rng.choice(deliveries)
            if action == "outcome":
                delivery.outcome = rng.choice(list(Outcome))
            elif action == "move":
                delivery.organisation_id = rng.choice(organisations)
                delivery.delivered_on = rng.choice(days)
            else:
                db.session.delete(delivery)
        if rng.random() < 0.5:
            db.session.commit()
        else:
            db.session.flush()
    db.session.commit()
    for first, last in PERIODS:
        sent = coverage.information_sent(first, last)
        got = (
            sent.deliveries,
            sent.recipients,
            [(m.title, m.municipalities) for m in sent.materials],
        )
        assert got == sent_by_definition(first, last), (first, last)
    kept = maintained()
    facts.rebuild_facts()
    assert maintained() == kept


def test_two_writers_in_the_same_month_keep_both_receivers(world, seeded):
    """Two transactions record the same material by hand in the same month for two
    municipalities at once: the second waits for the first's month row (taken first) and
    then reads the facts with the first's in, so the month holds both and equals a rebuild."""
    receivers = [municipality("2284"), municipality("2262")]  # Örnsköldsvik, Timrå
    ids, version_id = [o.id for o in receivers], world["v1"].id
    db.session.commit()

    def record(organisation_id: int) -> Callable[[], None]:
        def write() -> None:
            hand(
                db.session.get(MaterialVersion, version_id),
                date(2026, 10, 5),
                organisations=[organisation_id],
            )

        return write

    assert write_at_once(seeded, record(ids[0]), record(ids[1])) == []
    db.session.expire_all()
    october = coverage.information_sent(date(2026, 10, 1), date(2026, 10, 31))
    assert (october.recipients, [m.municipalities for m in october.materials]) == (2, [2])
    kept = maintained()
    facts.rebuild_facts()
    assert maintained() == kept
