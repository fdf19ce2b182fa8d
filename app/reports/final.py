"""The whole-period report for the final account (slutredovisning).

The activity summary from the assignment's start to a chosen day, with its figures per
calendar quarter (the first and last quarters clipped to the period) and the lägesbild's
development: municipalities per stage at the end of each quarter, from the engagement
history. The list of every held meeting is left to the spreadsheet export, which streams it
(`meeting_list.held_meeting_rows`).
"""

from __future__ import annotations

from dataclasses import dataclass

from app.organisations.models import OrganisationKind
from app.organisations.stages import Stage

from .periods import Period, quarters
from .situation import stages_at
from .summary import BucketFigures, Summary, build_summary


@dataclass
class FinalReport:
    """The summary of the whole period, and per quarter its figures and stages."""

    summary: Summary
    stages: list[dict[Stage, int]]  # one per quarter, at its end

    @property
    def period(self) -> Period:
        return self.summary.period

    @property
    def quarters(self) -> list[BucketFigures]:
        return self.summary.series

    @property
    def rows(self) -> list[tuple[BucketFigures, dict[Stage, int]]]:
        return list(zip(self.quarters, self.stages, strict=True))


def build_final(period: Period) -> FinalReport:
    """The whole-period report."""
    summary = build_summary(period, series=quarters(period))
    stages = stages_at(
        [q.period.ends_at for q in summary.series],
        municipalities=summary.totals[OrganisationKind.KOMMUN],
    )
    return FinalReport(summary=summary, stages=stages)
