"""A questionnaire's answers rolled up per question, from submitted responses only (a draft
is not an answer).

- Single choice: respondents per option; the share is of those who answered the question.
- Multiple choice: respondents per option, as a share of those who answered the question
  (the shares can add up to more than 100 %).
- Scale: respondents per step 1–5 and the mean step.
- Number: how many answered, the sum, the mean and the median.
- Short and long text: the answers listed by organisation, in Swedish name order.
- Themes: respondents per theme, most named first.

Every question's counts come from one statement (GROUP BY question_id, choice), the numbers
from one (window functions give the median), the texts from one and the theme names from
one: the cost follows the questionnaire's answers, never how many questions it has.
`answers_in_words` writes one response's answers as the respondent chose them (option
labels, theme names), for the organisation page and the exports.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import aliased

from app.extensions import db
from app.organisations.models import Organisation, display_name
from app.themes.models import Theme

from .models import (
    Answer,
    Question,
    QuestionKind,
    QuestionnaireRecipient,
    QuestionnaireResponse,
    QuestionnaireSection,
    ResponseStatus,
)
from .result_charts import MapAnswer

#: The steps of a scale question.
SCALE_STEPS = tuple(str(step) for step in range(1, 6))
#: Kinds whose answers are counted per choice (option key, scale step or theme id).
CHOICE_KINDS = (QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.SCALE, QuestionKind.THEMES)


@dataclass(frozen=True)
class OptionCount:
    """One option (or scale step, or theme) and the respondents who chose it."""

    key: str
    label: str
    count: int
    answered: int  # respondents who answered the question: the share's denominator

    @property
    def share(self) -> float:
        return self.count / self.answered if self.answered else 0.0

    @property
    def percent(self) -> int:
        return int(self.share * 100 + 0.5)


@dataclass(frozen=True)
class NumberSummary:
    count: int
    sum: float
    mean: float | None
    median: float | None


@dataclass(frozen=True)
class TextAnswer:
    organisation_id: int
    organisation: str
    text: str


@dataclass
class QuestionResult:
    """One question's answers rolled up."""

    question: Question
    answered: int = 0
    options: list[OptionCount] = field(default_factory=list)
    mean: float | None = None  # scale questions
    numbers: NumberSummary | None = None  # number questions
    texts: list[TextAnswer] = field(default_factory=list)  # text questions


def questions(questionnaire_id: int) -> list[Question]:
    """The questionnaire's questions in the order the respondent sees them. One statement."""
    return questions_by_questionnaire({questionnaire_id}).get(questionnaire_id, [])


def questions_by_questionnaire(ids: Iterable[int]) -> dict[int, list[Question]]:
    """The questions of several questionnaires, each in the order the respondent sees them.
    One statement (none for no ids)."""
    wanted = sorted(set(ids))
    found: dict[int, list[Question]] = {}
    if not wanted:
        return found
    for question in db.session.scalars(
        select(Question)
        .join(QuestionnaireSection, QuestionnaireSection.id == Question.section_id)
        .where(Question.questionnaire_id.in_(wanted))
        .order_by(QuestionnaireSection.position, Question.position, Question.id)
    ):
        found.setdefault(question.questionnaire_id, []).append(question)
    return found


def _submitted(questionnaire_id: int) -> Any:
    """The join condition of an answer to a submitted response of the questionnaire."""
    return and_(
        QuestionnaireResponse.id == Answer.response_id,
        QuestionnaireResponse.questionnaire_id == questionnaire_id,
        QuestionnaireResponse.status == ResponseStatus.SUBMITTED,
    )


def option_labels(question: Question) -> dict[str, str]:
    """A choice question's option keys and their Swedish labels; a scale's steps with the
    end labels ("1 – Inte alls")."""
    if question.kind is QuestionKind.SCALE:
        labels = dict(zip(SCALE_STEPS, SCALE_STEPS, strict=True))
        if question.scale_low:
            labels["1"] = f"1 – {question.scale_low}"
        if question.scale_high:
            labels["5"] = f"5 – {question.scale_high}"
        return labels
    return {str(o.get("key")): str(o.get("sv") or o.get("key")) for o in question.options or []}


