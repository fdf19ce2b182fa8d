"""The whole-period report: quarters clipped to the period, figures per quarter, and the
lägesbild's development from the engagement history (see conftest.py for the world)."""

from __future__ import annotations

from datetime import date

from app.organisations.stages import Stage
from app.reports.final import build_final
from app.reports.periods import Period

from .conftest import WHOLE

NOT, CONTACTED, INFORMED = Stage.NOT_CONTACTED, Stage.CONTACTED, Stage.INFORMED
DIALOGUE, ACTIVE, DECLINED = Stage.IN_DIALOGUE, Stage.ACTIVE, Stage.DECLINED


def stages(**counts: int) -> dict[Stage, int]:
    result = dict.fromkeys(Stage, 0)
    result.update({Stage(k): v for k, v in counts.items()})
    return result


def test_quarters_and_their_figures(world, seeded):
    with seeded.app_context():
        report = build_final(WHOLE)
    quarters = report.quarters
    assert [q.period.quarter_label for q in quarters] == [
        "2025K2",
        "2025K3",
        "2025K4",
        "2026K1",
        "2026K2",
        "2026K3",
        "2026K4",
    ]
    assert quarters[0].period == Period(date(2025, 6, 5), date(2025, 6, 30))
    assert quarters[-1].period == Period(date(2026, 10, 1), date(2026, 11, 30))
    assert [q.held for q in quarters] == [0, 0, 0, 0, 0, 1, 7]
    k3, k4 = quarters[-2], quarters[-1]
    assert (k3.municipalities.reached, k3.municipalities.new, k3.municipalities.cumulative) == (
        1,
        1,
        1,
    )
    # Malmö, Lund, Kiruna and Göteborg; Lund was already reached in 2026K3.
    assert (k4.municipalities.reached, k4.municipalities.new, k4.municipalities.cumulative) == (
        4,
        3,
        4,
    )
    assert k4.county_boards.cumulative == 1
    # 23:50 on 30 September is 2026K3, 00:10 on 1 October 2026K4.
    assert [q.activity.new_contacts for q in quarters[-2:]] == [1, 2]
    assert [q.activity.follow_ups_created for q in quarters[-2:]] == [2, 3]
    assert [q.activity.follow_ups_completed for q in quarters[-2:]] == [0, 2]
    # The whole period is the sum of its quarters.
    assert report.summary.held == 8
    assert report.summary.municipalities.reach.cumulative == 4
    assert report.summary.new_contacts == 3


def test_the_lagesbild_at_each_quarter_end(world, seeded):
    with seeded.app_context():
        report = build_final(WHOLE)
    assert report.stages == [
        stages(ej_kontaktad=290),
        stages(ej_kontaktad=289, kontaktad=1),  # Malmö contacted in August 2025
        # Lund informed at 23:30 on New Year's Eve; active only at 00:30 on 1 January.
        stages(ej_kontaktad=288, kontaktad=1, informerad=1),
        stages(ej_kontaktad=288, i_dialog=1, arbetar_aktivt=1),
        stages(ej_kontaktad=287, i_dialog=1, arbetar_aktivt=1, avbojt=1),
        stages(ej_kontaktad=287, i_dialog=1, arbetar_aktivt=1, avbojt=1),
        stages(ej_kontaktad=287, i_dialog=1, arbetar_aktivt=1, avbojt=1),
    ]
    assert all(sum(counts.values()) == 290 for counts in report.stages)


def test_a_period_inside_one_quarter(world, seeded):
    with seeded.app_context():
        report = build_final(Period(date(2026, 10, 10), date(2026, 10, 20)))
    assert [q.period for q in report.quarters] == [report.period]
    assert report.quarters[0].held == report.summary.held == 3
