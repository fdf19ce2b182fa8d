"""Follow-ups as spreadsheet rows: the follow-up list's export."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from flask_babel import gettext as _

from app.common.spreadsheets import Value

from .models import FollowUp


def follow_up_header() -> list[str]:
    return [
        _("Sista dag"),
        _("Vad ska göras"),
        _("Status"),
        _("Ansvarig"),
        _("Möte"),
        _("Organisationer"),
        _("Kontakt"),
        _("Klar"),
        _("Kommentar"),
        _("Beskrivning"),
    ]


#: Fixed column widths: the rows are written as they are read, before they are all seen.
FOLLOW_UP_WIDTHS = (12, 50, 12, 22, 40, 40, 26, 12, 40, 60)


def follow_up_rows(follow_ups: Iterable[FollowUp]) -> Iterator[list[Value]]:
    """One row per follow-up, one at a time: what the list shows, and how it ended."""
    for item in follow_ups:
        yield [
            item.due_on,
            item.title,
            item.status.label,
            item.owner.name,
            item.meeting.title if item.meeting else None,
            # Its own organisation and its meeting's, as the list shows them.
            "; ".join(o.display_name for o in item.organisations) or None,
            item.contact.full_name if item.contact else None,
            item.completed_on,
            item.completion_note,
            item.description,
        ]