def theme_names(ids: Iterable[str]) -> dict[str, str]:
    """Theme names by id (as the answers store them: text). One statement, none if empty."""
    wanted = sorted({int(i) for i in ids if str(i).isdigit()})
    if not wanted:
        return {}
    rows = db.session.execute(select(Theme.id, Theme.name).where(Theme.id.in_(wanted)))
    return {str(theme_id): name for theme_id, name in rows}


def question_results(questionnaire_id: int) -> list[QuestionResult]:
    """Every question of the questionnaire with its answers rolled up (see the module's
    docstring). Five statements at most, whatever the number of questions and answers."""
    asked = questions(questionnaire_id)
    results = {q.id: QuestionResult(q) for q in asked}
    if not asked:
        return []
    answered = db.session.execute(
        select(Answer.question_id, func.count(func.distinct(Answer.response_id)))
        .join(QuestionnaireResponse, _submitted(questionnaire_id))
        .group_by(Answer.question_id)
    )
    for question_id, count in answered:
        if question_id in results:
            results[question_id].answered = int(count)
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    rows = db.session.execute(
        select(Answer.question_id, Answer.choice, func.count(func.distinct(Answer.response_id)))
        .join(QuestionnaireResponse, _submitted(questionnaire_id))
        .where(Answer.choice.is_not(None))
        .group_by(Answer.question_id, Answer.choice)
    )
    for question_id, choice, count in rows:
        counts[question_id][str(choice)] = int(count)
    themes = theme_names(
        choice for q in asked if q.kind is QuestionKind.THEMES for choice in counts.get(q.id, {})
    )
    for question in asked:
        result = results[question.id]
        if question.kind in CHOICE_KINDS:
            _count_choices(result, counts.get(question.id, {}), themes)
    if any(q.kind is QuestionKind.NUMBER for q in asked):
        for question_id, summary in _number_summaries(questionnaire_id).items():
            if question_id in results:
                results[question_id].numbers = summary
    if any(q.kind.is_text for q in asked):
        for question_id, texts in _texts(questionnaire_id).items():
            if question_id in results:
                results[question_id].texts = texts
    return [results[q.id] for q in asked]


def _count_choices(result: QuestionResult, counts: dict[str, int], themes: dict[str, str]) -> None:
    question = result.question
    if question.kind is QuestionKind.THEMES:
        named = [(key, themes.get(key, key), n) for key, n in counts.items()]
        named.sort(key=lambda item: (-item[2], item[1].casefold()))
        result.options = [OptionCount(k, label, n, result.answered) for k, label, n in named]
        return
    labels = option_labels(question)
    result.options = [
        OptionCount(key, label, counts.get(key, 0), result.answered)
        for key, label in labels.items()
    ]
    if question.kind is QuestionKind.SCALE:
        steps = sum(counts.get(key, 0) for key in SCALE_STEPS)
        total = sum(int(key) * counts.get(key, 0) for key in SCALE_STEPS)
        result.mean = total / steps if steps else None


def _number_summaries(questionnaire_id: int) -> dict[int, NumberSummary]:
    """Count, sum, mean and median of each number question. One statement: the median is
    the mean of the middle one or two values, found by their rank."""
    ranked = (
        select(
            Answer.question_id.label("question_id"),
            Answer.number.label("number"),
            func.row_number()
            .over(partition_by=Answer.question_id, order_by=(Answer.number, Answer.id))
            .label("rank"),
            func.count().over(partition_by=Answer.question_id).label("n"),
            func.sum(Answer.number).over(partition_by=Answer.question_id).label("total"),
        )
        .join(QuestionnaireResponse, _submitted(questionnaire_id))
        .where(Answer.number.is_not(None))
        .subquery()
    )
    rows = db.session.execute(
        select(ranked.c.question_id, ranked.c.n, ranked.c.total, func.avg(ranked.c.number))
        .where(ranked.c.rank * 2 >= ranked.c.n, ranked.c.rank * 2 <= ranked.c.n + 2)
        .group_by(ranked.c.question_id, ranked.c.n, ranked.c.total)
    )
    return {
        question_id: NumberSummary(
            count=int(n),
            sum=float(total),
            mean=float(total) / int(n) if n else None,
            median=float(median) if median is not None else None,
        )
        for question_id, n, total, median in rows
    }


