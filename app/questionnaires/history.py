"""How the history shows a questionnaire's recorded fields and those of its sections and
questions: statuses, kinds and sides by their labels, dates as days, options by their
labels, a question's section by its title today."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, literal, null, select

from app.audit.display import (
    LIVE,
    Reference,
    Shown,
    coded,
    day,
    register_fields,
    register_reference,
)
from app.themes.models import SIDE_LABELS

from .models import (
    QUESTION_KIND_LABELS,
    QUESTIONNAIRE_STATUS_LABELS,
    Question,
    Questionnaire,
    QuestionnaireSection,
)


def status_labels() -> dict[str, str]:
    return {k.value: str(v) for k, v in QUESTIONNAIRE_STATUS_LABELS.items()}


def kind_labels() -> dict[str, str]:
    return {k.value: str(v) for k, v in QUESTION_KIND_LABELS.items()}


def side_labels() -> dict[str, str]:
    return {k.value: str(v) for k, v in SIDE_LABELS.items()}


def option_label(value: Any) -> str:
    """A recorded option ({"key", "sv", "en"}; the history shows a list item by item) as its
    Swedish label."""
    if isinstance(value, dict):
        return str(value.get("sv") or value.get("key") or "–")
    return str(value)


def _sections(keys: list[Any]) -> Select[Any]:
    return select(
        QuestionnaireSection.id.label("key"),
        QuestionnaireSection.title.label("name"),
        null().label("detail"),
        literal(LIVE).label("state"),
    ).where(QuestionnaireSection.id.in_(keys))


def section_name(row: Any) -> str:
    return row.name or _("(utan rubrik)")


register_reference("questionnaire_section", Reference(lookup=_sections, name=section_name))
register_fields(
    Questionnaire.__tablename__,
    {
        "title": Shown(_l("Rubrik")),
        "title_en": Shown(_l("Rubrik på engelska")),
        "intro": Shown(_l("Inledning")),
        "intro_en": Shown(_l("Inledning på engelska")),
        "closing": Shown(_l("Avslutning")),
        "closing_en": Shown(_l("Avslutning på engelska")),
        "closes_on": Shown(_l("Sista svarsdag"), format=day),
        "status": Shown(_l("Status"), format=coded(status_labels)),
    },
)
register_fields(
    QuestionnaireSection.__tablename__,
    {
        "title": Shown(_l("Avsnittets rubrik")),
        "title_en": Shown(_l("Avsnittets rubrik på engelska")),
        "intro": Shown(_l("Avsnittets inledning")),
        "intro_en": Shown(_l("Avsnittets inledning på engelska")),
    },
)
register_fields(
    Question.__tablename__,
    {
        "section_id": Shown(_l("Avsnitt"), reference="questionnaire_section"),
        "kind": Shown(_l("Typ av fråga"), format=coded(kind_labels)),
        "text": Shown(_l("Fråga")),
        "text_en": Shown(_l("Fråga på engelska")),
        "help": Shown(_l("Hjälptext")),
        "help_en": Shown(_l("Hjälptext på engelska")),
        "required": Shown(_l("Obligatorisk")),
        "options": Shown(_l("Svarsalternativ"), format=option_label, ordered=True),
        "scale_low": Shown(_l("Skalans lägsta steg")),
        "scale_high": Shown(_l("Skalans högsta steg")),
        "scale_low_en": Shown(_l("Skalans lägsta steg på engelska")),
        "scale_high_en": Shown(_l("Skalans högsta steg på engelska")),
        "theme_side": Shown(_l("Teman gäller"), format=coded(side_labels)),
        "show_if": Shown(_l("Visas bara om")),
    },
)
