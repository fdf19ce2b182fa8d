"""How the history shows a material's recorded fields: kinds, statuses and languages by
their labels, the source organisation and the organisations reached by their names today."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.audit.display import Shown, coded, register_fields
from app.meetings.models import PERSPECTIVE_LABELS

from .models import KIND_LABELS, LANGUAGES, OUTCOME_LABELS, STATUS_LABELS, Material


def kind_labels() -> dict[str, str]:
    return {k.value: str(v) for k, v in KIND_LABELS.items()}


def status_labels() -> dict[str, str]:
    return {k.value: str(v) for k, v in STATUS_LABELS.items()}


def language_labels() -> dict[str, str]:
    return {k: str(v) for k, v in LANGUAGES.items()}


def outcome_labels() -> dict[str, str]:
    return {k.value: str(v) for k, v in OUTCOME_LABELS.items()}


def perspective_labels() -> dict[str, str]:
    return {k.value: str(v) for k, v in PERSPECTIVE_LABELS.items()}


register_fields(
    Material.__tablename__,
    {
        "kind": Shown(_l("Typ"), format=coded(kind_labels)),
        "title": Shown(_l("Titel")),
        "summary": Shown(_l("Sammanfattning")),
        "language": Shown(_l("Språk"), format=coded(language_labels)),
        "status": Shown(_l("Status"), format=coded(status_labels)),
        "source_organisation_id": Shown(_l("Kommer från"), reference="organisation"),
        "authors": Shown(_l("Författare")),
        "year": Shown(_l("År")),
        "publisher": Shown(_l("Utgivare")),
        "link": Shown(_l("Länk")),
        "doi": Shown(_l("DOI")),
        "topics": Shown(_l("Ämnen")),
        "target_groups": Shown(_l("Målgrupper")),
        "perspectives": Shown(_l("Perspektiv"), format=coded(perspective_labels)),
        "versions": Shown(_l("Ny version")),
        "delivered_to": Shown(_l("Mottagare"), reference="organisation"),
        "delivery_outcome": Shown(_l("Leverans"), format=coded(outcome_labels)),
        "discussed_at": Shown(_l("Diskuterad vid möte")),
        "mailing": Shown(_l("Utskick")),
        "messages_sent": Shown(_l("Skickade meddelanden")),
    },
)
