"""Engagement stages: how far a municipality has come with voluntary return work.

The one place that defines the stages, their order and their colours (the lägesbild map
and legend read them from here). Ordered as the dialogue usually progresses; "Avböjt"
(declined) sits apart at the end. Colours are a sequential blue scale with a distinct
orange for declined, readable for the common forms of colour blindness, and each stage is
also named in text wherever a colour is shown.
"""

from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from app.common.i18n import translated


class Stage(enum.StrEnum):
    NOT_CONTACTED = "ej_kontaktad"
    CONTACTED = "kontaktad"
    INFORMED = "informerad"
    IN_DIALOGUE = "i_dialog"
    ACTIVE = "arbetar_aktivt"
    DECLINED = "avbojt"

    @property
    def label(self) -> str:
        return translated(STAGE_LABELS[self])

    @property
    def description(self) -> str:
        return translated(STAGE_DESCRIPTIONS[self])

    @property
    def colour(self) -> str:
        return STAGE_COLOURS[self]


STAGE_LABELS = {
    Stage.NOT_CONTACTED: _l("Ej kontaktad"),
    Stage.CONTACTED: _l("Kontaktad"),
    Stage.INFORMED: _l("Informerad"),
    Stage.IN_DIALOGUE: _l("I dialog"),
    Stage.ACTIVE: _l("Arbetar aktivt"),
    Stage.DECLINED: _l("Avböjt"),
}

STAGE_DESCRIPTIONS = {
    Stage.NOT_CONTACTED: _l("Ingen kontakt har tagits ännu."),
    Stage.CONTACTED: _l("Första kontakt är tagen, men kommunen har inte fått information."),
    Stage.INFORMED: _l("Kommunen har fått information om återvandring och stödet."),
    Stage.IN_DIALOGUE: _l("Löpande dialog om hur kommunen kan arbeta med återvandring."),
    Stage.ACTIVE: _l("Kommunen arbetar aktivt med återvandring, till exempel med rutiner."),
    Stage.DECLINED: _l("Kommunen har avböjt att arbeta med frågan just nu."),
}

STAGE_COLOURS = {
    Stage.NOT_CONTACTED: "#e8ecf1",
    Stage.CONTACTED: "#c6dbef",
    Stage.INFORMED: "#6baed6",
    Stage.IN_DIALOGUE: "#2171b5",
    Stage.ACTIVE: "#08306b",
    Stage.DECLINED: "#e6550d",
}

INITIAL_STAGE = Stage.NOT_CONTACTED


def stage_badge(stage: Stage | None) -> Markup:
    """A stage as a badge: its colour swatch and its name (empty without a stage). The one
    definition of the badge's HTML: the templates' `stage_badge` macro and `stage_badges`
    both give it."""
    if stage is None:
        return Markup("")
    return Markup(
        '<span class="stage stage--{}"><span class="stage__swatch" aria-hidden="true"></span>'
        "{}</span>"
    ).format(stage.value, stage.label)


def stage_badges() -> dict[Stage | None, Markup]:
    """Every stage's badge, for a list that shows one per row (the lägesbild's 290
    municipalities): made once for the render instead of once a row, in the language in
    force."""
    badges: dict[Stage | None, Markup] = {stage: stage_badge(stage) for stage in Stage}
    badges[None] = Markup("")
    return badges
