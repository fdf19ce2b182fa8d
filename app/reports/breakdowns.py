"""Held meetings of a period broken down by organisation kind, county, topic, target group
and consequence perspective: one statement for all five."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import String, cast, func, literal_column, null, select, union_all
from sqlalchemy.orm import aliased

from app.common.text import sort_key
from app.extensions import db
from app.meetings.models import (
    Meeting,
    MeetingPerspective,
    TargetGroup,
    Topic,
    meeting_organisations,
    meeting_target_groups,
    meeting_topics,
)
from app.organisations.models import County, Organisation

from .periods import Period
from .queries import as_int, held_in
from .sql import unindexed


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


def breakdowns(period: Period) -> Breakdowns:
    """Held meetings counted per organisation kind, county, topic, target group and
    perspective, in one statement: the period's held meetings found once (a CTE), each with
    the kind and county of every organisation it was held with found once (a second CTE),
    then a UNION ALL of five GROUP BYs over them; names are joined to the few groups, not to
    every row. Organisation kind and county are those of the top-level organisation (a unit
    counts as its municipality); a meeting without organisations, or with national ones, has
    no county (key None)."""
    held = select(Meeting.id.label("id")).where(held_in(period)).cte("held")
    root = aliased(Organisation)
    links = (
        select(
            held.c.id,
            root.kind.label("kind"),
            func.coalesce(Organisation.county_code, root.county_code).label("county"),
        )
        .select_from(held)
        .outerjoin(meeting_organisations, meeting_organisations.c.meeting_id == held.c.id)
        .outerjoin(Organisation, Organisation.id == meeting_organisations.c.organisation_id)
        .outerjoin(root, root.id == func.coalesce(Organisation.parent_id, Organisation.id))
        .cte("links")
    )
    # A meeting may touch a kind or a county through several organisations: counted once.
    meetings = func.count(func.distinct(links.c.id)).label("meetings")
    per_county = select(links.c.county.label("key"), meetings).group_by(links.c.county).subquery()
    # A meeting has a topic or target group at most once (the link tables' primary keys).
    # Unindexed: from each held meeting to its labels, not from every label ever given
    # (through the label index) to whether its meeting is held in the period.
    per_topic = (
        select(unindexed(meeting_topics.c.topic_id).label("id"), func.count().label("meetings"))
        .select_from(held)
        .join(meeting_topics, meeting_topics.c.meeting_id == held.c.id)
        .group_by(unindexed(meeting_topics.c.topic_id))
        .subquery()
    )
    per_target = (
        select(meeting_target_groups.c.target_group_id.label("id"), func.count().label("meetings"))
        .select_from(held)
        .join(meeting_target_groups, meeting_target_groups.c.meeting_id == held.c.id)
        .group_by(meeting_target_groups.c.target_group_id)
        .subquery()
    )
    no_name = cast(null(), String).label("name")

    def dimension(name: str) -> Any:
        return literal_column(f"'{name}'").label("dimension")

    parts = [
        select(
            dimension("kind"), cast(links.c.kind, String).label("key"), no_name, meetings
        ).group_by(links.c.kind),
        select(dimension("county"), per_county.c.key, County.name, per_county.c.meetings)
        .select_from(per_county)
        .outerjoin(County, County.code == per_county.c.key),
        select(dimension("topic"), cast(Topic.id, String), Topic.name, per_topic.c.meetings)
        .select_from(per_topic)
        .join(Topic, Topic.id == per_topic.c.id),
        select(
            dimension("target"),
            cast(TargetGroup.id, String),
            TargetGroup.name,
            per_target.c.meetings,
        )
        .select_from(per_target)
        .join(TargetGroup, TargetGroup.id == per_target.c.id),
        select(
            dimension("perspective"),
            cast(MeetingPerspective.perspective, String),
            no_name,
            func.count(),
        )
        .select_from(held)
        .join(MeetingPerspective, MeetingPerspective.meeting_id == held.c.id)
        .group_by(MeetingPerspective.perspective),
    ]
    groups: dict[str, list[Group]] = {
        name: [] for name in ("kind", "county", "topic", "target", "perspective")
    }
    for name, key, label, count in db.session.execute(union_all(*parts)).all():
        groups[name].append(Group(key=key, name=label, count=as_int(count)))

    def most_first(rows: list[Group]) -> list[Group]:
        return sorted(rows, key=lambda g: (-g.count, sort_key(g.name)))

    return Breakdowns(
        organisation_kinds=groups["kind"],
        counties=sorted(groups["county"], key=lambda g: (g.key is None, g.key or "")),
        topics=most_first(groups["topic"]),
        target_groups=most_first(groups["target"]),
        perspectives=groups["perspective"],
    )
