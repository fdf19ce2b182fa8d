"""Meetings as spreadsheet rows: the meeting list's export."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime

from flask_babel import gettext as _

from app.common.spreadsheets import DATETIME_WIDTH, Value

from .models import Meeting


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


def _naive(moment: datetime) -> datetime:
    """A Stockholm time without its zone: Excel has no time zones."""
    return moment.replace(tzinfo=None)


def meeting_rows(meetings: Iterable[Meeting]) -> Iterator[list[Value]]:
    """One row per meeting, one at a time: Stockholm times (days for all-day meetings),
    organisations by their display names, in the list's order."""
    for meeting in meetings:
        start: date | datetime
        end: date | datetime
        if meeting.all_day:
            start, end = meeting.local_start.date(), meeting.last_day
        else:
            start, end = _naive(meeting.local_start), _naive(meeting.local_end)
        yield [
            start,
            end,
            meeting.title,
            meeting.kind.label,
            meeting.status.label,
            "; ".join(o.display_name for o in meeting.organisations),
            meeting.responsible.name,
            meeting.place,
            meeting.outcome,
        ]
