"""How the history shows a meeting's recorded fields, and names meetings (a follow-up's
meeting): times in Stockholm time, kinds and statuses by their labels, people and
organisations by their names today."""

from __future__ import annotations

import re
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, case, null, select

from app.audit.display import (
    LIVE,
    REMOVED,
    Reference,
    Shown,
    coded,
    local_moment,
    register_fields,
    register_reference,
    yes_no,
)

from .models import ANSWER_LABELS, KIND_LABELS, STATUS_LABELS, Meeting


def kind_labels() -> dict[str, str]:
    return {k.value: str(v) for k, v in KIND_LABELS.items()}


def status_labels() -> dict[str, str]:
    return {k.value: str(v) for k, v in STATUS_LABELS.items()}


def _meetings(keys: list[Any]) -> Select[Any]:
    return select(
        Meeting.id.label("key"),
        Meeting.title.label("name"),
        null().label("detail"),
        case((Meeting.deleted_at.is_not(None), REMOVED), else_=LIVE).label("state"),
    ).where(Meeting.id.in_(keys))


_ANSWER = re.compile(r"\b(" + "|".join(re.escape(code) for code in ANSWER_LABELS) + r")\b")


def answers_text(value: Any) -> str:
    """Attendees' answers as recorded ("anna@kommun.se: ACCEPTED, …") in words ("anna@kommun.se:
    har tackat ja, …"), never the calendar's codes."""
    return _ANSWER.sub(lambda found: str(ANSWER_LABELS[found.group(1)]).lower(), str(value))


def meeting_name(row: Any) -> str:
    return _("%(name)s (borttagen)", name=row.name) if row.state == REMOVED else row.name


register_reference("meeting", Reference(lookup=_meetings, name=meeting_name))
register_fields(
    Meeting.__tablename__,
    {
        "title": Shown(_l("Rubrik")),
        "kind": Shown(_l("Typ av möte"), format=coded(kind_labels)),
        "status": Shown(_l("Status"), format=coded(status_labels)),
        "starts_at": Shown(_l("Börjar"), format=local_moment),
        "ends_at": Shown(_l("Slutar"), format=local_moment),
        "all_day": Shown(_l("Heldag"), format=yes_no),
        "place": Shown(_l("Plats")),
        "online_link": Shown(_l("Länk")),
        "agenda": Shown(_l("Dagordning")),
        "notes": Shown(_l("Anteckningar")),
        "outcome": Shown(_l("Resultat")),
        "responsible_id": Shown(_l("Ansvarig"), reference="user"),
        # Ids since step 8; earlier rows hold the names as they were then.
        "organisations": Shown(_l("Organisationer"), reference="organisation"),
        "contacts": Shown(_l("Kontakter"), reference="contact"),
        "team": Shown(_l("Teamet"), reference="user"),
        "topics": Shown(_l("Ämnen")),
        "target_groups": Shown(_l("Målgrupper")),
        "perspectives": Shown(_l("Perspektiv")),
        # Recorded by app/calendar/replies.py as "address: ACCEPTED, …".
        "answers": Shown(_l("Svar på inbjudan"), format=answers_text),
    },
)
