"""The activity summary of a period, assembled from the aggregates in queries.py.

`build_summary` runs a fixed number of statements (seven, plus one for the meeting list's
organisations): the same for a quiet month and a busy year. The figures of the period's
series (the last twelve months for the monthly summary's charts, the quarters for the final
account) come from the same statements as the period's own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from flask_babel import gettext as _

from app.meetings.models import Meeting, MeetingKind, Perspective
from app.organisations.models import OrganisationKind

from . import queries
from .periods import Period, months_ending
from .queries import Activity, OwnerFollowUps, Reach


@dataclass(frozen=True)
class Row:
    """A labelled count for a table."""

    label: str
    count: int


@dataclass(frozen=True)
class KindReach:
    """Organisations of one kind reached in the period, for the first time in it, up to its
    end, and how many there are in the registry."""

    kind: OrganisationKind
    reach: Reach
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.reach.cumulative / self.total) if self.total else 0


@dataclass(frozen=True)
class BucketFigures:
    """One month or quarter of a series."""

    period: Period
    held_by_kind: dict[MeetingKind, int]
    reach: dict[OrganisationKind, Reach]
    activity: Activity

    @property
    def held(self) -> int:
        return sum(self.held_by_kind.values())

    @property
    def organisations_reached(self) -> int:
        return sum(r.reached for r in self.reach.values())

    @property
    def municipalities(self) -> Reach:
        return self.reach[OrganisationKind.KOMMUN]

    @property
    def county_boards(self) -> Reach:
        return self.reach[OrganisationKind.LANSSTYRELSE]


@dataclass
class Summary:
    """Everything the summary page, its exports and the final account show."""

    period: Period
    figures: BucketFigures
    totals: dict[OrganisationKind, int]
    held_by_kind: list[Row]
    by_organisation_kind: list[Row]
    by_county: list[Row]
    topics: list[Row]
    target_groups: list[Row]
    perspectives: list[Row]
    follow_ups: list[OwnerFollowUps]
    meetings: list[Meeting]
    series: list[BucketFigures] = field(default_factory=list)

    @property
    def held(self) -> int:
        return self.figures.held

    @property
    def reach(self) -> list[KindReach]:
        """Reach per organisation kind, in the kinds' order."""
        return [KindReach(k, self.figures.reach[k], self.totals[k]) for k in OrganisationKind]

    @property
    def municipalities(self) -> KindReach:
        kind = OrganisationKind.KOMMUN
        return KindReach(kind, self.figures.reach[kind], self.totals[kind])

    @property
    def county_boards(self) -> KindReach:
        kind = OrganisationKind.LANSSTYRELSE
        return KindReach(kind, self.figures.reach[kind], self.totals[kind])

    @property
    def organisations_reached(self) -> int:
        return self.figures.organisations_reached

    @property
    def organisations_cumulative(self) -> int:
        return sum(r.cumulative for r in self.figures.reach.values())

    @property
    def new_contacts(self) -> int:
        return self.figures.activity.new_contacts

    @property
    def follow_up_totals(self) -> OwnerFollowUps:
        return OwnerFollowUps(
            owner_id=0,
            owner=_("Totalt"),
            created=sum(o.created for o in self.follow_ups),
            completed=sum(o.completed for o in self.follow_ups),
            overdue=sum(o.overdue for o in self.follow_ups),
        )


def no_organisation_label() -> str:
    return _("Utan organisation")


def no_county_label() -> str:
    return _("Utan län (nationella organisationer)")


def _kind_rows(groups: list[queries.Group]) -> list[Row]:
    counts = {g.key: g.count for g in groups}
    rows = [Row(kind.label, counts.get(kind.value, 0)) for kind in OrganisationKind]
    if counts.get(None):
        rows.append(Row(no_organisation_label(), counts[None]))
    return rows


def _perspective_rows(groups: list[queries.Group]) -> list[Row]:
    counts = {g.key: g.count for g in groups}
    return [Row(p.label, counts.get(p.value, 0)) for p in Perspective]


def build_summary(
    period: Period, *, series: Sequence[Period] = (), with_meetings: bool = True
) -> Summary:
    """The summary of `period`, with figures for each period of `series` as well."""
    buckets = [*series, period]
    held = queries.held_per_bucket(buckets)
    reach = queries.reach_per_bucket(buckets)
    activity = queries.activity_per_bucket(buckets)
    figures = [BucketFigures(b, held[i], reach[i], activity[i]) for i, b in enumerate(buckets)]
    groups = queries.breakdowns(period)
    own = figures[-1]
    return Summary(
        period=period,
        figures=own,
        totals=queries.registry_totals(),
        held_by_kind=[Row(kind.label, own.held_by_kind[kind]) for kind in MeetingKind],
        by_organisation_kind=_kind_rows(groups.organisation_kinds),
        by_county=[Row(g.name or no_county_label(), g.count) for g in groups.counties],
        topics=[Row(g.name or "", g.count) for g in groups.topics],
        target_groups=[Row(g.name or "", g.count) for g in groups.target_groups],
        perspectives=_perspective_rows(groups.perspectives),
        follow_ups=queries.follow_ups_by_owner(period),
        meetings=queries.held_meetings(period) if with_meetings else [],
        series=figures[:-1],
    )


def monthly_summary(period: Period, *, months: int = 12) -> Summary:
    """The summary with the last `months` months up to the period's end as its series."""
    return build_summary(period, series=months_ending(period.end, months))
