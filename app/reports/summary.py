"""The activity summary of a period, assembled from the aggregates in queries.py.

`build_summary` runs a fixed number of statements (five): the same for a quiet month and a
busy year. The figures of the period's series (the last twelve months for the monthly
summary's charts, the quarters for the final account) come from the same statements as the
period's own.

The held meetings are not part of the summary: a busy month has twenty thousand. The page
shows them a page at a time (`meeting_page`, two more statements), and the exports stream
every one of them (`meeting_list.held_meeting_rows`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from math import ceil

from flask_babel import gettext as _
from flask_sqlalchemy.pagination import Pagination

from app.meetings.models import MeetingKind, Perspective
from app.organisations.models import TOP_LEVEL_KINDS, OrganisationKind

from . import meeting_list, queries
from .breakdowns import Group, breakdowns
from .meeting_list import HeldMeeting
from .periods import Period, months_ending
from .queries import Activity, OwnerFollowUps, Reach

#: Held meetings per page of the summary page; the exports hold every one.
MEETINGS_PER_PAGE = 50
#: Held meetings on the printable summary (the first ones); the exports hold every one.
MEETINGS_PRINTED = 500


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
    """One month or quarter of a series (the months of the monthly summary's charts have
    no `activity`: nothing shows it, and counting it would read every follow-up; and their
    `reach` counts the municipalities met only, which is what the charts and their table
    show, rather than every organisation met in every month)."""

    period: Period
    held_by_kind: dict[MeetingKind, int]
    reach: dict[OrganisationKind, Reach]
    activity: Activity | None

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
    series: list[BucketFigures] = field(default_factory=list)

    @property
    def held(self) -> int:
        return self.figures.held

    @property
    def reach(self) -> list[KindReach]:
        """Reach per organisation kind, in the kinds' order."""
        return [KindReach(k, self.figures.reach[k], self.totals[k]) for k in TOP_LEVEL_KINDS]

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
    def activity(self) -> Activity:
        assert self.figures.activity is not None  # always counted for the period itself
        return self.figures.activity

    @property
    def new_contacts(self) -> int:
        return self.activity.new_contacts

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


def _kind_rows(groups: list[Group]) -> list[Row]:
    counts = {g.key: g.count for g in groups}
    # By the top-level organisation's kind (breakdowns.py), so never ENHET.
    rows = [Row(kind.label, counts.get(kind.value, 0)) for kind in TOP_LEVEL_KINDS]
    if counts.get(None):
        rows.append(Row(no_organisation_label(), counts[None]))
    return rows


def _perspective_rows(groups: list[Group]) -> list[Row]:
    counts = {g.key: g.count for g in groups}
    return [Row(p.label, counts.get(p.value, 0)) for p in Perspective]


def build_summary(
    period: Period, *, series: Sequence[Period] = (), series_activity: bool = True
) -> Summary:
    """The summary of `period`, with figures for each period of `series` as well (without
    contacts and follow-ups unless `series_activity`)."""
    # A monthly summary's period is also the last month of its series: counted once.
    buckets = list(dict.fromkeys([*series, period]))
    held = queries.held_per_bucket(buckets)
    # The series' months show only the municipalities met (the charts and their table).
    reach = queries.reach_per_bucket(
        buckets,
        municipalities_only=[] if series_activity else range(len(buckets) - 1),
    )
    counted = buckets if series_activity else [period]
    activity, follow_ups = queries.activity_per_bucket(counted, owners_in=period)
    activities = dict(zip(counted, activity, strict=True))
    figures = {
        b: BucketFigures(b, held[i], reach.per_bucket[i], activities.get(b))
        for i, b in enumerate(buckets)
    }
    groups = breakdowns(period)
    own = figures[period]
    return Summary(
        period=period,
        figures=own,
        totals=reach.totals,
        held_by_kind=[Row(kind.label, own.held_by_kind[kind]) for kind in MeetingKind],
        by_organisation_kind=_kind_rows(groups.organisation_kinds),
        by_county=[Row(g.name or no_county_label(), g.count) for g in groups.counties],
        topics=[Row(g.name or "", g.count) for g in groups.topics],
        target_groups=[Row(g.name or "", g.count) for g in groups.target_groups],
        perspectives=_perspective_rows(groups.perspectives),
        follow_ups=follow_ups,
        series=[figures[b] for b in series],
    )


def monthly_summary(period: Period, *, months: int = 12) -> Summary:
    """The summary with the last `months` months up to the period's end as its series."""
    return build_summary(period, series=months_ending(period.end, months), series_activity=False)


class MeetingPage(Pagination):
    """One page of a period's held meetings, shaped for the `pagination` macro. The total
    is the summary's count of held meetings: the same meetings, so no extra count query."""

    more_than = None  # the count is always exact here

    def _query_items(self) -> list[HeldMeeting]:
        return meeting_list.held_meetings_page(
            self._query_args["period"],
            offset=(self.page - 1) * self.per_page,
            limit=self.per_page,
        )

    def _query_count(self) -> int:
        return int(self._query_args["total"])


def meeting_page(
    period: Period, *, total: int, page: int = 1, per_page: int | None = None
) -> MeetingPage:
    """Page `page` of the period's `total` held meetings, `per_page` to a page (by default
    MEETINGS_PER_PAGE); a page past the last shows the last one."""
    per_page = per_page or MEETINGS_PER_PAGE
    last = max(1, ceil(total / per_page))
    return MeetingPage(
        page=min(max(page, 1), last),
        per_page=per_page,
        max_per_page=None,
        error_out=False,
        period=period,
        total=total,
    )
