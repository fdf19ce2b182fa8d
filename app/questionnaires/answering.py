"""The respondent's side of a questionnaire: the form's state, checking what was posted,
saving a draft and submitting.

A response belongs to the organisation, not to a link: every link given to the organisation
(the first message, each reminder, one forwarded to a colleague) opens the same response,
which is created on the first save. Values are checked by the question's kind on every save;
required questions only on submit, and only when visible (a question with a condition is
visible when the earlier question's answer has that option key; answers to hidden questions
are dropped, whatever the browser sent). Two colleagues on one draft are kept apart by the
response's `version`: the later save is refused with ResponseConflict, never overwritten in
silence. A submitted response is fixed: a second submit or a replayed post changes nothing.

Posted values come in as a plain mapping of field name to list of strings (the view passes
`request.form.to_dict(flat=False)`): a question's field is `q<id>`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from app.common.time import utcnow
from app.extensions import db
from app.themes.models import Theme

from . import hooks
from .answer_checks import (  # noqa: F401 (the names the views and tests use through here)
    EMAIL_LIMIT,
    LONG_TEXT_LIMIT,
    MESSAGES,
    NAME_LIMIT,
    NUMBER_LIMIT,
    SCALE_STEPS,
    SHORT_TEXT_LIMIT,
    check_question,
    check_respondent,
    check_values,
    clean_text,
    field_name,
    is_visible,
    parse_number,
)
from .links import hash_token
from .models import (
    Answer,
    Question,
    QuestionKind,
    Questionnaire,
    QuestionnaireLink,
    QuestionnaireRecipient,
    QuestionnaireResponse,
    QuestionnaireSection,
    ResponseStatus,
)


class ValidationFailed(Exception):
    """Some values could not be accepted; `errors` maps a field name to its message."""

    def __init__(self, errors: dict[str, Any]) -> None:
        super().__init__("validation failed")
        self.errors = errors


class ResponseConflict(Exception):
    """Someone else saved the organisation's response after this form was opened."""


class AlreadySubmitted(Exception):
    """The organisation's response is submitted already; nothing was changed."""


@dataclass
class FormState:
    """What the form shows: the questionnaire's questions in order, the active themes a
    theme question offers, the organisation's response (None before the first save), the
    values per question (as strings, as in the form), the respondent's name and e-mail, the
    version the form was loaded at, and the errors of the last post."""

    questionnaire: Questionnaire
    questions: list[Question]
    themes: list[Theme]
    response: QuestionnaireResponse | None
    values: dict[int, list[str]] = field(default_factory=dict)
    name: str = ""
    email: str = ""
    version: int = 0
    errors: dict[str, Any] = field(default_factory=dict)

    @property
    def submitted(self) -> bool:
        return self.response is not None and self.response.status is ResponseStatus.SUBMITTED


def active_themes() -> list[Theme]:
    """The themes a theme question offers: those not retired, by name."""
    return list(
        db.session.scalars(
            select(Theme).where(Theme.retired_at.is_(None)).order_by(Theme.sort_name, Theme.id)
        )
    )


def load_questionnaire(questionnaire_id: int) -> Questionnaire | None:
    """The questionnaire with its sections and questions (three statements)."""
    return db.session.scalar(
        select(Questionnaire)
        .options(selectinload(Questionnaire.sections).selectinload(QuestionnaireSection.questions))
        .where(Questionnaire.id == questionnaire_id)
    )


def questions_in_order(questionnaire: Questionnaire) -> list[Question]:
    return [q for section in questionnaire.sections for q in section.questions]


def find_response(questionnaire_id: int, organisation_id: int) -> QuestionnaireResponse | None:
    return db.session.scalar(
        select(QuestionnaireResponse)
        .options(selectinload(QuestionnaireResponse.answers))
        .where(
            QuestionnaireResponse.questionnaire_id == questionnaire_id,
            QuestionnaireResponse.organisation_id == organisation_id,
        )
    )


def format_number(number: float) -> str:
    """A number as a Swede writes it: 12, 3,5."""
    if number == int(number) and abs(number) < 1e15:
        return str(int(number))
    return f"{number:g}".replace(".", ",")


def answer_values(response: QuestionnaireResponse | None) -> dict[int, list[str]]:
    """The stored answers as form values per question id."""
    values: dict[int, list[str]] = {}
    for answer in response.answers if response is not None else []:
        if answer.choice is not None:
            value = answer.choice
        elif answer.number is not None:
            value = format_number(answer.number)
        else:
            value = answer.text
        values.setdefault(answer.question_id, []).append(value)
    return values


def form_state(recipient: QuestionnaireRecipient) -> FormState:
    """The form for the recipient's organisation, filled with its response if there is one.
    A fixed number of statements whatever the number of questions and answers."""
    questionnaire = load_questionnaire(recipient.questionnaire_id)
    assert questionnaire is not None  # the recipient's foreign key holds it
    return blank_state(questionnaire, find_response(questionnaire.id, recipient.organisation_id))


def blank_state(
    questionnaire: Questionnaire, response: QuestionnaireResponse | None = None
) -> FormState:
    """The form for `questionnaire` (loaded with its questions), with `response`'s values."""
    return FormState(
        questionnaire=questionnaire,
        questions=questions_in_order(questionnaire),
        themes=active_themes(),
        response=response,
        values=answer_values(response),
        name=response.respondent_name if response else "",
        email=response.respondent_email if response else "",
        version=response.version if response else 0,
    )