def _texts(questionnaire_id: int) -> dict[int, list[TextAnswer]]:
    """Every non-empty text answer by question, in the organisations' name order. One
    statement."""
    parent = aliased(Organisation)
    rows = db.session.execute(
        select(Answer.question_id, Organisation.id, Organisation.name, parent.name, Answer.text)
        .join(QuestionnaireResponse, _submitted(questionnaire_id))
        .join(Organisation, Organisation.id == QuestionnaireResponse.organisation_id)
        .outerjoin(parent, parent.id == Organisation.parent_id)
        .where(Answer.text != "")
        .order_by(Answer.question_id, Organisation.sort_name, Organisation.id, Answer.id)
    )
    texts: dict[int, list[TextAnswer]] = defaultdict(list)
    for question_id, organisation_id, name, parent_name, text in rows:
        texts[question_id].append(
            TextAnswer(organisation_id, display_name(name, parent_name), text)
        )
    return texts


def format_number(value: float | None) -> str:
    """A number as a Swedish page shows it: no decimals when whole, else one or two, with a
    decimal comma."""
    if value is None:
        return "–"
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", "\u202f")
    return f"{value:,.2f}".rstrip("0").replace(",", "\u202f").replace(".", ",")


def answers_in_words(question: Question, answers: Sequence[Answer], themes: dict[str, str]) -> str:
    """One response's answer to `question` as the respondent chose it: option labels (several
    joined with a comma), a scale's step ("5 – Mycket väl"), the number, the text, theme
    names."""
    if not answers:
        return ""
    kind = question.kind
    if kind is QuestionKind.NUMBER:
        return format_number(answers[0].number)
    if kind.is_text:
        return answers[0].text
    chosen = [str(a.choice) for a in answers if a.choice is not None]
    if kind is QuestionKind.SCALE:
        return option_labels(question).get(chosen[0], chosen[0]) if chosen else ""
    if kind is QuestionKind.THEMES:
        return ", ".join(themes.get(choice, choice) for choice in chosen)
    labels = option_labels(question)
    order = list(labels)
    chosen.sort(key=lambda key: order.index(key) if key in order else len(order))
    return ", ".join(labels.get(choice, choice) for choice in chosen)


def map_answers(questionnaire_id: int, question_id: int) -> list[MapAnswer]:
    """Every recipient of the questionnaire with its submitted answer to the question (no
    choices and no number when it has not submitted one, or left the question out), in name
    order. One statement."""
    response = aliased(QuestionnaireResponse)
    rows = db.session.execute(
        select(
            Organisation.id,
            Organisation.name,
            Organisation.municipality_code,
            Answer.choice,
            Answer.number,
        )
        .select_from(QuestionnaireRecipient)
        .join(Organisation, Organisation.id == QuestionnaireRecipient.organisation_id)
        .outerjoin(
            response,
            and_(
                response.questionnaire_id == QuestionnaireRecipient.questionnaire_id,
                response.organisation_id == QuestionnaireRecipient.organisation_id,
                response.status == ResponseStatus.SUBMITTED,
            ),
        )
        .outerjoin(
            Answer, and_(Answer.response_id == response.id, Answer.question_id == question_id)
        )
        .where(QuestionnaireRecipient.questionnaire_id == questionnaire_id)
        .order_by(Organisation.sort_name, Organisation.id, Answer.id)
    )
    answers: dict[int, MapAnswer] = {}
    for organisation_id, name, code, choice, number in rows:
        known = answers.get(organisation_id)
        chosen = (choice,) if choice is not None else ()
        if known is None:
            answers[organisation_id] = MapAnswer(organisation_id, name, code, chosen, number)
        else:  # a multiple choice or themes: one row per option chosen
            answers[organisation_id] = MapAnswer(
                organisation_id, name, code, known.choices + chosen, known.number
            )
    return list(answers.values())
