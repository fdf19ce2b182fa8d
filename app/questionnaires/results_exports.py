"""A questionnaire's submitted answers as a table: one row per organisation that submitted,
one column per question, in the respondent's words (option labels, several joined with a
comma; theme names; a scale's step and a number as numbers), with the organisation's
county and the moment it submitted in Europe/Stockholm.

`answer_table` reads it in four statements (questions, responses, answers, theme names);
`answer_sheets` adds the response rates and the definition for XLSX; the spreadsheets
themselves are written by app/common/spreadsheets.py like every other export.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import aliased

from app.common.spreadsheets import Sheet, Value, code
from app.extensions import db
from app.organisations.models import County, Organisation, display_name
from app.reports.exporters import definitions_sheet, local

from .figures import (
    RESPONSE_RATE,
    Rate,
    response_rate,
    response_rate_per_county,
    response_rate_per_stage,
)
from .models import Answer, Question, QuestionKind, QuestionnaireResponse, ResponseStatus
from .results import answers_in_words, questions, theme_names


@dataclass(frozen=True)
class AnswerTable:
    header: list[str]
    rows: list[list[Value]]


def question_heading(position: int, question: Question) -> str:
    """A question's column heading: its number and text ("3. Vilka förvaltningar …")."""
    return f"{position}. {question.text}"


def _value(question: Question, answers: list[Answer], themes: dict[str, str]) -> Value:
    """A cell: numbers stay numbers (a scale's step, a number), the rest in words."""
    if not answers:
        return None
    if question.kind is QuestionKind.NUMBER:
        return answers[0].number
    if question.kind is QuestionKind.SCALE and (answers[0].choice or "").isdigit():
        return int(answers[0].choice or 0)
    return answers_in_words(question, answers, themes)


def answer_table(questionnaire_id: int) -> AnswerTable:
    """Every submitted response in the organisations' name order. Four statements."""
    asked = questions(questionnaire_id)
    parent = aliased(Organisation)
    responses = db.session.execute(
        select(
            QuestionnaireResponse.id,
            Organisation.name,
            parent.name,
            Organisation.municipality_code,
            County.name,
            QuestionnaireResponse.submitted_at,
        )
        .join(Organisation, Organisation.id == QuestionnaireResponse.organisation_id)
        .outerjoin(parent, parent.id == Organisation.parent_id)
        .outerjoin(County, County.code == Organisation.county_code)
        .where(
            QuestionnaireResponse.questionnaire_id == questionnaire_id,
            QuestionnaireResponse.status == ResponseStatus.SUBMITTED,
        )
        .order_by(Organisation.sort_name, Organisation.id)
    ).all()
    answers: dict[tuple[int, int], list[Answer]] = defaultdict(list)
    if responses and asked:
        for answer in db.session.scalars(
            select(Answer)
            .join(QuestionnaireResponse, QuestionnaireResponse.id == Answer.response_id)
            .where(
                QuestionnaireResponse.questionnaire_id == questionnaire_id,
                QuestionnaireResponse.status == ResponseStatus.SUBMITTED,
            )
            .order_by(Answer.id)
        ):
            answers[(answer.response_id, answer.question_id)].append(answer)
    themes = theme_names(
        a.choice
        for (_response, question_id), rows in answers.items()
        for a in rows
        if a.choice is not None
    )
    header = [_("Organisation"), _("Kommunkod"), _("Län"), _("Inskickad")]
    header += [question_heading(n, q) for n, q in enumerate(asked, 1)]
    rows: list[list[Value]] = [
        [
            display_name(name, parent_name),
            code(municipality_code),
            county,
            local(submitted_at),
            *(_value(q, answers.get((response_id, q.id), []), themes) for q in asked),
        ]
        for response_id, name, parent_name, municipality_code, county, submitted_at in responses
    ]
    return AnswerTable(header=header, rows=rows)


def answer_sheets(questionnaire_id: int, title: str) -> list[Sheet]:
    """The answers, the response rates (overall, per county, per stage) and the figure's
    definition, as the results page shows them."""
    table = answer_table(questionnaire_id)
    rate_header = [_("Grupp"), _("Mottagare"), _("Svarat"), _("Svarsfrekvens (%)")]
    overall = response_rate(questionnaire_id)
    rates: list[list[Value]] = [[_("Alla mottagare"), *_rate(overall)]]
    for county in response_rate_per_county(questionnaire_id):
        rates.append([_("Län: %(name)s", name=county.label), *_rate(county)])
    for stage in response_rate_per_stage(questionnaire_id):
        rates.append([_("Steg: %(name)s", name=stage.label), *_rate(stage)])
    return [
        Sheet(title=_("Svar"), header=table.header, rows=table.rows),
        Sheet(title=_("Svarsfrekvens"), header=rate_header, rows=rates),
        Sheet(title=_("Enkät"), header=[_("Enkät")], rows=[[title]]),
        definitions_sheet([RESPONSE_RATE]),
    ]


def _rate(rate: Rate) -> list[Value]:
    return [rate.recipients, rate.answered, rate.percent]
