"""The aggregates behind the activity summary and the whole-period report.

Each function is one SQL statement with GROUP BY or sums of CASE ranges, whatever the data
volume: nothing loads every meeting into Python. The rules are those of the start page's
coverage (app/meetings/coverage.py): only held meetings count; a meeting belongs to the
Stockholm day, month or quarter it starts in; an organisation is reached by a held meeting
with it or with one of its units, and a reached organisation counts once. Figures for several
periods ("buckets": the months of a chart, the quarters of the final account, and the period
itself) come from the same statement, one column per bucket.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import String, and_, case, cast, func, literal_column, null, or_, select, union_all
from sqlalchemy.orm import aliased, joinedload, selectinload
from sqlalchemy.orm import join as orm_join

from app.auth.models import User
from app.common.text import sort_key
from app.contacts.models import Contact
from app.extensions import db
from app.followups.models import FollowUp, FollowUpStatus
from app.meetings.coverage import COVERED_KINDS
from app.meetings.models import (
    Meeting,
    MeetingKind,
    MeetingPerspective,
    MeetingStatus,
    TargetGroup,
    Topic,
    meeting_organisations,
    meeting_target_groups,
    meeting_topics,
)
from app.organisations.models import County, Organisation, OrganisationKind

from .periods import Period


@dataclass(frozen=True)
class Reach:
    """Organisations of one kind reached: during a bucket, for the first time during it,
    and at any time up to its end."""

    reached: int = 0
    new: int = 0
    cumulative: int = 0


@dataclass(frozen=True)
class Activity:
    """Contacts added and follow-ups created and completed during a bucket."""

    new_contacts: int = 0
    follow_ups_created: int = 0
    follow_ups_completed: int = 0


@dataclass(frozen=True)
class Group:
    """One row of a breakdown: a key (an enum value, a county code, a label id), the name
    the database holds for it (county and label names), and the number of held meetings."""

    key: str | None
    name: str | None
    count: int


@dataclass(frozen=True)
class Breakdowns:
    """Held meetings of a period counted per organisation kind, county, topic, target group
    and consequence perspective. A meeting counts once in each group it touches."""

    organisation_kinds: list[Group]
    counties: list[Group]
    topics: list[Group]
    target_groups: list[Group]
    perspectives: list[Group]


@dataclass(frozen=True)
class OwnerFollowUps:
    """One team member's follow-ups in a period."""

    owner_id: int
    owner: str
    created: int
    completed: int
    overdue: int  # open at the period's end and due before it ended


def _within(column: Any, start: datetime, end: datetime) -> Any:
    return and_(column >= start, column < end)


def _in(column: Any, bucket: Period) -> Any:
    return _within(column, bucket.starts_at, bucket.ends_at)


def _span(buckets: Sequence[Period]) -> tuple[datetime, datetime]:
    return min(b.starts_at for b in buckets), max(b.ends_at for b in buckets)


def _int(value: Any) -> int:
    return int(value or 0)


def _root_join(root: Any, *, outer: bool = False) -> Any:
    """Meetings joined to the top-level organisation of each participating organisation
    (outer: meetings without organisations are kept, with NULLs)."""
    return (
        orm_join(
            Meeting,
            meeting_organisations,
            meeting_organisations.c.meeting_id == Meeting.id,
            isouter=outer,
        )
        .join(
            Organisation,
            Organisation.id == meeting_organisations.c.organisation_id,
            isouter=outer,
        )
        .join(
            root,
            root.id == func.coalesce(Organisation.parent_id, Organisation.id),
            isouter=outer,
        )
    )


def held_per_bucket(buckets: Sequence[Period]) -> list[dict[MeetingKind, int]]:
    """Held meetings per meeting kind, for each bucket."""
    if not buckets:
        return []
    first, last = _span(buckets)
    columns = [func.sum(case((_in(Meeting.starts_at, b), 1), else_=0)) for b in buckets]
    rows = db.session.execute(
        select(Meeting.kind, *columns)
        .where(
            Meeting.status == MeetingStatus.HELD,
            Meeting.starts_at >= first,
            Meeting.starts_at < last,
        )
        .group_by(Meeting.kind)
    ).all()
    result = [dict.fromkeys(MeetingKind, 0) for _ in buckets]
    for kind, *counts in rows:
        for position, count in enumerate(counts):
            result[position][kind] = _int(count)
    return result


