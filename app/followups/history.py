"""How the history shows a follow-up's recorded fields: the owner, meeting, organisation
and contact by their names today, the status by its label, dates as YYYY-MM-DD."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.audit.display import Shown, coded, day, register_fields

from .models import STATUS_LABELS, FollowUp


def status_labels() -> dict[str, str]:
    return {k.value: str(v) for k, v in STATUS_LABELS.items()}


register_fields(
    FollowUp.__tablename__,
    {
        "title": Shown(_l("Vad ska göras")),
        "description": Shown(_l("Beskrivning")),
        "owner_id": Shown(_l("Ansvarig"), reference="user"),
        "due_on": Shown(_l("Sista dag"), format=day),
        "status": Shown(_l("Status"), format=coded(status_labels)),
        "meeting_id": Shown(_l("Möte"), reference="meeting"),
        "organisation_id": Shown(_l("Organisation"), reference="organisation"),
        "contact_id": Shown(_l("Kontakt"), reference="contact"),
        "completed_on": Shown(_l("Klar"), format=day),
        "completion_note": Shown(_l("Kommentar")),
    },
)
