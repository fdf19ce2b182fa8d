"""Progress against a plan, against a hand-computed fixture: held meetings before and after
the plan's first Stockholm day, a planned meeting that does not count, a unit's meeting that
counts for its municipality, overdue by the Stockholm date; and the statement count of a
plan's figures, which does not grow with its items."""

from __future__ import annotations

from datetime import date

import pytest

from app.extensions import db
from app.meetings.models import MeetingStatus
from app.plans import figures
from app.plans.figures import Progress, is_overdue, is_reached
from app.plans.models import ContactPlanItem

from .world import coordinator, meeting, organisation, plan, unit_of, utc

# The plan runs 2026-11-01 – 2026-11-30; Stockholm is UTC+1 then, so it starts at
# 2026-10-31 23:00 UTC.
#   Kramfors   held 2026-10-31 23:30 UTC (00:30 on 1 Nov in Stockholm)  -> reached
#   Härnösand  held 2026-10-31 22:30 UTC (23:30 on 31 Oct in Stockholm) -> not reached, due
#              30 Nov (the plan's end)                                   -> overdue on 2 Dec
#   Sollefteå  a planned meeting on 10 Nov, due 15 Dec (its own)         -> neither
#   Sundsvall  held with its social services on 5 Nov                    -> reached
#   Timrå      nothing, due 1 Dec (its own)                              -> overdue on 2 Dec only
EXPECTED = {
    "Kramfors kommun": (True, False),
    "Härnösands kommun": (False, True),
    "Sollefteå kommun": (False, False),
    "Sundsvalls kommun": (True, False),
    "Timrå kommun": (False, True),
}


@pytest.fixture
def world(seeded, ctx):
    owner = coordinator()
    names = list(EXPECTED)
    places = {name: organisation(name) for name in names}
    meeting([places["Kramfors kommun"]], utc(2026, 10, 31, 23, 30), by=owner)
    meeting([places["Härnösands kommun"]], utc(2026, 10, 31, 22, 30), by=owner)
    meeting(
        [places["Sollefteå kommun"]], utc(2026, 11, 10, 9), by=owner, status=MeetingStatus.PLANNED
    )
    meeting([unit_of(places["Sundsvalls kommun"])], utc(2026, 11, 5, 9), by=owner)
    made = plan(owner, organisations=list(places.values()))
    items = {item.organisation.name: item for item in made.items}
    items["Sollefteå kommun"].due_on = date(2026, 12, 15)
    items["Timrå kommun"].due_on = date(2026, 12, 1)
    db.session.flush()
    return made, owner


def test_progress_matches_the_hand_computed_fixture(world):
    made, owner = world
    statuses = figures.item_statuses([made.id], today=date(2026, 12, 2))
    found = {s.name: (s.reached, s.overdue) for s in statuses}
    assert found == EXPECTED
    assert figures.progress(statuses)[made.id] == Progress(total=5, reached=2, overdue=2)
    assert figures.progress_of([made.id], today=date(2026, 12, 2))[made.id].percent == 40
    assert {s.responsible for s in statuses} == {owner.name}
    sundsvall = next(s for s in statuses if s.name == "Sundsvalls kommun")
    assert sundsvall.last_held == utc(2026, 11, 5, 9)
    assert sundsvall.due == date(2026, 11, 30) and not sundsvall.own_due


def test_overdue_counts_from_the_day_after_the_due_day(world):
    made, _owner = world
    on_due_day = figures.item_statuses([made.id], today=date(2026, 12, 1))
    timra = next(s for s in on_due_day if s.name == "Timrå kommun")
    assert not timra.overdue
    assert figures.progress(on_due_day)[made.id] == Progress(total=5, reached=2, overdue=1)


def test_the_definitions_in_their_edge_cases():
    start = date(2026, 11, 1)
    assert is_reached(utc(2026, 10, 31, 23, 0), start)  # Stockholm midnight exactly
    assert not is_reached(utc(2026, 10, 31, 22, 59), start)
    assert not is_reached(None, start)
    # Summer time: the plan starting 1 June starts at 31 May 22:00 UTC.
    assert is_reached(utc(2026, 5, 31, 22, 0), date(2026, 6, 1))
    assert not is_overdue(reached=True, due=date(2026, 1, 1), today=date(2026, 6, 1))
    assert is_overdue(reached=False, due=date(2026, 5, 31), today=date(2026, 6, 1))
    assert not is_overdue(reached=False, due=date(2026, 6, 1), today=date(2026, 6, 1))


def test_memberships_name_the_plan_and_the_responsible_user(world):
    made, owner = world
    kramfors = organisation("Kramfors kommun")
    other = coordinator("Olle Ansvarig")
    item = next(i for i in made.items if i.organisation_id == kramfors.id)
    item.responsible_id = other.id
    db.session.flush()
    found = figures.memberships([kramfors.id, organisation("Timrå kommun").id])
    assert [(m.title, m.responsible, m.reached) for m in found[kramfors.id]] == [
        (made.title, "Olle Ansvarig", True)
    ]
    assert found[organisation("Timrå kommun").id][0].responsible == owner.name
    assert figures.memberships([organisation("Ånge kommun").id]) == {}


def test_the_open_due_day_leaves_out_reached_plans():
    """Sista dag enligt kontaktplan: the earliest due day of the plans not yet reached; a
    reached plan promises nothing more, however early its day."""

    def member(due: date, reached: bool) -> figures.Membership:
        return figures.Membership(1, "Plan", "", due, reached)

    assert figures.open_due([]) is None
    assert figures.open_due([member(date(2026, 6, 30), True)]) is None
    assert figures.open_due(
        [
            member(date(2026, 6, 30), True),
            member(date(2027, 1, 20), False),
            member(date(2026, 11, 30), False),
        ]
    ) == date(2026, 11, 30)


def test_statements_do_not_grow_with_items(seeded, ctx, count_statements):
    owner = coordinator()
    small = plan(owner, organisations=[organisation("Kramfors kommun")])
    db.session.commit()

    def statements() -> int:
        db.session.expire_all()
        with count_statements() as counter:
            figures.progress_of([small.id], today=date(2026, 12, 2))
            figures.memberships([i.organisation_id for i in small.items])
        return counter.count

    before = statements()
    from sqlalchemy import select

    from app.organisations.models import Organisation, OrganisationKind

    more = db.session.scalars(
        select(Organisation.id).where(Organisation.kind == OrganisationKind.KOMMUN).limit(40)
    ).all()
    for organisation_id in more:
        if organisation_id != small.items[0].organisation_id:
            db.session.add(ContactPlanItem(plan_id=small.id, organisation_id=organisation_id))
    db.session.commit()
    assert statements() == before
