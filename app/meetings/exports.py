"""Meetings as spreadsheet rows: the meeting list's export.

Built for every meeting there is (hundreds of thousands): the meetings are read as plain
columns from one statement on a server-side cursor (`yield_per`), a chunk at a time, and each
chunk's organisations come from one more statement, so the export costs a fixed number of
statements per chunk and no ORM objects; rows are yielded as they are made.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import Select, select
from sqlalchemy.orm import aliased

from app.auth.models import User
from app.common.spreadsheets import DATETIME_WIDTH, Value
from app.common.time import to_local
from app.extensions import db
from app.organisations.models import Organisation, display_name

from .models import Meeting, MeetingKind, MeetingStatus, last_day, meeting_organisations

#: Meetings fetched from the cursor at a time (and organisations looked up per chunk).
EXPORT_CHUNK = 2000


def meeting_header() -> list[str]:
    return [
        _("Början"),
        _("Slut"),
        _("Rubrik"),
        _("Typ"),
        _("Status"),
        _("Organisationer"),
        _("Ansvarig"),
        _("Plats"),
        _("Resultat"),
    ]


#: Fixed column widths: the rows are written as they are read, before they are all seen.
MEETING_WIDTHS = (DATETIME_WIDTH + 2, DATETIME_WIDTH + 2, 40, 16, 12, 50, 22, 30, 60)

_COLUMNS = (
    Meeting.id,
    Meeting.starts_at,
    Meeting.ends_at,
    Meeting.all_day,
    Meeting.title,
    Meeting.kind,
    Meeting.status,
    User.name,
    Meeting.place,
    Meeting.outcome,
)


def organisation_names(meeting_ids: Sequence[int]) -> dict[int, list[str]]:
    """Each meeting's organisations by display name ("Socialtjänsten, Kramfors kommun"), in
    the order a meeting lists them (by sort name): one statement for all of `meeting_ids`."""
    names: dict[int, list[str]] = defaultdict(list)
    if not meeting_ids:
        return names
    parent = aliased(Organisation)
    rows = db.session.execute(
        select(meeting_organisations.c.meeting_id, Organisation.name, parent.name)
        .join(Organisation, Organisation.id == meeting_organisations.c.organisation_id)
        .outerjoin(parent, parent.id == Organisation.parent_id)
        .where(meeting_organisations.c.meeting_id.in_(meeting_ids))
        .order_by(meeting_organisations.c.meeting_id, Organisation.sort_name, Organisation.id)
    )
    for meeting_id, name, parent_name in rows:
        names[meeting_id].append(display_name(name, parent_name))
    return names


def _naive(moment: datetime) -> datetime:
    """A Stockholm time without its zone: Excel has no time zones."""
    return to_local(moment).replace(tzinfo=None)


def export_statement(query: Select) -> Select:
    """The meeting list's SELECT (its filters and order) reading only the exported columns."""
    return query.with_only_columns(*_COLUMNS).join(User, User.id == Meeting.responsible_id)


def meeting_rows(query: Select, *, chunk: int = EXPORT_CHUNK) -> Iterator[list[Value]]:
    """One row per meeting of the list's `query`, in its order, streamed: Stockholm times
    (days for all-day meetings), organisations by their display names. Nothing runs until the
    iterator is first advanced; two statements per `chunk` meetings."""
    kinds = {kind: kind.label for kind in MeetingKind}
    statuses = {status: status.label for status in MeetingStatus}
    result = db.session.execute(export_statement(query).execution_options(yield_per=chunk))
    try:
        for rows in result.partitions():
            names = organisation_names([row[0] for row in rows])
            for meeting_id, starts, ends, all_day, title, kind, status, *rest in rows:
                responsible, place, outcome = rest
                start: date | datetime
                end: date | datetime
                if all_day:
                    local_start, local_end = to_local(starts), to_local(ends)
                    start, end = local_start.date(), last_day(local_start, local_end)
                else:
                    start, end = _naive(starts), _naive(ends)
                yield [
                    start,
                    end,
                    title,
                    kinds[kind],
                    statuses[status],
                    "; ".join(names.get(meeting_id, ())),
                    responsible,
                    place,
                    outcome,
                ]
    finally:
        result.close()
