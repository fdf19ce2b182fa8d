"""The meetings shown on other records' pages: an organisation's and a contact's, newest
first, a page at a time (sections, app/common/sections.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import func

from app.aggregates.models import RootFigures
from app.common.arguments import page_number
from app.common.sections import Section, provides
from app.contacts.models import Contact
from app.extensions import db
from app.organisations.models import Organisation

from . import queries
from .models import Meeting, MeetingStatus

#: Meetings per page in a record's meeting section.
PER_SECTION = 10


@dataclass(frozen=True)
class TimelinePage:
    """One page of a record's meetings, told apart from the next without counting them all."""

    items: list[Meeting]
    page: int
    has_next: bool

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1

    @property
    def pages(self) -> int:
        """More than one when there is another page either way (what the template asks)."""
        return self.page + int(self.has_next)


def last_held(filters: queries.MeetingFilter) -> datetime | None:
    """The start of the last held meeting among those `filters` give."""
    return db.session.scalar(
        queries.meeting_query(filters, for_list=False)
        .with_only_columns(func.max(Meeting.starts_at))
        .where(Meeting.status == MeetingStatus.HELD)
        .order_by(None)
    )


def meeting_section(
    filters: queries.MeetingFilter, title: str, new_url: str, last_held: datetime | None
) -> Section:
    """A record's meetings, newest first, one page (?moten=N), in one statement however
    many meetings it has: the page, with one row more to know whether another follows.

    The page's ids are chosen first and only those meetings read whole: ordering a
    municipality's 1,900 meetings as whole rows (notes and all) to keep 11 cost a third more
    (14 → 9 ms for Malmö at scale 100 on SQLite)."""
    timeline = queries.meeting_query(filters, for_list=False)
    number = min(page_number("moten"), 10_000)
    page_ids = (
        timeline.with_only_columns(Meeting.id)
        .limit(PER_SECTION + 1)
        .offset((number - 1) * PER_SECTION)
    )
    in_order = queries.MeetingFilter(descending=filters.descending)  # the timeline's order
    rows = list(
        db.session.scalars(
            queries.meeting_query(in_order, for_list=False).where(
                Meeting.id.in_(page_ids.scalar_subquery())
            )
        )
    )
    page = TimelinePage(items=rows[:PER_SECTION], page=number, has_next=len(rows) > PER_SECTION)
    return Section(
        "meetings/_section.html",
        {"page": page, "title": title, "new_url": new_url, "last_held": last_held},
    )


@provides("organisation", order=10)
def organisation_meetings(organisation: Organisation) -> Section:
    filters = queries.MeetingFilter(organisation_id=organisation.id)
    new_url = url_for("meetings.create", organisation=organisation.id)
    if organisation.parent_id is None:  # a top-level organisation: its maintained figure
        figures = db.session.get(RootFigures, organisation.id)
        held = figures.last_held_at if figures is not None else None
    else:
        held = last_held(filters)
    return meeting_section(filters, _("Möten"), new_url, held)


@provides("contact", order=10)
def contact_meetings(contact: Contact) -> Section:
    filters = queries.MeetingFilter(contact_id=contact.id)
    return meeting_section(
        filters, _("Möten"), url_for("meetings.create", kontakt=contact.id), last_held(filters)
    )