def answer_rows(questions: Sequence[Question], answers: Mapping[int, Any]) -> list[Answer]:
    """One Answer row per value (see the models' docstring)."""
    rows: list[Answer] = []
    for question in questions:
        value = answers.get(question.id)
        if value is None:
            continue
        if isinstance(value, list):
            rows += [Answer(question_id=question.id, choice=key) for key in value]
        elif isinstance(value, float):
            rows.append(Answer(question_id=question.id, number=value))
        else:
            rows.append(Answer(question_id=question.id, text=value))
    return rows


def _store(
    recipient: QuestionnaireRecipient,
    *,
    posted: Mapping[str, Sequence[str]],
    name: str,
    email: str,
    version: int,
    language: str,
    submitting: bool,
) -> QuestionnaireResponse:
    """Check and store the posted values as the organisation's response (see save_draft)."""
    state = form_state(recipient)
    response = state.response
    if response is not None and response.status is ResponseStatus.SUBMITTED:
        raise AlreadySubmitted()
    if response is not None and response.version != version:
        raise ResponseConflict()
    if response is None and version != 0:
        raise ResponseConflict()  # the form was of a response that is gone
    answers, errors = check_values(state.questions, posted, state.themes, submitting=submitting)
    name, email, respondent_errors = check_respondent(name, email)
    errors.update(respondent_errors)
    if errors:
        raise ValidationFailed(errors)
    try:
        if response is None:
            with db.session.begin_nested():
                response = QuestionnaireResponse(
                    questionnaire_id=recipient.questionnaire_id,
                    organisation_id=recipient.organisation_id,
                    version=1,
                )
                db.session.add(response)
                db.session.flush()
        else:
            response.version = version + 1
        response.respondent_name = name
        response.respondent_email = email
        response.language = language if language in ("sv", "en") else "sv"
        response.updated_at = utcnow()
        response.answers = answer_rows(state.questions, answers)
        if submitting:
            response.status = ResponseStatus.SUBMITTED
            response.submitted_at = utcnow()
        db.session.flush()
    except (IntegrityError, StaleDataError) as error:
        # A colleague created or saved the response between our read and our write.
        raise ResponseConflict() from error
    return response


def save_draft(
    recipient: QuestionnaireRecipient,
    *,
    posted: Mapping[str, Sequence[str]],
    name: str = "",
    email: str = "",
    version: int,
    language: str = "sv",
) -> QuestionnaireResponse:
    """Save the posted values as the organisation's draft (creating it on the first save).
    `version` is the response's version when the form was loaded (0 if there was none).
    Raises ValidationFailed, ResponseConflict or AlreadySubmitted; adds and flushes."""
    return _store(
        recipient,
        posted=posted,
        name=name,
        email=email,
        version=version,
        language=language,
        submitting=False,
    )


def submit(
    recipient: QuestionnaireRecipient,
    *,
    posted: Mapping[str, Sequence[str]],
    name: str = "",
    email: str = "",
    version: int,
    language: str = "sv",
) -> QuestionnaireResponse:
    """Save and submit: required visible questions must be answered. The response becomes
    SUBMITTED with its time, and `hooks.submitted` lets other domains react in the same
    transaction. Raises as save_draft does (AlreadySubmitted for a second submit)."""
    response = _store(
        recipient,
        posted=posted,
        name=name,
        email=email,
        version=version,
        language=language,
        submitting=True,
    )
    hooks.submitted(response)
    return response


def record_link_use(token: str, *, session: Any = None) -> None:
    """Note when the link with this token was last used (one UPDATE; nothing for an
    unknown token)."""
    (session or db.session).execute(
        update(QuestionnaireLink)
        .where(QuestionnaireLink.token_hash == hash_token(token))
        .values(last_used_at=utcnow())
    )


def in_language(record: Any, name: str, language: str) -> str:
    """The English text of `record.name` when English is chosen and it is filled in."""
    if language == "en":
        english = getattr(record, f"{name}_en", "") or ""
        if english.strip():
            return english
    return getattr(record, name) or ""


def choices(question: Question, themes: Sequence[Theme], language: str) -> list[tuple[str, str]]:
    """The (key, label) pairs a choice, scale or theme question offers."""
    if question.kind is QuestionKind.SCALE:
        return [(step, step) for step in SCALE_STEPS]
    if question.kind is QuestionKind.THEMES:
        return [(str(t.id), in_language(t, "name", language)) for t in themes]
    pairs = []
    for option in question.options or []:
        label = option.get("en") if language == "en" and option.get("en") else option.get("sv")
        pairs.append((str(option.get("key")), str(label or option.get("key"))))
    return pairs


def receipt_rows(state: FormState, language: str) -> list[tuple[Question, list[str]]]:
    """The submitted answers as (question, the answer's words) in the questionnaire's order.
    A theme retired since is still named (looked up in one statement)."""
    labels: dict[int, dict[str, str]] = {}
    wanted_themes = {
        value
        for question in state.questions
        if question.kind is QuestionKind.THEMES
        for value in state.values.get(question.id, [])
    }
    theme_names = {str(t.id): in_language(t, "name", language) for t in state.themes}
    missing = [int(v) for v in wanted_themes - set(theme_names) if v.isdigit()]
    if missing:
        for theme in db.session.scalars(select(Theme).where(Theme.id.in_(missing))):
            theme_names[str(theme.id)] = in_language(theme, "name", language)
    rows = []
    for question in state.questions:
        values = state.values.get(question.id)
        if not values:
            continue
        if question.kind is QuestionKind.THEMES:
            shown = [theme_names.get(v, v) for v in values]
        elif question.kind.has_options:
            labels[question.id] = dict(choices(question, state.themes, language))
            shown = [labels[question.id].get(v, v) for v in values]
        else:
            shown = values
        rows.append((question, shown))
    return rows
