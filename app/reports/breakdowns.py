"""Held meetings of a period broken down by organisation kind, county, topic, target group
and consequence perspective: one statement for all five."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import String, cast, literal_column, select, union_all

from app.aggregates.models import (
    COUNTY,
    NONE,
    ORGANISATION_KIND,
    PERSPECTIVE,
    TARGET_GROUP,
    TOPIC,
)
from app.aggregates.queries import counts
from app.common.text import sort_key
from app.extensions import db
from app.meetings.models import TargetGroup, Topic
from app.organisations.models import County

from .periods import Period


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
    perspective, from the maintained tallies (app/aggregates: a meeting counts once in each
    group it touches; organisation kind and county are those of the top-level organisation,
    a unit counting as its municipality; a meeting without organisations, or with national
    ones, has no county, key None). Two statements: the counts, and the names of the
    counties, topics and target groups among them."""
    (figures,) = counts([ORGANISATION_KIND, COUNTY, TOPIC, TARGET_GROUP, PERSPECTIVE], [period])
    wanted = {
        "county": [k for k in figures[COUNTY] if k != NONE],
        "topic": [int(k) for k in figures[TOPIC]],
        "target": [int(k) for k in figures[TARGET_GROUP]],
    }
    parts = [
        select(literal_column("'county'"), County.code, County.name).where(
            County.code.in_(wanted["county"])
        ),
        select(literal_column("'topic'"), cast(Topic.id, String), Topic.name).where(
            Topic.id.in_(wanted["topic"])
        ),
        select(literal_column("'target'"), cast(TargetGroup.id, String), TargetGroup.name).where(
            TargetGroup.id.in_(wanted["target"])
        ),
    ]
    names: dict[tuple[str, str], str] = {}
    if any(wanted.values()):
        names = {(d, k): n for d, k, n in db.session.execute(union_all(*parts))}

    def groups(dimension: str, name: str | None = None, *, named: bool = True) -> list[Group]:
        rows = []
        for key, count in figures[dimension].items():
            if not count:
                continue
            if key == NONE:
                rows.append(Group(key=None, name=None, count=count))
            elif name is None:
                rows.append(Group(key=key, name=None, count=count))
            elif (name, key) in names or not named:
                rows.append(Group(key=key, name=names.get((name, key)), count=count))
        return rows

    def most_first(rows: list[Group]) -> list[Group]:
        return sorted(rows, key=lambda g: (-g.count, sort_key(g.name)))

    return Breakdowns(
        organisation_kinds=groups(ORGANISATION_KIND),
        counties=sorted(
            groups(COUNTY, "county", named=False), key=lambda g: (g.key is None, g.key or "")
        ),
        topics=most_first(groups(TOPIC, "topic")),
        target_groups=most_first(groups(TARGET_GROUP, "target")),
        perspectives=groups(PERSPECTIVE),
    )
