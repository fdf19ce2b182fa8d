"""Follow-ups as a list shows them, read as plain values: no ORM object per follow-up, meeting,
organisation, parent and contact. The start page's lists of the user's follow-ups read them
so (loading the objects took 5 ms for its 20 rows, more than the rest of its statements);
followups/_rows.html renders these rows and ORM follow-ups alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import cache
from typing import Any, NamedTuple

from sqlalchemy import Select, bindparam, select

from app.auth.models import User
from app.common.aliases import alias
from app.contacts.models import Contact, full_name
from app.extensions import db
from app.meetings.models import Meeting, meeting_organisations
from app.organisations.models import Organisation, display_name

from .models import FollowUp, FollowUpStatus, is_overdue


class Owner(NamedTuple):
    name: str


class MeetingLink(NamedTuple):
    id: int
    title: str


class OrganisationLink(NamedTuple):
    id: int
    display_name: str


class ContactLink(NamedTuple):
    id: int
    full_name: str


class FollowUpRow(NamedTuple):
    """A follow-up with what its row shows, under the names of FollowUp's attributes."""

    id: int
    title: str
    due_on: date
    status: FollowUpStatus
    owner: Owner
    meeting: MeetingLink | None
    contact: ContactLink | None
    # Its own organisation, then its meeting's as they are now (FollowUp.organisations).
    organisations: list[OrganisationLink]

    def is_overdue(self, today: date) -> bool:
        return is_overdue(self.status, self.due_on, today)


def row_statement(query: Select[Any]) -> Select[Any]:
    """`query` (a SELECT from follow_ups, with its own conditions, order and columns after
    these) with the columns `read_rows` makes a FollowUpRow of first. Entities throughout,
    so a meeting, organisation or contact in the trash is left out as the ORM lists do."""
    parent = alias(Organisation, "followups.rows.parent")
    return (
        query.with_only_columns(
            FollowUp.id,
            FollowUp.title,
            FollowUp.due_on,
            FollowUp.status,
            User.name,
            Meeting.id,
            Meeting.title,
            Organisation.id,
            Organisation.name,
            parent.name,
            Contact.id,
            Contact.first_name,
            Contact.last_name,
            *query.selected_columns,
        )
        .join(User, User.id == FollowUp.owner_id)
        .outerjoin(Meeting, Meeting.id == FollowUp.meeting_id)
        .outerjoin(Organisation, Organisation.id == FollowUp.organisation_id)
        .outerjoin(parent, parent.id == Organisation.parent_id)
        .outerjoin(Contact, Contact.id == FollowUp.contact_id)
    )


#: The columns of `row_statement`'s own, before those of the query it was given.
ROW_COLUMNS = 13


def read_rows(rows: Sequence[Any]) -> list[FollowUpRow]:
    """FollowUpRows from the first ROW_COLUMNS of each of `rows` (of a `row_statement`), with
    their meetings' organisations in one more statement."""
    meeting_ids = list({row[5] for row in rows if row[5] is not None})
    organisations = meeting_organisations_of(meeting_ids)
    result = []
    for row in rows:
        (follow_up_id, title, due_on, status, owner, meeting_id, meeting_title) = row[:7]
        (organisation_id, name, parent_name, contact_id, first_name, last_name) = row[7:13]
        own = (
            [OrganisationLink(organisation_id, display_name(name, parent_name))]
            if organisation_id is not None
            else []
        )
        via_meeting = [o for o in organisations.get(meeting_id, ()) if o.id != organisation_id]
        result.append(
            FollowUpRow(
                follow_up_id,
                title,
                due_on,
                status,
                Owner(owner),
                MeetingLink(meeting_id, meeting_title) if meeting_id is not None else None,
                ContactLink(contact_id, full_name(first_name, last_name))
                if contact_id is not None
                else None,
                own + via_meeting,
            )
        )
    return result


@cache
def _meeting_organisations_statement() -> Select[Any]:
    """Built once per process; the meetings come as the expanding parameter "ids"."""
    parent = alias(Organisation, "followups.rows.meeting_parent")
    return (
        select(meeting_organisations.c.meeting_id, Organisation.id, Organisation.name, parent.name)
        .join(Organisation, Organisation.id == meeting_organisations.c.organisation_id)
        .outerjoin(parent, parent.id == Organisation.parent_id)
        .where(meeting_organisations.c.meeting_id.in_(bindparam("ids", expanding=True)))
        .order_by(Organisation.sort_name, Organisation.id)
    )


def meeting_organisations_of(meeting_ids: list[int]) -> dict[int, list[OrganisationLink]]:
    """The organisations of these meetings (in the trash left out), each meeting's in the
    order of `Meeting.organisations`: one statement of plain rows."""
    if not meeting_ids:
        return {}
    found: dict[int, list[OrganisationLink]] = {}
    rows = db.session.execute(_meeting_organisations_statement(), {"ids": meeting_ids})
    for meeting_id, organisation_id, name, parent_name in rows:
        link = OrganisationLink(organisation_id, display_name(name, parent_name))
        found.setdefault(meeting_id, []).append(link)
    return found