def reach_per_bucket(buckets: Sequence[Period]) -> list[dict[OrganisationKind, Reach]]:
    """Top-level organisations reached per kind, for each bucket. Archived municipalities
    and county boards are left out, as the start page's coverage does; the totals they are
    measured against (`registry_totals`) leave them out too."""
    if not buckets:
        return []
    _first, last = _span(buckets)
    root = aliased(Organisation)
    flags = [
        func.max(case((_in(Meeting.starts_at, b), 1), else_=0)).label(f"b{position}")
        for position, b in enumerate(buckets)
    ]
    per_root = (
        select(root.kind.label("kind"), func.min(Meeting.starts_at).label("first_held"), *flags)
        .select_from(_root_join(root))
        .where(
            Meeting.status == MeetingStatus.HELD,
            Meeting.starts_at < last,
            root.parent_id.is_(None),
            or_(root.archived_at.is_(None), root.kind.not_in(COVERED_KINDS)),
        )
        .group_by(root.id, root.kind)
        .subquery()
    )
    columns = []
    for position, b in enumerate(buckets):
        columns += [
            func.sum(per_root.c[f"b{position}"]),
            func.sum(case((_in(per_root.c.first_held, b), 1), else_=0)),
            func.sum(case((per_root.c.first_held < b.ends_at, 1), else_=0)),
        ]
    rows = db.session.execute(select(per_root.c.kind, *columns).group_by(per_root.c.kind)).all()
    result: list[dict[OrganisationKind, Reach]] = [
        dict.fromkeys(OrganisationKind, Reach()) for _ in buckets
    ]
    for kind, *figures in rows:
        for position in range(len(buckets)):
            reached, new, cumulative = figures[3 * position : 3 * position + 3]
            result[position][kind] = Reach(_int(reached), _int(new), _int(cumulative))
    return result


def activity_per_bucket(buckets: Sequence[Period]) -> list[Activity]:
    """New contacts and follow-ups created and completed, for each bucket."""
    if not buckets:
        return []

    def part(name: str, columns: list[Any], table: Any) -> Any:
        return select(literal_column(f"'{name}'").label("what"), *columns).select_from(table)

    contacts = [func.sum(case((_in(Contact.created_at, b), 1), else_=0)) for b in buckets]
    created = [func.sum(case((_in(FollowUp.created_at, b), 1), else_=0)) for b in buckets]
    completed = [
        func.sum(
            case(
                (
                    and_(
                        FollowUp.status == FollowUpStatus.DONE,
                        FollowUp.completed_on >= b.start,
                        FollowUp.completed_on <= b.end,
                    ),
                    1,
                ),
                else_=0,
            )
        )
        for b in buckets
    ]
    rows = db.session.execute(
        union_all(
            part("contacts", contacts, Contact),
            part("created", created, FollowUp),
            part("completed", completed, FollowUp),
        )
    ).all()
    figures = {what: [_int(v) for v in values] for what, *values in rows}
    return [
        Activity(
            new_contacts=figures["contacts"][position],
            follow_ups_created=figures["created"][position],
            follow_ups_completed=figures["completed"][position],
        )
        for position in range(len(buckets))
    ]


def registry_totals() -> dict[OrganisationKind, int]:
    """Active top-level organisations per kind (290 municipalities, 21 county boards)."""
    rows = db.session.execute(
        select(Organisation.kind, func.count())
        .where(Organisation.parent_id.is_(None), Organisation.archived_at.is_(None))
        .group_by(Organisation.kind)
    ).all()
    totals = dict.fromkeys(OrganisationKind, 0)
    totals.update(dict(rows))
    return totals


