"""The preview: a questionnaire shown to the team exactly as a respondent sees it (the same
template as the public form, with preview=True: a banner, nothing saved, the buttons
disabled), and the questionnaire page's section that links to it."""

from __future__ import annotations

from flask import abort, current_app, url_for

from app.common.sections import Section, provides

from . import answering
from .models import Questionnaire
from .public_routes import page
from .routes import bp


@bp.get("/<int:questionnaire_id>/forhandsgranska")
def preview(questionnaire_id: int):
    """Any signed-in user may look; nothing is written."""
    questionnaire = answering.load_questionnaire(questionnaire_id) or abort(404)
    back_url = None
    if "questionnaires.detail" in current_app.view_functions:
        back_url = url_for("questionnaires.detail", questionnaire_id=questionnaire.id)
    return page(
        "questionnaire_public/form.html",
        state=answering.blank_state(questionnaire),
        token=None,
        preview=True,
        message=None,
        back_url=back_url,
        answering=answering,
    )


@provides("questionnaire", order=10)
def preview_section(questionnaire: Questionnaire) -> Section:
    """The preview link on the questionnaire's page."""
    return Section("questionnaires/_preview_section.html", {"questionnaire": questionnaire})
