"""Checking what a respondent posted, by the question's kind: the limits, the messages,
cleaning text and numbers, and which questions are visible (a question with a condition is
visible when the earlier, visible question's answer has that option key). Pure functions on
the questions and the posted strings; app/questionnaires/answering.py stores the result."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

from flask_babel import lazy_gettext as _l

from app.themes.models import Theme

from .models import Question, QuestionKind

SHORT_TEXT_LIMIT = 500
LONG_TEXT_LIMIT = 10_000
#: The largest number accepted (either sign): beyond any count a municipality reports.
NUMBER_LIMIT = 1_000_000_000
NAME_LIMIT = 200
EMAIL_LIMIT = 254
SCALE_STEPS = ("1", "2", "3", "4", "5")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

MESSAGES = {
    "choice": _l("Välj ett av alternativen."),
    "choices": _l("Välj bland alternativen."),
    "scale": _l("Välj ett steg mellan 1 och 5."),
    "number": _l("Skriv ett tal, till exempel 12 eller 3,5."),
    "number_range": _l("Talet är för stort."),
    "short_text": _l("Svaret får vara högst 500 tecken långt."),
    "long_text": _l("Svaret får vara högst 10 000 tecken långt."),
    "required": _l("Frågan måste besvaras innan du skickar in."),
    "name": _l("Namnet får vara högst 200 tecken långt."),
    "email": _l("Skriv en e-postadress som namn@kommun.se, eller lämna fältet tomt."),
}


def field_name(question: Question) -> str:
    return f"q{question.id}"


def clean_text(value: str) -> str:
    """Text as stored: no NUL characters (PostgreSQL refuses them), no surrounding space,
    Windows line ends made plain."""
    return value.replace("\x00", "").replace("\r\n", "\n").strip()


def parse_number(value: str) -> float:
    """A number as typed: decimal comma or point, spaces (also non-breaking) as thousands
    separators, a leading minus (also the Unicode one). Raises ValueError."""
    text = re.sub(r"[\s\u00a0\u202f]", "", value).replace("\u2212", "-").replace(",", ".")
    if not re.fullmatch(r"-?\d+(\.\d+)?", text):
        raise ValueError(value)
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(value)
    return number


def check_question(
    question: Question, raw: Sequence[str], theme_ids: set[str]
) -> tuple[list[str] | float | str | None, Any]:
    """The cleaned value of one question (a list of keys, a number, a text, or None when
    unanswered) and the error message, if any."""
    values = [v for v in (clean_text(v) for v in raw) if v]
    kind = question.kind
    if kind.is_text:
        limit = SHORT_TEXT_LIMIT if kind is QuestionKind.SHORT_TEXT else LONG_TEXT_LIMIT
        text = values[0] if values else ""
        if len(text) > limit:
            return None, MESSAGES["short_text" if kind is QuestionKind.SHORT_TEXT else "long_text"]
        return text or None, None
    if kind is QuestionKind.NUMBER:
        if not values:
            return None, None
        try:
            number = parse_number(values[0])
        except ValueError:
            return None, MESSAGES["number"]
        if abs(number) > NUMBER_LIMIT:
            return None, MESSAGES["number_range"]
        return number, None
    if kind is QuestionKind.SCALE:
        allowed: Sequence[str] = SCALE_STEPS
    elif kind is QuestionKind.THEMES:
        allowed = sorted(theme_ids, key=int)
    else:
        allowed = [str(option.get("key")) for option in question.options or []]
    single = kind in (QuestionKind.SINGLE, QuestionKind.SCALE)
    message = MESSAGES["scale" if kind is QuestionKind.SCALE else "choice" if single else "choices"]
    if any(v not in allowed for v in values) or (single and len(set(values)) > 1):
        return None, message
    chosen = [key for key in allowed if key in set(values)]  # the options' order, no repeats
    return chosen or None, None


def is_visible(question: Question, answers: Mapping[int, Any], visible: set[int]) -> bool:
    """A question without a condition is visible; one with a condition when the earlier
    question is visible and its answer includes the option key."""
    if question.show_if_id is None:
        return True
    earlier = answers.get(question.show_if_id)
    return (
        question.show_if_id in visible
        and isinstance(earlier, list)
        and question.show_if_value in earlier
    )


def check_values(
    questions: Sequence[Question],
    posted: Mapping[str, Sequence[str]],
    themes: Sequence[Theme],
    *,
    submitting: bool,
) -> tuple[dict[int, Any], dict[str, Any]]:
    """The cleaned answers of the visible questions (hidden ones dropped) and the errors by
    field name. Required questions are enforced only when `submitting`."""
    theme_ids = {str(theme.id) for theme in themes}
    answers: dict[int, Any] = {}
    errors: dict[str, Any] = {}
    visible: set[int] = set()
    for question in questions:
        if not is_visible(question, answers, visible):
            continue
        visible.add(question.id)
        value, error = check_question(question, posted.get(field_name(question), []), theme_ids)
        if error is not None:
            errors[field_name(question)] = error
        elif value is not None:
            answers[question.id] = value
        elif submitting and question.required:
            errors[field_name(question)] = MESSAGES["required"]
    return answers, errors


def check_respondent(name: str, email: str) -> tuple[str, str, dict[str, Any]]:
    """The optional name and e-mail, cleaned, and their errors."""
    name, email = clean_text(name), clean_text(email)
    errors: dict[str, Any] = {}
    if len(name) > NAME_LIMIT:
        errors["respondent_name"] = MESSAGES["name"]
    if email and (len(email) > EMAIL_LIMIT or not EMAIL.match(email)):
        errors["respondent_email"] = MESSAGES["email"]
    return name, email, errors
