"""The reports' charts from their figures: the activity summary's months and the
whole-period report's quarters as SVG (charts.py draws them), each with the policy milestones
of its periods (app/milestones) as dashed lines and as the list under the charts.

A milestone is named on a chart as everywhere else a day is shown to people: its date as
`format_date` writes it (the templates' `|date`, which the list under the charts uses), then
its title.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from markupsafe import Markup

from app.common.formatting import format_date
from app.milestones.models import PolicyMilestone
from app.milestones.services import milestones_between
from app.organisations.stages import Stage

from .charts import Marker, Series, bar_chart, line_chart, markers_for, stacked_bar_chart
from .final import FinalReport
from .periods import Period
from .summary import Summary


def milestone_label(milestone: PolicyMilestone) -> str:
    """A milestone on a chart: "2026-01-01 Höjt återvandringsbidrag" (its day as the list
    under the chart writes it)."""
    return f"{format_date(milestone.happens_on)} {milestone.title}"


def milestone_markers(
    periods: list[Period],
) -> tuple[list[Marker], list[PolicyMilestone]]:
    """The policy milestones within `periods` (app/milestones), as chart markers and as the
    list shown under the charts; one statement."""
    if not periods:
        return [], []
    found = milestones_between(periods[0].start, periods[-1].end)
    events = [(m.happens_on, milestone_label(m)) for m in found]
    return markers_for([(p.start, p.end) for p in periods], events), found


def summary_charts(summary: Summary) -> dict[str, Any]:
    """Meetings per month and the municipalities with Möte hållet at each month's end, as SVG,
    with the policy milestones of those months."""
    labels = [b.period.month_key for b in summary.series]
    markers, found = milestone_markers([b.period for b in summary.series])
    held = bar_chart(
        labels,
        [b.held for b in summary.series],
        title=_("Genomförda möten per månad"),
        markers=markers,
    )
    coverage = line_chart(
        labels,
        [b.municipalities.cumulative for b in summary.series],
        maximum=summary.municipalities.total,
        title=_("Kommuner med möte hållet totalt vid varje månads slut"),
        markers=markers,
    )
    # The SVG comes from charts.py, which escapes every text it writes.
    return {"held": Markup(held), "coverage": Markup(coverage), "milestones": found}  # nosec B704


def final_charts(report: FinalReport) -> dict[str, Any]:
    """Meetings per quarter, and municipalities per stage at each quarter's end."""
    labels = [q.period.quarter_label for q in report.quarters]
    markers, found = milestone_markers([q.period for q in report.quarters])
    held = bar_chart(
        labels,
        [q.held for q in report.quarters],
        title=_("Genomförda möten per kvartal"),
        markers=markers,
    )
    layers = [
        Series(
            stage.label,
            f"stage-fill--{stage.value}",
            stage.colour,
            [s[stage] for s in report.stages],
        )
        for stage in Stage
    ]
    stages = stacked_bar_chart(
        labels,
        layers,
        title=_("Kommuner per engagemangssteg vid kvartalets slut"),
        markers=markers,
    )
    # The SVG comes from charts.py, which escapes every text it writes.
    return {"held": Markup(held), "stages": Markup(stages), "milestones": found}  # nosec B704
