"""Meeting lists: the filtered, newest-first query behind the list, timelines and search."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Select, bindparam, exists, select
from sqlalchemy.orm import joinedload, selectinload

from app.common.aliases import alias
from app.common.matching import match_conditions, match_rank
from app.common.text import fold, search_terms
from app.common.time import local_midnight
from app.extensions import db
from app.organisations.models import Organisation, OrganisationKind, display_name
from app.organisations.services import of_kind

from .models import (
    MAX_MEETING_DAYS,
    Meeting,
    MeetingKind,
    MeetingPerspective,
    MeetingStatus,
    Perspective,
    Topic,
    meeting_contacts,
    meeting_organisations,
    meeting_team,
    meeting_topics,
)


@dataclass
class MeetingFilter:
    q: str = ""
    start: date | None = None
    end: date | None = None  # inclusive
    kind: MeetingKind | None = None
    status: MeetingStatus | None = None
    organisation_kind: OrganisationKind | None = None
    county: str | None = None
    user_id: int | None = None
    topic: str | None = None
    perspective: Perspective | None = None
    organisation_id: int | None = None
    contact_id: int | None = None
    descending: bool = True
    relevance: bool = False  # best matches of `q` first (the header search), then by date


def meeting_query(filters: MeetingFilter, *, for_list: bool = True) -> Select[tuple[Meeting]]:
    """The SELECT behind the meeting list and timelines, newest first by default.

    `for_list` loads what the meeting list shows besides the meeting itself (organisations,
    the responsible); timelines that show only the meeting leave it off.
    """
    query = select(Meeting)
    if for_list:
        query = query.options(
            selectinload(Meeting.organisations).joinedload(Organisation.parent),
            joinedload(Meeting.responsible),
        )
    query = query.where(*match_conditions(Meeting.search_text, filters.q))
    if filters.start:
        query = query.where(*ending_after(*window_start(filters.start)))
    if filters.end:
        query = query.where(Meeting.starts_at < local_midnight(filters.end + timedelta(days=1)))
    if filters.kind:
        query = query.where(Meeting.kind == filters.kind)
    if filters.status:
        query = query.where(Meeting.status == filters.status)
    if filters.organisation_kind or filters.county or filters.organisation_id:
        # An uncorrelated IN: the database starts from the organisation's few meetings
        # instead of testing every meeting (it matters with hundreds of thousands).
        chosen = select(meeting_organisations.c.meeting_id).join(
            Organisation, Organisation.id == meeting_organisations.c.organisation_id
        )
        if filters.organisation_kind:
            chosen = chosen.where(of_kind(filters.organisation_kind))
        if filters.county:
            chosen = chosen.where(Organisation.county_code == filters.county)
        if filters.organisation_id:
            chosen = chosen.where(
                (Organisation.id == filters.organisation_id)
                | (Organisation.parent_id == filters.organisation_id)
            )
        query = query.where(Meeting.id.in_(chosen))
    if filters.user_id:
        query = query.where(involving(filters.user_id))
    if filters.contact_id:
        query = query.where(
            Meeting.id.in_(
                select(meeting_contacts.c.meeting_id).where(
                    meeting_contacts.c.contact_id == filters.contact_id
                )
            )
        )
    if filters.topic:
        query = query.where(
            exists().where(
                meeting_topics.c.meeting_id == Meeting.id,
                meeting_topics.c.topic_id == Topic.id,
                Topic.key == fold(filters.topic),
            )
        )
    if filters.perspective:
        query = query.where(
            exists().where(
                MeetingPerspective.meeting_id == Meeting.id,
                MeetingPerspective.perspective == filters.perspective,
            )
        )
    order = Meeting.starts_at.desc() if filters.descending else Meeting.starts_at.asc()
    if filters.relevance and search_terms(filters.q):
        return query.order_by(match_rank(Meeting.search_text, filters.q), order, Meeting.id.desc())
    return query.order_by(order, Meeting.id.desc())


def window_start(day: date) -> tuple[datetime, datetime]:
    """The values `ending_after` takes for meetings that end after `day` begins (Stockholm)."""
    return local_midnight(day), local_midnight(day - timedelta(days=MAX_MEETING_DAYS))


def ending_after(start: Any, earliest_start: Any) -> tuple[ColumnElement[bool], ...]:
    """Meetings that end after `start` (a UTC datetime, or a parameter that holds one), with
    `earliest_start` MAX_MEETING_DAYS before it (`window_start`): no meeting is longer, and
    the second condition lets the database use the index on starts_at."""
    return Meeting.ends_at > start, Meeting.starts_at >= earliest_start


def going_on_from_before(start: Any, earliest_start: Any) -> tuple[ColumnElement[bool], ...]:
    """Meetings that started before `start` and still go on at it (`start` and
    `earliest_start` as in `ending_after`). Only a meeting that crosses a midnight can
    (`Meeting.crosses_midnight`), so these are read from the few such meetings' own index:
    a window is the meetings that start in it and these (the start page's weeks)."""
    return (
        Meeting.crosses_midnight,
        *ending_after(start, earliest_start),
        Meeting.starts_at < start,
    )


def involving(user_id: Any) -> ColumnElement[bool]:
    """Meetings the user (an id, or a parameter that holds one) is responsible for or on
    the team of."""
    # OFFSET 0 keeps PostgreSQL checking the team row by row through the primary key:
    # without it the planner may hash every meeting the user was ever on the team of
    # (196,000 at scale 100) before reading the first of a window's 40 (50 → 1 ms).
    on_team = (
        select(meeting_team.c.meeting_id)
        .where(meeting_team.c.meeting_id == Meeting.id, meeting_team.c.user_id == user_id)
        .offset(0)
        .exists()
    )
    return (Meeting.responsible_id == user_id) | on_team


def meetings_by_id(ids: list[int]) -> list[Meeting]:
    """The meetings with these ids, with what the meeting list shows (one statement, and
    one for their organisations); in no particular order."""
    return list(
        db.session.scalars(meeting_query(MeetingFilter()).where(Meeting.id.in_(ids)).order_by(None))
    )


def search_meetings(query: str, *, limit: int = 20) -> list[Meeting]:
    """Meetings whose title, place or organisations contain every word of `query`: titles
    beginning with the query first, then newest first."""
    if not search_terms(query):
        return []
    filters = MeetingFilter(q=query, relevance=True)
    # The best `limit` ids are chosen first and only those meetings loaded: ordering every hit
    # as a whole row (notes and all) costs ten times more at thousands of hits.
    best = meeting_query(filters, for_list=False).with_only_columns(Meeting.id).limit(limit)
    chosen = meeting_query(MeetingFilter()).where(Meeting.id.in_(best.scalar_subquery()))
    ordered = chosen.order_by(None).order_by(
        match_rank(Meeting.search_text, query), Meeting.starts_at.desc(), Meeting.id.desc()
    )
    return list(db.session.scalars(ordered))


@cache
def _organisation_names_statement() -> Select[Any]:
    """Built once per process; the meetings' ids come as the expanding parameter "ids"."""
    parent = alias(Organisation, "meetings.organisation_names.parent")
    return (
        select(
            meeting_organisations.c.meeting_id,
            Organisation.sort_name,
            Organisation.name,
            parent.name,
        )
        .join(Organisation, Organisation.id == meeting_organisations.c.organisation_id)
        .outerjoin(parent, parent.id == Organisation.parent_id)
        .where(meeting_organisations.c.meeting_id.in_(bindparam("ids", expanding=True)))
    )


def organisation_names(meeting_ids: list[int]) -> dict[int, list[str]]:
    """The display names of these meetings' organisations (in the trash left out), each
    meeting's in Swedish order as everywhere else: one statement of plain rows."""
    if not meeting_ids:
        return {}
    names: dict[int, list[tuple[str, str]]] = {}
    rows = db.session.execute(_organisation_names_statement(), {"ids": meeting_ids})
    for meeting_id, key, name, parent_name in rows:
        names.setdefault(meeting_id, []).append((key, display_name(name, parent_name)))
    return {meeting_id: [n for _key, n in sorted(pairs)] for meeting_id, pairs in names.items()}
