"""The lägesbild (every municipality, per county) and the silence list."""

from __future__ import annotations

from datetime import UTC, date, datetime

from app.common.time import local_midnight
from app.organisations.models import OrganisationKind
from app.organisations.stages import Stage
from app.reports.situation import (
    county_rollup,
    filter_statuses,
    municipality_statuses,
    silent_organisations,
)


def test_every_municipality_with_its_figures(world, seeded):
    with seeded.app_context():
        statuses = municipality_statuses()
    assert len(statuses) == 290
    assert statuses[0].name == "Ale kommun"  # Swedish order: Å, Ä, Ö at the end
    assert statuses[-1].name.startswith("Ö")
    by_id = {s.id: s for s in statuses}
    malmo, lund, kiruna = by_id[world.malmo], by_id[world.lund], by_id[world.kiruna]
    assert malmo.stage is Stage.IN_DIALOGUE and malmo.county == "Skåne län"
    # Directly, through its unit and again; its last held meeting on 20 October.
    assert (malmo.held, malmo.last_held) == (3, datetime(2026, 10, 20, 8, tzinfo=UTC))
    assert malmo.open_follow_ups == 2  # one on its unit, one on itself
    assert (malmo.opportunities, malmo.challenges) == ("Stort intresse", "Tolkar saknas")
    assert (lund.held, lund.open_follow_ups, lund.stage) == (2, 0, Stage.ACTIVE)
    assert (kiruna.held, kiruna.stage) == (1, Stage.DECLINED)
    assert by_id[world.uppsala].held == 0 and by_id[world.uppsala].last_held is None
    assert by_id[world.uppsala].stage is Stage.NOT_CONTACTED


def test_filters(world, seeded):
    with seeded.app_context():
        statuses = municipality_statuses()
    skane = filter_statuses(statuses, county="12", stage=None)
    assert len(skane) == 33
    assert [s.id for s in filter_statuses(statuses, county="12", stage=Stage.ACTIVE)] == [
        world.lund
    ]
    assert filter_statuses(statuses, county=None, stage=None) == statuses


def test_county_rollup(world, seeded):
    with seeded.app_context():
        counties, national = county_rollup()
    assert len(counties) == 21 and counties[0].name == "Stockholms län"
    skane = next(c for c in counties if c.code == "12")
    assert skane.counts[Stage.IN_DIALOGUE] == 1 and skane.counts[Stage.ACTIVE] == 1
    assert (skane.counts[Stage.NOT_CONTACTED], skane.total, skane.contacted) == (31, 33, 2)
    norrbotten = next(c for c in counties if c.code == "25")
    assert (norrbotten.counts[Stage.DECLINED], norrbotten.total) == (1, 14)
    assert national.total == 290 and national.contacted == 3
    assert national.counts[Stage.NOT_CONTACTED] == 287
    assert sum(c.total for c in counties) == 290


def test_silence_list_never_met_first_then_the_longest_silence(world, seeded):
    with seeded.app_context():
        rows = silent_organisations(local_midnight(date(2026, 11, 2)))
    assert len(rows) == 311  # every municipality and county board
    never = [r for r in rows if r.last_held is None]
    assert len(never) == 306 and rows[:306] == never
    assert never[0].name == "Ale kommun"
    assert world.uppsala in {r.id for r in never}  # a cancelled meeting is not a meeting
    # Oldest first; Lund and the county board were met together, then by name.
    assert [r.id for r in rows[306:]] == [
        world.lund,
        world.skane_board,
        world.malmo,
        world.kiruna,
        world.goteborg,
    ]
    assert rows[-1].days_since(date(2026, 11, 2)) == 1
    assert rows[306].days_since(date(2026, 11, 2)) == 28


def test_silence_since_a_cutoff_and_by_kind(world, seeded):
    with seeded.app_context():
        since_october = silent_organisations(local_midnight(date(2026, 10, 10)))
        boards = silent_organisations(
            local_midnight(date(2026, 10, 1)), kinds=[OrganisationKind.LANSSTYRELSE]
        )
        # Kiruna's call at 23:30 on 31 October is 22:30 UTC.
        before_the_call = silent_organisations(datetime(2026, 10, 31, 22, 30, tzinfo=UTC))
        after_the_call = silent_organisations(datetime(2026, 10, 31, 22, 31, tzinfo=UTC))
    silent = {r.id for r in since_october}
    assert world.lund in silent and world.skane_board in silent
    assert not silent & {world.malmo, world.kiruna, world.goteborg}
    assert len(since_october) == 308
    assert len(boards) == 20 and all(r.kind is OrganisationKind.LANSSTYRELSE for r in boards)
    assert world.kiruna not in {r.id for r in before_the_call}
    assert world.kiruna in {r.id for r in after_the_call}
