"""A questionnaire's results: response rates, answers per question, the map, exports; and
the results' sections on the questionnaire page and on each organisation's page.

Every view is a GET: readers see the results like everyone in the team. The map's question
is chosen with a plain form (?fraga=<id>, or <id>:<option> for one option of a multiple
choice or theme question), so it works without JavaScript.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import String, and_, cast, select
from werkzeug.routing import BuildError

from app.common.downloads import CSV, XLSX, attachment, export_begun
from app.common.sections import Section, provides
from app.common.spreadsheets import csv_bytes, export_filename
from app.common.time import local_today
from app.extensions import db
from app.organisations.models import Organisation
from app.reports import exporters
from app.reports.map import render_map
from app.themes.models import Theme

from . import answered_history  # noqa: F401  (registers the history's on_submit hook)
from .figures import (
    RESPONSE_RATE,
    response_rate,
    response_rate_per_county,
    response_rate_per_stage,
)
from .models import (
    Answer,
    Question,
    QuestionKind,
    Questionnaire,
    QuestionnaireResponse,
    QuestionnaireSection,
    QuestionnaireStatus,
    ResponseStatus,
)
from .result_charts import MAP_KINDS, OPTION_MAP_KINDS, bar, colour_answers
from .results import (
    QuestionResult,
    answers_in_words,
    format_number,
    map_answers,
    option_labels,
    question_results,
)
from .results_exports import answer_sheets, answer_table

bp = Blueprint("questionnaire_results", __name__, url_prefix="/enkater")


def questionnaire_url(questionnaire_id: int) -> str | None:
    """The questionnaire's own page, when the questionnaires' pages are there to link to."""
    try:
        return url_for("questionnaires.detail", questionnaire_id=questionnaire_id)
    except BuildError:
        return None


@dataclass(frozen=True)
class MapChoice:
    """One entry of the map's select: a question (single choice, scale, number), or one
    option of a multiple choice or theme question (`option` its key)."""

    value: str
    label: str
    question: Question
    option: str | None = None
    option_label: str = ""


def map_choices(results: list[QuestionResult]) -> list[MapChoice]:
    """What the map can show, in the questions' order: each question answered with one value,
    and each option of a multiple choice question and each theme named."""
    choices = []
    for result in results:
        question = result.question
        if question.kind in MAP_KINDS:
            choices.append(MapChoice(str(question.id), question.text, question))
        elif question.kind in OPTION_MAP_KINDS:
            for option in result.options:
                label = f"{question.text} – {option.label}"
                choices.append(
                    MapChoice(
                        f"{question.id}:{option.key}", label, question, option.key, option.label
                    )
                )
    return choices


def _answers_map(questionnaire_id: int, results: list[QuestionResult]) -> dict[str, Any]:
    """The map's select, the chosen entry (?fraga=, else the first), the coloured SVG and its
    legend, for the template."""
    choices = map_choices(results)
    wanted = request.args.get("fraga", "")
    chosen = next((c for c in choices if c.value == wanted), choices[0] if choices else None)
    if chosen is None:
        return {"map_choices": [], "chosen": None, "legend": [], "swedish_map": ""}
    question = chosen.question
    labels = option_labels(question)
    if chosen.option is not None:
        labels = {chosen.option: _("Valde ”%(option)s”", option=chosen.option_label)}
    coloured = colour_answers(
        question.kind,
        labels,
        map_answers(questionnaire_id, question.id),
        no_answer_label=_("Inget svar"),
        href=lambda organisation_id: url_for(
            "organisations.detail", organisation_id=organisation_id
        ),
        number_label=format_number,
        option=chosen.option,
        not_chosen_label=_("Svarade utan det"),
    )
    swedish_map = render_map(
        coloured.areas,
        label=_("Karta över kommunerna färgade efter svaret på frågan: %(q)s", q=chosen.label),
    )
    return {
        "map_choices": choices,
        "chosen": chosen,
        "legend": coloured.legend,
        # The SVG comes from reports/map.py, which escapes every name it writes.
        "swedish_map": Markup(swedish_map),  # nosec B704
    }


@bp.get("/<int:questionnaire_id>/resultat")
def detail(questionnaire_id: int):
    questionnaire = db.get_or_404(Questionnaire, questionnaire_id)
    results = question_results(questionnaire.id)
    return render_template(
        "questionnaire_results/detail.html",
        questionnaire=questionnaire,
        questionnaire_url=questionnaire_url(questionnaire.id),
        overall=response_rate(questionnaire.id),
        per_county=response_rate_per_county(questionnaire.id),
        per_stage=response_rate_per_stage(questionnaire.id),
        figure=RESPONSE_RATE,
        results=results,
        bar=lambda share: Markup(bar(share)),  # nosec B704: numbers only
        format_number=format_number,
        **_answers_map(questionnaire.id, results),
    )


@bp.get("/<int:questionnaire_id>/resultat.<any(xlsx, csv):fmt>")
def export(questionnaire_id: int, fmt: str):
    questionnaire = db.get_or_404(Questionnaire, questionnaire_id)
    stem = _("enkatsvar-%(id)s", id=questionnaire.id)
    count = export_begun(stem, title=_("Enkätsvar: %(title)s", title=questionnaire.title), fmt=fmt)
    filename = export_filename(stem, local_today(), fmt)
    if fmt == "csv":
        table = answer_table(questionnaire.id)
        data = csv_bytes(table.header, table.rows)
        count.finish(rows=len(table.rows))
        return attachment(data, filename=filename, mimetype=CSV)
    data = exporters.xlsx(count.sheets(answer_sheets(questionnaire.id, questionnaire.title)))
    count.finish()
    return attachment(data, filename=filename, mimetype=XLSX)


# --- Sections on other pages -------------------------------------------------------------


@provides("questionnaire", order=40)
def questionnaire_results_section(questionnaire: Questionnaire) -> Section | None:
    """The response rate so far and a link to the results, once the questionnaire is sent."""
    if questionnaire.status is QuestionnaireStatus.DRAFT:
        return None
    return Section(
        "questionnaire_results/_questionnaire_section.html",
        {
            "questionnaire": questionnaire,
            "overall": response_rate(questionnaire.id),
            "figure": RESPONSE_RATE,
        },
    )


@provides("organisation", order=45)
def organisation_answers_section(organisation: Organisation) -> Section | None:
    """The organisation's submitted responses, newest first, each answered question with the
    answer in the respondent's words; nothing when it has none. One statement: the responses
    with their answers, questions and, for a theme question, the theme's name (a theme's id
    is compared as text, as answers store it)."""
    rows = db.session.execute(
        select(
            QuestionnaireResponse.id,
            QuestionnaireResponse.submitted_at,
            Questionnaire.id,
            Questionnaire.title,
            Answer,
            Question,
            Theme.name,
        )
        .join(Questionnaire, Questionnaire.id == QuestionnaireResponse.questionnaire_id)
        .outerjoin(Answer, Answer.response_id == QuestionnaireResponse.id)
        .outerjoin(Question, Question.id == Answer.question_id)
        .outerjoin(QuestionnaireSection, QuestionnaireSection.id == Question.section_id)
        .outerjoin(
            Theme,
            and_(Question.kind == QuestionKind.THEMES, cast(Theme.id, String) == Answer.choice),
        )
        .where(
            QuestionnaireResponse.organisation_id == organisation.id,
            QuestionnaireResponse.status == ResponseStatus.SUBMITTED,
        )
        .order_by(
            QuestionnaireResponse.submitted_at.desc(),
            QuestionnaireResponse.id.desc(),
            QuestionnaireSection.position,
            Question.position,
            Question.id,
            Answer.id,
        )
    ).all()
    if not rows:
        return None
    responses: dict[int, tuple] = {}  # in the rows' order: newest first
    answered: dict[int, dict[Question, list[Answer]]] = {}
    themes: dict[str, str] = {}
    for response_id, submitted_at, questionnaire_id, title, answer, question, theme_name in rows:
        responses.setdefault(response_id, (submitted_at, questionnaire_id, title))
        if answer is None or question is None:
            continue
        answered.setdefault(response_id, {}).setdefault(question, []).append(answer)
        if theme_name is not None and answer.choice is not None:
            themes[answer.choice] = theme_name
    shown = [
        {
            "title": title,
            "submitted_at": submitted_at,
            "url": url_for("questionnaire_results.detail", questionnaire_id=questionnaire_id),
            "answers": [
                (question.text, answers_in_words(question, answers, themes))
                for question, answers in answered.get(response_id, {}).items()
            ],
        }
        for response_id, (submitted_at, questionnaire_id, title) in responses.items()
    ]
    return Section("questionnaire_results/_organisation_section.html", {"responses": shown})
