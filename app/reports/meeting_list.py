"""The held meetings of a period as the reports list them: a page at a time for the summary
page, or all of them streamed for the exports, as plain values (no ORM objects)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import groupby
from operator import itemgetter
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import aliased

from app.auth.models import User
from app.common.time import to_local
from app.extensions import db
from app.meetings.models import Meeting, MeetingKind, MeetingStatus, meeting_organisations
from app.meetings.queries import organisation_names
from app.organisations.models import Organisation, display_name

from .periods import Period
from .queries import held_in

#: Rows fetched at a time when the exports stream the held meetings.
STREAM_BATCH = 2000


@dataclass(frozen=True)
class HeldMeeting:
    """One held meeting as the reports list it: plain values, no ORM object."""

    id: int
    starts_at: datetime
    all_day: bool
    title: str
    kind: MeetingKind
    responsible: str
    outcome: str
    organisations: tuple[str, ...]  # display names, in Swedish order

    @property
    def local_start(self) -> datetime:
        return to_local(self.starts_at)


_MEETING_COLUMNS = (
    Meeting.id,
    Meeting.starts_at,
    Meeting.all_day,
    Meeting.title,
    Meeting.kind,
    User.name,
    Meeting.outcome,
)


def _held_meeting(row: Sequence[Any], organisations: list[tuple[str, str]]) -> HeldMeeting:
    """A HeldMeeting from the columns of `_MEETING_COLUMNS` and (sort key, display name)
    pairs, ordered here as the meeting's organisations are everywhere else."""
    return HeldMeeting(
        *row[: len(_MEETING_COLUMNS)],
        organisations=tuple(name for _key, name in sorted(organisations)),
    )


def held_meetings_page(period: Period, *, offset: int, limit: int) -> list[HeldMeeting]:
    """`limit` of the period's held meetings in time order, from `offset` (two statements:
    the meetings, then their organisations)."""
    rows = db.session.execute(
        select(*_MEETING_COLUMNS)
        .join(User, User.id == Meeting.responsible_id)
        .where(held_in(period))
        .order_by(Meeting.starts_at, Meeting.id)
        .offset(offset)
        .limit(limit)
    ).all()
    names = organisation_names([row[0] for row in rows])
    return [
        HeldMeeting(*row[: len(_MEETING_COLUMNS)], organisations=tuple(names.get(row[0], ())))
        for row in rows
    ]


def held_list_args(period: Period) -> dict[str, str]:
    """The meeting list's query string for the period's held meetings (its page and its
    exports): status Genomfört, from the period's first day to its last."""
    return {
        "status": MeetingStatus.HELD.value,
        "fran": period.start.isoformat(),
        "till": period.end.isoformat(),
    }


def held_meeting_rows(period: Period) -> Iterator[HeldMeeting]:
    """Every held meeting of the period in time order, streamed from one statement (a row
    per meeting and organisation, fetched `STREAM_BATCH` at a time): memory stays flat
    however many there are. Nothing runs until the iterator is first advanced."""
    parent = aliased(Organisation)
    statement = (
        select(*_MEETING_COLUMNS, Organisation.sort_name, Organisation.name, parent.name)
        .join(User, User.id == Meeting.responsible_id)
        .outerjoin(meeting_organisations, meeting_organisations.c.meeting_id == Meeting.id)
        .outerjoin(Organisation, Organisation.id == meeting_organisations.c.organisation_id)
        .outerjoin(parent, parent.id == Organisation.parent_id)
        .where(held_in(period))
        .order_by(Meeting.starts_at, Meeting.id)
        .execution_options(yield_per=STREAM_BATCH)
    )
    width = len(_MEETING_COLUMNS)
    result = db.session.execute(statement)
    try:
        for _meeting_id, group in groupby(result, key=itemgetter(0)):
            rows = list(group)
            organisations = [
                (row[width], display_name(row[width + 1], row[width + 2]))
                for row in rows
                if row[width + 1] is not None
            ]
            yield _held_meeting(rows[0], organisations)
    finally:
        result.close()
