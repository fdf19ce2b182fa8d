"""The facts a held meeting contributes, computed by one statement for some meetings or all.

This is where the figures' rules live (DOMAIN.md, "Figures and what they mean"; the names and
definitions are in app/meetings/figures.py): only held meetings outside the trash count; a
meeting counts for the top-level organisation of every organisation it was held with (a unit
counts for its municipality: `figures.root_id`), once however many of its units were there;
organisations in the trash do not count; its county is the unit's own, else its
organisation's; it belongs to the Stockholm day and month it starts in. Archiving and an
organisation's kind are applied when the figures are read, so they change nothing here.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from datetime import date, datetime
from functools import cache
from typing import Any, NamedTuple

from sqlalchemy import BindParameter, String, bindparam, cast, func, literal, select, union
from sqlalchemy.orm import aliased

from app.common.time import to_local
from app.contacts.models import Contact
from app.extensions import db
from app.followups.models import FollowUp, FollowUpStatus
from app.followups.services import follow_up_links
from app.meetings.figures import root_id
from app.meetings.models import (
    Meeting,
    MeetingPerspective,
    MeetingStatus,
    meeting_organisations,
    meeting_target_groups,
    meeting_topics,
)
from app.organisations.models import Organisation

from .models import (
    COMPLETED,
    CONTACT,
    CONTACT_RECORD,
    COUNTY,
    CREATED,
    FOLLOW_UP_RECORD,
    MEETING_KIND,
    NONE,
    ORGANISATION_KIND,
    OVERDUE_FROM,
    OVERDUE_TO,
    PERSPECTIVE,
    ROOT,
    TARGET_GROUP,
    TOPIC,
)


class Fact(NamedTuple):
    meeting_id: int
    dimension: str
    key: str
    starts_at: datetime
    day: date
    month: date


def _label(name: str) -> Any:
    return literal(name, String).label("dimension")


#: The parameter the statements for some records take their ids in (see `_for_ids`).
IDS = "ids"


def _ids(ids: Collection[int] | BindParameter[Any]) -> Any:
    return ids if isinstance(ids, BindParameter) else list(ids)


@cache
def _for_ids(build: Callable[[Any], Any]) -> Any:
    """`build`'s statement for the records whose ids are given as the parameter IDS when it
    runs: built once per process. A write refreshes the facts of a record or two, and
    building these unions cost more than running them."""
    return build(bindparam(IDS, expanding=True))


def fact_statement(
    meeting_ids: Collection[int] | BindParameter[Any] | None = None,
    *,
    between: tuple[int, int] | None = None,
) -> Any:
    """(meeting_id, dimension, key, starts_at) for every fact of the held meetings among
    `meeting_ids` (all held meetings when None) or with ids `between` two (both included),
    without duplicates."""
    # Entities throughout, so the trash filter applies to meetings and organisations alike.
    held = [Meeting.status == MeetingStatus.HELD]
    if meeting_ids is not None:
        held.append(Meeting.id.in_(_ids(meeting_ids)))
    if between is not None:
        held.append(Meeting.id.between(*between))
    columns = (Meeting.id.label("meeting_id"),)
    root = aliased(Organisation)
    roots = (
        select(*columns, _label(ROOT), cast(root.id, String).label("key"), Meeting.starts_at)
        .select_from(Meeting)
        .join(meeting_organisations, meeting_organisations.c.meeting_id == Meeting.id)
        .join(Organisation, Organisation.id == meeting_organisations.c.organisation_id)
        .join(root, root.id == root_id(Organisation))
        .where(root.parent_id.is_(None), *held)
    )
    # Kind and county through outer joins: a meeting without (live) organisations has none.
    outer_root = aliased(Organisation)

    def with_organisations(dimension: str, key: Any) -> Any:
        return (
            select(*columns, _label(dimension), func.coalesce(key, NONE), Meeting.starts_at)
            .select_from(Meeting)
            .outerjoin(meeting_organisations, meeting_organisations.c.meeting_id == Meeting.id)
            .outerjoin(Organisation, Organisation.id == meeting_organisations.c.organisation_id)
            .outerjoin(outer_root, outer_root.id == root_id(Organisation))
            .where(*held)
        )

    def through(dimension: str, key: Any, link: Any, on: Any) -> Any:
        return (
            select(*columns, _label(dimension), cast(key, String), Meeting.starts_at)
            .select_from(Meeting)
            .join(link, on)
            .where(*held)
        )

    return union(
        roots,
        with_organisations(ORGANISATION_KIND, cast(outer_root.kind, String)),
        with_organisations(COUNTY, func.coalesce(Organisation.county_code, outer_root.county_code)),
        select(*columns, _label(MEETING_KIND), cast(Meeting.kind, String), Meeting.starts_at).where(
            *held
        ),
        through(
            TOPIC,
            meeting_topics.c.topic_id,
            meeting_topics,
            meeting_topics.c.meeting_id == Meeting.id,
        ),
        through(
            TARGET_GROUP,
            meeting_target_groups.c.target_group_id,
            meeting_target_groups,
            meeting_target_groups.c.meeting_id == Meeting.id,
        ),
        through(
            PERSPECTIVE,
            MeetingPerspective.perspective,
            MeetingPerspective,
            MeetingPerspective.meeting_id == Meeting.id,
        ),
    )


def follow_up_fact_statement(
    follow_up_ids: Collection[int] | BindParameter[Any] | None = None,
) -> Any:
    """(follow_up_id, organisation_id) for every top-level organisation each open follow-up
    among `follow_up_ids` (all when None) counts for."""
    where = [FollowUp.status == FollowUpStatus.OPEN]
    if follow_up_ids is not None:
        where.append(FollowUp.id.in_(_ids(follow_up_ids)))
    links = follow_up_links(*where).subquery()
    root = aliased(Organisation)
    return (
        select(links.c.follow_up_id, root.id)
        .select_from(links)
        .join(Organisation, Organisation.id == links.c.organisation_id)
        .join(root, root.id == root_id(Organisation))
        .where(root.parent_id.is_(None))
        .distinct()
    )


def follow_up_facts(follow_up_ids: Collection[int] | None = None) -> set[tuple[int, int]]:
    if follow_up_ids is None:
        rows = db.session.execute(follow_up_fact_statement())
    else:
        statement = _for_ids(follow_up_fact_statement)
        rows = db.session.execute(statement, {IDS: list(follow_up_ids)})
    return {(f, o) for f, o in rows}


def facts(
    meeting_ids: Collection[int] | None = None,
    *,
    between: tuple[int, int] | None = None,
    chunk: int = 10_000,
) -> Iterator[Fact]:
    """The facts of `meeting_ids` (all held meetings when None) or of the meetings with ids
    `between` two, streamed from the database `chunk` rows at a time, each with its
    Stockholm day and month."""
    days: dict[datetime, date] = {}
    options = {"yield_per": chunk}
    if meeting_ids is not None and between is None:
        statement = _for_ids(fact_statement)
        result = db.session.execute(statement, {IDS: list(meeting_ids)}, execution_options=options)
    else:
        statement = fact_statement(meeting_ids, between=between)
        result = db.session.execute(statement, execution_options=options)
    for meeting_id, dimension, key, starts_at in result:
        day = days.get(starts_at)
        if day is None:
            day = days[starts_at] = to_local(starts_at).date()
        yield Fact(meeting_id, dimension, key, starts_at, day, day.replace(day=1))


class ActivityRow(NamedTuple):
    record: str
    record_id: int
    dimension: str
    owner_id: int
    day: date


def follow_up_activity(
    follow_up_ids: Collection[int] | None = None, *, between: tuple[int, int] | None = None
) -> set[ActivityRow]:
    """The activity facts of these follow-ups (outside the trash): created on its Stockholm
    day; completed on its day; overdue from the end of the later of its due day and its
    creation day until the day it was completed (if it was completed later than that: a
    follow-up done before it fell due was never overdue). Cancelled ones are never overdue."""
    statement = select(
        FollowUp.id,
        FollowUp.owner_id,
        FollowUp.status,
        FollowUp.created_at,
        FollowUp.due_on,
        FollowUp.completed_on,
    )
    if follow_up_ids is not None:
        statement = statement.where(FollowUp.id.in_(list(follow_up_ids)))
    if between is not None:
        statement = statement.where(FollowUp.id.between(*between))
    rows: set[ActivityRow] = set()
    for follow_up_id, owner, status, created_at, due_on, completed_on in db.session.execute(
        statement
    ):
        created = to_local(created_at).date()
        days = [(CREATED, created)]
        overdue_from = max(due_on, created)
        if status is FollowUpStatus.DONE and completed_on is not None:
            days.append((COMPLETED, completed_on))
            if completed_on > overdue_from:
                days += [(OVERDUE_FROM, overdue_from), (OVERDUE_TO, completed_on)]
        elif status is FollowUpStatus.OPEN:
            days.append((OVERDUE_FROM, overdue_from))
        rows.update(
            ActivityRow(FOLLOW_UP_RECORD, follow_up_id, dimension, owner, day)
            for dimension, day in days
        )
    return rows


def contact_activity(
    contact_ids: Collection[int] | None = None, *, between: tuple[int, int] | None = None
) -> set[ActivityRow]:
    """The activity facts of these contacts (outside the trash): added on its Stockholm day."""
    statement = select(Contact.id, Contact.created_at)
    if contact_ids is not None:
        statement = statement.where(Contact.id.in_(list(contact_ids)))
    if between is not None:
        statement = statement.where(Contact.id.between(*between))
    return {
        ActivityRow(CONTACT_RECORD, contact_id, CONTACT, 0, to_local(created_at).date())
        for contact_id, created_at in db.session.execute(statement)
    }