def breakdowns(period: Period) -> Breakdowns:
    """Held meetings counted per organisation kind, county, topic, target group and
    perspective, in one statement (a UNION ALL of five GROUP BYs). Organisation kind and
    county are those of the top-level organisation (a unit counts as its municipality);
    a meeting without organisations, or with national ones, has no county (key None)."""
    held = and_(Meeting.status == MeetingStatus.HELD, _in(Meeting.starts_at, period))
    meetings = func.count(func.distinct(Meeting.id)).label("meetings")
    root = aliased(Organisation)
    county = func.coalesce(Organisation.county_code, root.county_code)
    no_name = cast(null(), String).label("name")

    def dimension(name: str) -> Any:
        return literal_column(f"'{name}'").label("dimension")

    parts = [
        select(dimension("kind"), cast(root.kind, String).label("key"), no_name, meetings)
        .select_from(_root_join(root, outer=True))
        .where(held)
        .group_by(root.kind),
        select(dimension("county"), county.label("key"), County.name.label("name"), meetings)
        .select_from(_root_join(root, outer=True).outerjoin(County, County.code == county))
        .where(held)
        .group_by(county, County.name),
        select(dimension("topic"), cast(Topic.id, String), Topic.name, meetings)
        .select_from(Meeting)
        .join(meeting_topics, meeting_topics.c.meeting_id == Meeting.id)
        .join(Topic, Topic.id == meeting_topics.c.topic_id)
        .where(held)
        .group_by(Topic.id, Topic.name),
        select(dimension("target"), cast(TargetGroup.id, String), TargetGroup.name, meetings)
        .select_from(Meeting)
        .join(meeting_target_groups, meeting_target_groups.c.meeting_id == Meeting.id)
        .join(TargetGroup, TargetGroup.id == meeting_target_groups.c.target_group_id)
        .where(held)
        .group_by(TargetGroup.id, TargetGroup.name),
        select(
            dimension("perspective"),
            cast(MeetingPerspective.perspective, String),
            no_name,
            meetings,
        )
        .select_from(Meeting)
        .join(MeetingPerspective, MeetingPerspective.meeting_id == Meeting.id)
        .where(held)
        .group_by(MeetingPerspective.perspective),
    ]
    groups: dict[str, list[Group]] = {
        name: [] for name in ("kind", "county", "topic", "target", "perspective")
    }
    for name, key, label, count in db.session.execute(union_all(*parts)).all():
        groups[name].append(Group(key=key, name=label, count=_int(count)))

    def most_first(rows: list[Group]) -> list[Group]:
        return sorted(rows, key=lambda g: (-g.count, sort_key(g.name)))

    return Breakdowns(
        organisation_kinds=groups["kind"],
        counties=sorted(groups["county"], key=lambda g: (g.key is None, g.key or "")),
        topics=most_first(groups["topic"]),
        target_groups=most_first(groups["target"]),
        perspectives=groups["perspective"],
    )


def follow_ups_by_owner(period: Period) -> list[OwnerFollowUps]:
    """Per owner: follow-ups created and completed in the period, and those overdue when it
    ended (open then, and due before the day after it: the start page's rule that a
    follow-up due today is not yet overdue). A follow-up completed after the period was still
    open at its end; a cancelled one has no date to tell, so it is left out."""
    created = _in(FollowUp.created_at, period)
    completed = and_(
        FollowUp.status == FollowUpStatus.DONE,
        FollowUp.completed_on >= period.start,
        FollowUp.completed_on <= period.end,
    )
    overdue = and_(
        FollowUp.created_at < period.ends_at,
        FollowUp.due_on <= period.end,
        or_(
            FollowUp.status == FollowUpStatus.OPEN,
            and_(FollowUp.status == FollowUpStatus.DONE, FollowUp.completed_on > period.end),
        ),
    )
    rows = db.session.execute(
        select(
            User.id,
            User.name,
            func.sum(case((created, 1), else_=0)),
            func.sum(case((completed, 1), else_=0)),
            func.sum(case((overdue, 1), else_=0)),
        )
        .join(User, User.id == FollowUp.owner_id)
        .where(or_(created, completed, overdue))
        .group_by(User.id, User.name)
    ).all()
    owners = [
        OwnerFollowUps(owner_id, name, _int(made), _int(done), _int(late))
        for owner_id, name, made, done, late in rows
    ]
    return sorted(owners, key=lambda o: (sort_key(o.owner), o.owner_id))


def held_meetings(period: Period) -> list[Meeting]:
    """The period's held meetings in time order, with organisations and the responsible
    person loaded (two statements)."""
    return list(
        db.session.scalars(
            select(Meeting)
            .options(
                selectinload(Meeting.organisations).joinedload(Organisation.parent),
                joinedload(Meeting.responsible),
            )
            .where(Meeting.status == MeetingStatus.HELD, _in(Meeting.starts_at, period))
            .order_by(Meeting.starts_at, Meeting.id)
        )
    )
