"""Follow-ups: create, edit, complete, reassign; and the lists (mine, team, overdue, week).

Due dates are Stockholm dates; "overdue" means open with a due date before today in
Stockholm, so a follow-up due today turns overdue at local midnight, not UTC midnight.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import CompoundSelect, Select, select, union
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from app.audit.services import Action, Actor, diff, record, snapshot
from app.auth.services import assignable_user
from app.common.exceptions import DomainError, EditConflict
from app.common.time import week_bounds
from app.contacts.models import Contact
from app.extensions import db
from app.meetings.models import Meeting, meeting_organisations
from app.organisations.models import Organisation
from app.organisations.services import organisation_and_units

from .models import FollowUp, FollowUpStatus
from .rows import FollowUpRow, read_rows, row_statement

FIELDS = (
    "title",
    "description",
    "owner_id",
    "due_on",
    "status",
    "meeting_id",
    "organisation_id",
    "contact_id",
    "completed_on",
    "completion_note",
)
EARLIEST = date(2000, 1, 1)
YEARS_AHEAD = 10


class InvalidFollowUp(DomainError):
    """A value a follow-up cannot have; the message says which."""


@dataclass
class FollowUpValues:
    title: str
    owner_id: int
    due_on: date
    description: str = ""
    meeting_id: int | None = None
    organisation_id: int | None = None
    contact_id: int | None = None


def _check_owner(owner_id: int) -> None:
    if assignable_user(owner_id) is None:
        raise InvalidFollowUp(_("Ansvarig måste vara en aktiv användare som inte är läsare."))


def _check(values: FollowUpValues, *, today: date) -> None:
    if not values.title.strip():
        raise InvalidFollowUp(_("Ange vad som ska göras."))
    if not EARLIEST <= values.due_on <= today.replace(year=today.year + YEARS_AHEAD):
        raise InvalidFollowUp(_("Datumet %(day)s är orimligt.", day=values.due_on.isoformat()))
    _check_owner(values.owner_id)
    _check_links(values)


def _check_links(values: FollowUpValues) -> None:
    """What the follow-up concerns must exist (and not be in the trash)."""
    links = (
        (Meeting, values.meeting_id, _("Mötet finns inte längre; det kan ha tagits bort.")),
        (
            Organisation,
            values.organisation_id,
            _("Organisationen finns inte längre; den kan ha tagits bort."),
        ),
        (Contact, values.contact_id, _("Kontakten finns inte längre; den kan ha tagits bort.")),
    )
    for model, record_id, message in links:
        if record_id and db.session.get(model, record_id) is None:
            raise InvalidFollowUp(message)


def _apply(follow_up: FollowUp, values: FollowUpValues) -> None:
    follow_up.title = values.title.strip()
    follow_up.description = values.description.strip()
    follow_up.owner_id = values.owner_id
    follow_up.due_on = values.due_on
    follow_up.meeting_id = values.meeting_id
    follow_up.organisation_id = values.organisation_id
    follow_up.contact_id = values.contact_id


def create_follow_up(*, values: FollowUpValues, by: Actor | None, today: date) -> FollowUp:
    """Add an open follow-up."""
    _check(values, today=today)
    follow_up = FollowUp(created_by_id=by.id if by else None)
    _apply(follow_up, values)
    db.session.add(follow_up)
    db.session.flush()
    changes = diff({}, snapshot(follow_up, FIELDS))
    record(entity=follow_up, action=Action.CREATE, by=by, changes=changes)
    return follow_up


def _save(follow_up: FollowUp, before: dict[str, Any], *, by: Actor | None) -> None:
    changes = diff(before, snapshot(follow_up, FIELDS))
    if changes:
        follow_up.version += 1
        db.session.flush()
        record(entity=follow_up, action=Action.UPDATE, by=by, changes=changes)


def update_follow_up(
    follow_up: FollowUp, *, values: FollowUpValues, expected_version: int, by: Actor, today: date
) -> None:
    """Save edits; EditConflict if someone saved in between."""
    if follow_up.version != expected_version:
        raise EditConflict(current=follow_up)
    _check(values, today=today)
    before = snapshot(follow_up, FIELDS)
    _apply(follow_up, values)
    _save(follow_up, before, by=by)


def complete_follow_up(follow_up: FollowUp, *, note: str, by: Actor, today: date) -> None:
    """Mark done today (a Stockholm date), with an optional note."""
    before = snapshot(follow_up, FIELDS)
    follow_up.status = FollowUpStatus.DONE
    follow_up.completed_on = today
    follow_up.completion_note = note.strip()
    _save(follow_up, before, by=by)


def reopen_follow_up(follow_up: FollowUp, *, by: Actor) -> None:
    """Open a completed or cancelled follow-up again."""
    before = snapshot(follow_up, FIELDS)
    follow_up.status = FollowUpStatus.OPEN
    follow_up.completed_on = None
    _save(follow_up, before, by=by)


def reassign_follow_up(follow_up: FollowUp, *, owner_id: int, by: Actor) -> None:
    """Give the follow-up to another active team member."""
    _check_owner(owner_id)
    before = snapshot(follow_up, FIELDS)
    follow_up.owner_id = owner_id
    _save(follow_up, before, by=by)


def follow_up_links(*where: Any, organisation_ids: Any = None) -> CompoundSelect:
    """Every organisation a follow-up counts for, as (follow_up_id, organisation_id) rows: the
    organisation it names itself, and the organisations of the meeting it came from as they
    are now. Derived, never copied: editing the meeting's organisations moves the follow-up.
    (A unit's follow-ups count for its municipality too: callers roll organisation_id up with
    `meetings.figures.root_id`, or pass the organisation and its units.)

    `where` filters the follow-ups (for example open ones); `organisation_ids` (a subquery or
    list) keeps only those organisations. A UNION of the direct link and the meeting link,
    each answered from its own index."""
    direct = select(
        FollowUp.id.label("follow_up_id"), FollowUp.organisation_id.label("organisation_id")
    ).where(FollowUp.organisation_id.is_not(None), *where)
    # Through the meeting entity, so a meeting in the trash takes its links with it.
    via_meeting = (
        select(FollowUp.id, meeting_organisations.c.organisation_id)
        .join(Meeting, Meeting.id == FollowUp.meeting_id)
        .join(meeting_organisations, meeting_organisations.c.meeting_id == Meeting.id)
        .where(*where)
    )
    if organisation_ids is not None:
        direct = direct.where(FollowUp.organisation_id.in_(organisation_ids))
        via_meeting = via_meeting.where(
            meeting_organisations.c.organisation_id.in_(organisation_ids)
        )
    return union(direct, via_meeting)


#: What a follow-up row shows that is many-to-one, joined into the list's statement. The
#: organisations of the rows' meetings come from `with_meeting_organisations`: joined in as
#: well, the collection made the database join every meeting to its organisations before
#: limiting (11 s for a page at 800,000 follow-ups).
LIST_OPTIONS = (
    joinedload(FollowUp.owner),
    joinedload(FollowUp.meeting),
    joinedload(FollowUp.organisation).joinedload(Organisation.parent),
    joinedload(FollowUp.contact),
)


def with_meeting_organisations(follow_ups: Sequence[FollowUp]) -> Sequence[FollowUp]:
    """Load the organisations of the listed follow-ups' meetings (for
    `FollowUp.organisations`) in one statement whenever there are rows, whatever is already
    loaded, so a list page costs the same statements at any size. Returns `follow_ups`."""
    if not follow_ups:
        return follow_ups
    meetings = {f.meeting.id: f.meeting for f in follow_ups if f.meeting is not None}
    found: dict[int, list[Organisation]] = {meeting_id: [] for meeting_id in meetings}
    rows = db.session.execute(
        select(meeting_organisations.c.meeting_id, Organisation)
        .join(Organisation, Organisation.id == meeting_organisations.c.organisation_id)
        .where(meeting_organisations.c.meeting_id.in_(list(meetings)))
        .options(joinedload(Organisation.parent))
        .order_by(Organisation.sort_name, Organisation.id)
    ).all()
    for meeting_id, organisation in rows:
        found[meeting_id].append(organisation)
    for meeting_id, meeting in meetings.items():
        set_committed_value(meeting, "organisations", found[meeting_id])
    return follow_ups


#: The same with the meetings' organisations, in one more statement (for the exports, which
#: read in batches, and a follow-up's own page).
EXPORT_OPTIONS = (
    joinedload(FollowUp.owner),
    joinedload(FollowUp.meeting)
    .selectinload(Meeting.organisations)
    .joinedload(Organisation.parent),
    joinedload(FollowUp.organisation).joinedload(Organisation.parent),
    joinedload(FollowUp.contact),
)


class View(enum.StrEnum):
    MINE = "mina"
    MINE_OVERDUE = "mina-forsenade"
    TEAM = "teamets"
    OVERDUE = "forsenade"  # the team's
    WEEK = "veckan"
    DONE = "klara"


@dataclass
class FollowUpFilter:
    view: View = View.MINE
    user_id: int | None = None
    meeting_id: int | None = None
    organisation_id: int | None = None
    contact_id: int | None = None


def follow_up_query(
    filters: FollowUpFilter, *, today: date, options: tuple[Any, ...] = LIST_OPTIONS
) -> Select[tuple[FollowUp]]:
    """The SELECT behind the follow-up lists, loading what they show (`options`)."""
    query = select(FollowUp).options(*options)
    is_open = FollowUp.status == FollowUpStatus.OPEN
    if filters.view is View.MINE:
        query = query.where(is_open, FollowUp.owner_id == filters.user_id)
    elif filters.view is View.MINE_OVERDUE:
        query = query.where(is_open, FollowUp.owner_id == filters.user_id, FollowUp.due_on < today)
    elif filters.view is View.TEAM:
        query = query.where(is_open)
    elif filters.view is View.OVERDUE:
        query = query.where(is_open, FollowUp.due_on < today)
    elif filters.view is View.WEEK:
        monday, next_monday = week_bounds(today)
        query = query.where(is_open, FollowUp.due_on >= monday, FollowUp.due_on < next_monday)
    elif filters.view is View.DONE:
        query = query.where(FollowUp.status != FollowUpStatus.OPEN)
    for column, value in (
        (FollowUp.meeting_id, filters.meeting_id),
        (FollowUp.contact_id, filters.contact_id),
    ):
        if value:
            query = query.where(column == value)
    if filters.organisation_id:  # the organisation or one of its units, or their meetings
        links = follow_up_links(
            organisation_ids=organisation_and_units(filters.organisation_id)
        ).subquery()
        query = query.where(FollowUp.id.in_(select(links.c.follow_up_id)))
    return query.order_by(*_ordering(filters))


def _ordering(filters: FollowUpFilter) -> tuple[Any, ...]:
    if filters.view is View.DONE:
        return (FollowUp.completed_on.desc(), FollowUp.id.desc())
    return (FollowUp.due_on, FollowUp.id)


def first_follow_ups(
    filters: FollowUpFilter, *, today: date, limit: int, among: Any | None = None
) -> list[FollowUpRow]:
    """The first `limit` follow-ups `filters` give (of those `among`, SQL: ids, when given),
    as the lists show them (plain rows, followups/rows.py), in one statement and one for
    their meetings' organisations. The ids are chosen first and only they are joined to
    their owners, meetings, organisations and contacts: where the order is not an index's
    (an organisation's follow-ups), PostgreSQL otherwise joined every match before keeping
    the first (Malmö's 916 open follow-ups at scale 100: 16 → 6 ms)."""
    chosen = follow_up_query(filters, today=today, options=())
    if among is not None:
        chosen = chosen.where(FollowUp.id.in_(among))
    ids = chosen.with_only_columns(FollowUp.id).limit(limit).subquery()
    query = row_statement(
        select()
        .select_from(FollowUp)
        .where(FollowUp.id.in_(select(ids.c.id)))
        .order_by(*_ordering(filters))
    )
    return read_rows(db.session.execute(query).all())
