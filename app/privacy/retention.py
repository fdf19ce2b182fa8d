"""The retention list (gallringslista): contacts with no activity for a number of years, whose
data the team should consider erasing (GDPR: keep only what the work needs).

A contact's activity is the latest of: the contact created or changed; a meeting they took
part in (its start; cancelled meetings do not count); a follow-up about them created, changed
or due; an affiliation started or ended. Records in the trash count for nothing, as everywhere.
Anonymised contacts are left out: there is nothing left to erase.

Fast at any size: the list is one SELECT whose NOT EXISTS conditions use the foreign-key
indexes, paginated in SQL; the last activity of the contacts on one page comes from three
grouped max() queries over just those contacts.

Like the register extract this module reads meetings and follow-ups, so it sits above them in
the import order; only the routes import it.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import selectinload

from app.common.i18n import translated
from app.common.time import local_midnight, to_local
from app.contacts.models import Affiliation, Contact
from app.extensions import db
from app.followups.models import FollowUp
from app.meetings.models import Meeting, MeetingStatus, meeting_contacts
from app.organisations.models import Organisation

DEFAULT_YEARS = 3
MIN_YEARS = 1
MAX_YEARS = 20


class ActivityKind(enum.StrEnum):
    """What a contact's last activity was; the order breaks ties (most telling first)."""

    MEETING = "meeting"
    FOLLOW_UP = "follow_up"
    AFFILIATION_ENDED = "affiliation_ended"
    AFFILIATION_STARTED = "affiliation_started"
    CREATED = "created"
    UPDATED = "updated"

    @property
    def label(self) -> str:
        return translated(ACTIVITY_LABELS[self])


ACTIVITY_LABELS = {
    ActivityKind.MEETING: _l("Möte"),
    ActivityKind.FOLLOW_UP: _l("Uppföljning"),
    ActivityKind.AFFILIATION_ENDED: _l("Roll avslutad"),
    ActivityKind.AFFILIATION_STARTED: _l("Roll påbörjad"),
    ActivityKind.CREATED: _l("Kontakten lades upp"),
    ActivityKind.UPDATED: _l("Kontakten ändrades"),
}
_TIE_ORDER = list(ActivityKind)


@dataclass(frozen=True)
class LastActivity:
    """A contact's latest activity: the Stockholm day and what it was."""

    on: date
    kind: ActivityKind


def configured_years(value: Any) -> int:
    """RETENTION_YEARS as a number of years within bounds (the default if unusable)."""
    try:
        years = int(value)
    except (TypeError, ValueError):
        return DEFAULT_YEARS
    return min(max(years, MIN_YEARS), MAX_YEARS)


def retention_cutoff(today: date, years: int) -> date:
    """The first day that counts as recent: the same date `years` years ago (28 February
    for a 29 February)."""
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


def inactive_contacts_query(*, cutoff: date) -> Select[tuple[Contact]]:
    """Contacts, not anonymised, with no activity on or after `cutoff` (a Stockholm day), in
    Swedish name order, loading the organisations the list shows."""
    since = local_midnight(cutoff)
    recent_meeting = (
        select(meeting_contacts.c.meeting_id)
        .join(Meeting, Meeting.id == meeting_contacts.c.meeting_id)
        .where(
            meeting_contacts.c.contact_id == Contact.id,
            Meeting.starts_at >= since,
            Meeting.status != MeetingStatus.CANCELLED,
        )
    )
    recent_follow_up = select(FollowUp.id).where(
        FollowUp.contact_id == Contact.id,
        or_(FollowUp.created_at >= since, FollowUp.updated_at >= since, FollowUp.due_on >= cutoff),
    )
    recent_affiliation = select(Affiliation.id).where(
        Affiliation.contact_id == Contact.id,
        or_(Affiliation.started_on >= cutoff, Affiliation.ended_on >= cutoff),
    )
    return (
        select(Contact)
        .where(
            Contact.anonymised_at.is_(None),
            Contact.created_at < since,
            Contact.updated_at < since,
            ~recent_meeting.exists(),
            ~recent_follow_up.exists(),
            ~recent_affiliation.exists(),
        )
        .options(
            selectinload(Contact.affiliations)
            .selectinload(Affiliation.organisation)
            .selectinload(Organisation.parent)
        )
        .order_by(Contact.sort_name, Contact.id)
    )


def _local_day(value: date | datetime | None) -> date | None:
    if isinstance(value, datetime):
        return to_local(value).date()
    return value


def last_activities(contacts: Sequence[Contact]) -> dict[int, LastActivity]:
    """The last activity of each contact, in three grouped queries whatever their number."""
    ids = [c.id for c in contacts]
    found: dict[int, list[tuple[date | datetime | None, ActivityKind]]] = {
        c.id: [(c.created_at, ActivityKind.CREATED), (c.updated_at, ActivityKind.UPDATED)]
        for c in contacts
    }
    if not ids:
        return {}
    meetings = db.session.execute(
        select(meeting_contacts.c.contact_id, func.max(Meeting.starts_at))
        .join(Meeting, Meeting.id == meeting_contacts.c.meeting_id)
        .where(meeting_contacts.c.contact_id.in_(ids), Meeting.status != MeetingStatus.CANCELLED)
        .group_by(meeting_contacts.c.contact_id)
    )
    for contact_id, started in meetings:
        found[contact_id].append((started, ActivityKind.MEETING))
    follow_ups = db.session.execute(
        select(
            FollowUp.contact_id,
            func.max(FollowUp.created_at),
            func.max(FollowUp.updated_at),
            func.max(FollowUp.due_on),
        )
        .where(FollowUp.contact_id.in_(ids))
        .group_by(FollowUp.contact_id)
    )
    for contact_id, *moments in follow_ups:
        found[contact_id] += [(m, ActivityKind.FOLLOW_UP) for m in moments]
    affiliations = db.session.execute(
        select(
            Affiliation.contact_id, func.max(Affiliation.started_on), func.max(Affiliation.ended_on)
        )
        .where(Affiliation.contact_id.in_(ids))
        .group_by(Affiliation.contact_id)
    )
    for contact_id, started, ended in affiliations:
        found[contact_id] += [
            (started, ActivityKind.AFFILIATION_STARTED),
            (ended, ActivityKind.AFFILIATION_ENDED),
        ]
    result = {}
    for contact_id, candidates in found.items():
        days = [(day, kind) for value, kind in candidates if (day := _local_day(value))]
        day, kind = max(days, key=lambda item: (item[0], -_TIE_ORDER.index(item[1])))
        result[contact_id] = LastActivity(on=day, kind=kind)
    return result
