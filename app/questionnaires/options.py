"""The options of a choice question and the conditions that read them.

Options. Answers store an option's key, never its label, so a label can be corrected and the
options reordered without changing what an answer means. The options are typed one per
line; `merge_options` keeps keys by this rule:

1. a line whose text is an existing option's label (ignoring case and surrounding spaces)
   keeps that option's key, wherever it moved;
2. a remaining line at the same position as a remaining existing option takes that
   option's key (the label was corrected in place);
3. any other line is a new option with a new key, one above the highest the question has
   ever had (o1, o2, …): a key is never given twice, even after its option was removed.

Conditions. A question may be shown only when an earlier single or multiple choice question
was answered with a given option. Moves that would put a question before the question its
condition reads are refused; removing a question or an option clears the conditions that
point at it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.extensions import db

from .models import Question, QuestionKind
from .services import InvalidQuestionnaire

MAX_OPTIONS = 50
MAX_OPTION_LENGTH = 200
KEY = re.compile(r"^o(\d+)$")


# Options.


def keys_ever_given(question: Question) -> set[str]:
    """Every option key the question has had: today's and those in its recorded history."""
    keys = {str(option.get("key")) for option in question.options or []}
    if question.id is None:
        return keys
    for changes in db.session.scalars(
        select(AuditEvent.changes).where(
            AuditEvent.entity_type == Question.__tablename__, AuditEvent.entity_id == question.id
        )
    ):
        for value in (changes or {}).get("options") or []:
            for option in value or []:
                if isinstance(option, dict) and "key" in option:
                    keys.add(str(option["key"]))
    return keys


def merge_options(
    existing: list[dict[str, Any]],
    labels: list[str],
    labels_en: list[str],
    *,
    used_keys: Iterable[str] = (),
) -> list[dict[str, str]]:
    """The options for the typed `labels` (and English `labels_en`, by position), keeping
    keys by the rule in this module's docstring."""
    labels = [label.strip() for label in labels if label.strip()]
    labels_en = [label.strip() for label in labels_en]
    while labels_en and not labels_en[-1]:
        labels_en.pop()
    if len(labels) > MAX_OPTIONS:
        raise InvalidQuestionnaire(_("Högst %(num)d svarsalternativ.", num=MAX_OPTIONS), "options")
    if any(len(label) > MAX_OPTION_LENGTH for label in labels + labels_en):
        raise InvalidQuestionnaire(
            _("Ett svarsalternativ får vara högst %(num)d tecken.", num=MAX_OPTION_LENGTH),
            "options",
        )
    if len({label.casefold() for label in labels}) != len(labels):
        raise InvalidQuestionnaire(_("Två svarsalternativ har samma text."), "options")
    if len(labels_en) > len(labels):
        raise InvalidQuestionnaire(_("Fler engelska än svenska svarsalternativ."), "options_en")
    keys: list[str | None] = [None] * len(labels)
    unmatched = list(range(len(existing)))
    by_label = {str(o.get("sv", "")).strip().casefold(): i for i, o in enumerate(existing)}
    for line, label in enumerate(labels):
        found = by_label.get(label.casefold())
        if found is not None and found in unmatched:
            keys[line] = str(existing[found]["key"])
            unmatched.remove(found)
    for line in range(len(labels)):
        if keys[line] is None and line in unmatched:
            keys[line] = str(existing[line]["key"])
            unmatched.remove(line)
    numbers = [int(m.group(1)) for k in used_keys if (m := KEY.match(str(k)))]
    numbers += [int(m.group(1)) for o in existing if (m := KEY.match(str(o.get("key"))))]
    next_number = max(numbers, default=0) + 1
    options = []
    for line, label in enumerate(labels):
        key = keys[line]
        if key is None:
            key, next_number = f"o{next_number}", next_number + 1
        english = labels_en[line] if line < len(labels_en) else ""
        options.append({"key": key, "sv": label, "en": english})
    return options


# Conditions.


@dataclass(frozen=True)
class Placed:
    """A question as the order check sees it (so a change is checked before it is made)."""

    id: int | None
    text: str
    kind: QuestionKind
    keys: tuple[str, ...]
    show_if_id: int | None
    show_if_value: str


def placed(question: Question, **changes: Any) -> Placed:
    """The question as the order check sees it, with `changes` as it would be."""
    item = Placed(
        question.id,
        question.text,
        question.kind,
        tuple(option_keys(question)),
        question.show_if_id,
        question.show_if_value,
    )
    return replace(item, **changes) if changes else item


def check_conditions(order: Iterable[Placed | Question]) -> None:
    """Every condition reads an earlier choice question and one of its options; raises
    InvalidQuestionnaire (on the condition field) if not."""
    seen: dict[int, Placed] = {}
    for item in order:
        question = item if isinstance(item, Placed) else placed(item)
        if question.show_if_id is not None:
            target = seen.get(question.show_if_id)
            if target is None:
                raise InvalidQuestionnaire(
                    _(
                        "Frågan ”%(text)s” visas efter ett svar på en fråga som måste "
                        "komma före den.",
                        text=question.text,
                    ),
                    "show_if",
                )
            if not target.kind.has_options or question.show_if_value not in target.keys:
                raise InvalidQuestionnaire(
                    _("Villkoret måste vara ett svarsalternativ i en flervalsfråga."), "show_if"
                )
        if question.id is not None:
            seen[question.id] = question


def option_keys(question: Question) -> list[str]:
    """The keys of the question's options, in order."""
    return [str(option.get("key")) for option in question.options or []]


def option_label(question: Question, key: str) -> str:
    """The Swedish label of one of the question's options (the key if it has none)."""
    for option in question.options or []:
        if str(option.get("key")) == key:
            return str(option.get("sv") or key)
    return key


def condition_words(target: Question, key: str) -> str:
    """A condition as the team reads it: "Har kommunen en kontaktperson? – Ja"."""
    return f"{target.text} – {option_label(target, key)}"


def conditions_in_words(order: list[Question]) -> dict[int, str]:
    """For each question with a condition, the condition in words, from the questions
    already loaded (no statement)."""
    by_id = {q.id: q for q in order}
    return {
        q.id: condition_words(by_id[q.show_if_id], q.show_if_value)
        for q in order
        if q.show_if_id in by_id
    }
