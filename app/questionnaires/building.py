"""Sections and questions of a draft questionnaire: adding, editing, moving and deleting
them. What the options of a choice question and conditions may be is in options.py; every
change is checked there before anything is changed, so a refused change leaves nothing
half-made in the session.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _

from app.audit.services import Action, diff, plain, record
from app.auth.models import User
from app.extensions import db
from app.themes.models import ThemeSide

from .models import Question, QuestionKind, Questionnaire, QuestionnaireSection
from .options import (
    Placed,
    check_conditions,
    condition_words,
    keys_ever_given,
    merge_options,
    placed,
)
from .services import InvalidQuestionnaire, ensure_draft, touch

SECTION_FIELDS = ("title", "title_en", "intro", "intro_en")
QUESTION_FIELDS = (
    "section_id",
    "kind",
    "text",
    "text_en",
    "help",
    "help_en",
    "required",
    "options",
    "scale_low",
    "scale_low_en",
    "scale_high",
    "scale_high_en",
    "theme_side",
)


@dataclass
class SectionValues:
    title: str = ""
    intro: str = ""
    title_en: str = ""
    intro_en: str = ""


@dataclass
class QuestionValues:
    """A question as typed. `options`/`options_en` are the labels in order (single and
    multiple choice); the condition is `show_if_id` answered with `show_if_value` (a key)."""

    kind: QuestionKind
    text: str
    help: str = ""
    required: bool = False
    options: list[str] = field(default_factory=list)
    options_en: list[str] = field(default_factory=list)
    scale_low: str = ""
    scale_high: str = ""
    scale_low_en: str = ""
    scale_high_en: str = ""
    theme_side: ThemeSide | None = None
    show_if_id: int | None = None
    show_if_value: str = ""
    text_en: str = ""
    help_en: str = ""
    #: Another section of the same questionnaire to move the question to (at its end).
    section_id: int | None = None


def _record_part(part: Any, action: Action, before: dict[str, Any], by: User, note: str) -> None:
    after = snapshot_of(part) if action is not Action.DELETE else {}
    changes = diff(before, after)
    if action is Action.CREATE:  # a new question is not "made optional": no Nej from nothing
        changes = {name: pair for name, pair in changes.items() if pair[1] is not False}
    if changes or action is not Action.UPDATE:
        record(entity=part, action=action, by=by, changes=changes, note=note)


def snapshot_of(part: QuestionnaireSection | Question) -> dict[str, Any]:
    """The recorded state of a section or a question; a question's condition is recorded
    in words ("Har kommunen …? – Ja"), as the history has no other way to name an option."""
    if isinstance(part, QuestionnaireSection):
        return {name: plain(getattr(part, name)) for name in SECTION_FIELDS}
    state = {name: plain(getattr(part, name)) for name in QUESTION_FIELDS}
    target = db.session.get(Question, part.show_if_id) if part.show_if_id else None
    state["show_if"] = condition_words(target, part.show_if_value) if target else ""
    return state


def _note(part: QuestionnaireSection | Question) -> str:
    if isinstance(part, QuestionnaireSection):
        return _("Avsnitt: %(title)s", title=part.title or _("(utan rubrik)"))
    return _("Fråga: %(text)s", text=part.text)


def ordered_questions(sections: Iterable[QuestionnaireSection]) -> list[Question]:
    """The questions in the order a respondent meets them."""
    return [q for s in sections for q in s.questions]


# Sections.


def _renumber(items: list[Any]) -> None:
    for position, item in enumerate(items, 1):
        item.position = position


def add_section(
    questionnaire: Questionnaire, *, values: SectionValues, by: User
) -> QuestionnaireSection:
    """A new section at the end of the questionnaire."""
    ensure_draft(questionnaire)
    section = QuestionnaireSection(questionnaire_id=questionnaire.id)
    _apply_section(section, values)
    questionnaire.sections.append(section)
    _renumber(questionnaire.sections)
    touch(questionnaire)
    db.session.flush()
    _record_part(section, Action.CREATE, {}, by, _note(section))
    return section


def _apply_section(section: QuestionnaireSection, values: SectionValues) -> None:
    section.title, section.title_en = values.title.strip()[:200], values.title_en.strip()[:200]
    section.intro, section.intro_en = values.intro.strip(), values.intro_en.strip()


def edit_section(section: QuestionnaireSection, *, values: SectionValues, by: User) -> None:
    """Save a section's title and introduction."""
    ensure_draft(section.questionnaire)
    before = snapshot_of(section)
    _apply_section(section, values)
    touch(section.questionnaire)
    db.session.flush()
    _record_part(section, Action.UPDATE, before, by, _note(section))


def delete_section(section: QuestionnaireSection, *, by: User) -> None:
    """Remove a section and its questions; conditions pointing at them are cleared."""
    questionnaire = section.questionnaire
    ensure_draft(questionnaire)
    removed = {q.id for q in section.questions}
    for question in ordered_questions(questionnaire.sections):
        if question.show_if_id in removed and question.section is not section:
            _clear_condition(question, by)
    record(
        entity=questionnaire,
        action=Action.UPDATE,
        by=by,
        note=_("Tog bort avsnittet ”%(title)s” och dess frågor", title=section.title or "–"),
    )
    questionnaire.sections.remove(section)
    db.session.delete(section)
    _renumber(questionnaire.sections)
    touch(questionnaire)
    db.session.flush()


def move_section(section: QuestionnaireSection, *, up: bool, by: User) -> None:
    """One step up or down; refused if a condition would then come before its question."""
    questionnaire = section.questionnaire
    ensure_draft(questionnaire)
    sections = list(questionnaire.sections)
    index = sections.index(section)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(sections):
        return
    sections[index], sections[other] = sections[other], sections[index]
    check_conditions(ordered_questions(sections))
    _renumber(sections)
    questionnaire.sections.sort(key=lambda s: s.position)
    touch(questionnaire)
    db.session.flush()
    record(entity=section, action=Action.UPDATE, by=by, note=_moved_note(section, up))


def _moved_note(part: QuestionnaireSection | Question, up: bool) -> str:
    return f"{_note(part)} · {_('flyttades upp') if up else _('flyttades ned')}"


def _clear_condition(question: Question, by: User) -> None:
    before = snapshot_of(question)
    question.show_if_id, question.show_if_value = None, ""
    _record_part(question, Action.UPDATE, before, by, _note(question))


# Questions.


def _checked_texts(values: QuestionValues) -> dict[str, Any]:
    """The question's own fields from what was typed, checked; nothing is changed yet."""
    text = values.text.strip()
    if not text:
        raise InvalidQuestionnaire(_("Skriv frågan."), "text")
    for name, limit in (("text", 500), ("text_en", 500), ("help", 1000), ("help_en", 1000)):
        if len(getattr(values, name).strip()) > limit:
            raise InvalidQuestionnaire(_("Högst %(max)d tecken.", max=limit), name)
    scale = values.kind is QuestionKind.SCALE
    for name in ("scale_low", "scale_high", "scale_low_en", "scale_high_en"):
        if scale and len(getattr(values, name).strip()) > 100:
            raise InvalidQuestionnaire(_("Högst %(max)d tecken.", max=100), name)
    if values.kind is QuestionKind.THEMES and values.theme_side is None:
        raise InvalidQuestionnaire(
            _("Välj om frågan gäller möjligheter eller utmaningar."), "theme_side"
        )
    return {
        "kind": values.kind,
        "text": text,
        "text_en": values.text_en.strip(),
        "help": values.help.strip(),
        "help_en": values.help_en.strip(),
        "required": bool(values.required),
        "scale_low": values.scale_low.strip() if scale else "",
        "scale_high": values.scale_high.strip() if scale else "",
        "scale_low_en": values.scale_low_en.strip() if scale else "",
        "scale_high_en": values.scale_high_en.strip() if scale else "",
        "theme_side": values.theme_side if values.kind is QuestionKind.THEMES else None,
    }


def _checked_options(question: Question | None, values: QuestionValues) -> list[dict[str, str]]:
    if not values.kind.has_options:
        return []
    existing = list(question.options or []) if question is not None else []
    options = merge_options(
        existing,
        values.options,
        values.options_en,
        used_keys=keys_ever_given(question) if question is not None else (),
    )
    if len(options) < 2:
        raise InvalidQuestionnaire(_("Skriv minst två svarsalternativ, ett per rad."), "options")
    return options


def _target_section(
    questionnaire: Questionnaire, section_id: int | None, current: QuestionnaireSection
) -> QuestionnaireSection:
    if section_id is None or section_id == current.id:
        return current
    for section in questionnaire.sections:
        if section.id == section_id:
            return section
    raise InvalidQuestionnaire(_("Avsnittet finns inte i enkäten."), "section")


def _proposed(
    questionnaire: Questionnaire,
    question: Question | None,
    section: QuestionnaireSection,
    item: Placed,
    dropped: set[int],
) -> list[Placed]:
    """The questions in order after the change: `item` (the question as it would be) at
    its place (at the end of `section` when new or moved there), and the conditions of the
    questions in `dropped` gone."""
    moved = question is None or question.section is not section
    order = []
    for current in questionnaire.sections:
        for other in current.questions:
            if other is question:
                if not moved:
                    order.append(item)
            elif other.id in dropped:
                order.append(placed(other, show_if_id=None, show_if_value=""))
            else:
                order.append(placed(other))
        if current is section and moved:
            order.append(item)
    return order


def _save_question(
    questionnaire: Questionnaire,
    question: Question | None,
    section: QuestionnaireSection,
    values: QuestionValues,
    by: User,
) -> Question:
    ensure_draft(questionnaire)
    fields = _checked_texts(values)
    options = _checked_options(question, values)
    keys = tuple(str(o["key"]) for o in options)
    show_if_id = values.show_if_id or None
    show_if_value = values.show_if_value if show_if_id else ""
    target = _target_section(questionnaire, values.section_id, section)
    dependents = [
        q
        for q in ordered_questions(questionnaire.sections)
        if question is not None and q.show_if_id == question.id and q.show_if_value not in keys
    ]
    item = Placed(
        question.id if question else None,
        fields["text"],
        values.kind,
        keys,
        show_if_id,
        show_if_value,
    )
    check_conditions(_proposed(questionnaire, question, target, item, {q.id for q in dependents}))
    # Checked: now change.
    before = snapshot_of(question) if question is not None else {}
    if question is None:
        question = Question(questionnaire_id=questionnaire.id)
        target.questions.append(question)
    elif question.section is not target:
        left = question.section
        left.questions.remove(question)
        _renumber(left.questions)
        target.questions.append(question)
    for name, value in fields.items():
        setattr(question, name, value)
    question.options = options
    question.show_if_id, question.show_if_value = show_if_id, show_if_value
    _renumber(target.questions)
    touch(questionnaire)
    db.session.flush()
    _record_part(question, Action.UPDATE if before else Action.CREATE, before, by, _note(question))
    for dependent in dependents:
        _clear_condition(dependent, by)
    db.session.flush()
    return question


def add_question(section: QuestionnaireSection, *, values: QuestionValues, by: User) -> Question:
    """A new question at the end of `section` (or of `values.section_id`)."""
    return _save_question(section.questionnaire, None, section, values, by)


def edit_question(question: Question, *, values: QuestionValues, by: User) -> None:
    """Save a question; conditions on options it no longer has are cleared."""
    _save_question(question.section.questionnaire, question, question.section, values, by)


def delete_question(question: Question, *, by: User) -> None:
    """Remove a question; the conditions that read it are cleared."""
    section = question.section
    questionnaire = section.questionnaire
    ensure_draft(questionnaire)
    for other in ordered_questions(questionnaire.sections):
        if other.show_if_id == question.id:
            _clear_condition(other, by)
    record(
        entity=questionnaire,
        action=Action.UPDATE,
        by=by,
        note=_("Tog bort frågan ”%(text)s”", text=question.text),
    )
    section.questions.remove(question)
    db.session.delete(question)
    _renumber(section.questions)
    touch(questionnaire)
    db.session.flush()


def move_question(question: Question, *, up: bool, by: User) -> None:
    """One step up or down; past the first or last question of its section it moves to the
    end of the previous section or the start of the next. Refused if a condition would then
    come before the question it reads."""
    section = question.section
    questionnaire = section.questionnaire
    ensure_draft(questionnaire)
    layout = [(s, list(s.questions)) for s in questionnaire.sections]
    at = [s for s, _questions in layout].index(section)
    questions = layout[at][1]
    index = questions.index(question)
    other = index - 1 if up else index + 1
    if 0 <= other < len(questions):
        questions[index], questions[other] = questions[other], questions[index]
    else:
        neighbour = at - 1 if up else at + 1
        if not 0 <= neighbour < len(layout):
            return
        questions.remove(question)
        if up:
            layout[neighbour][1].append(question)
        else:
            layout[neighbour][1].insert(0, question)
    check_conditions(q for _s, qs in layout for q in qs)
    for current, wanted in layout:
        if list(current.questions) != wanted:
            current.questions[:] = wanted
        _renumber(wanted)
    touch(questionnaire)
    db.session.flush()
    record(entity=question, action=Action.UPDATE, by=by, note=_moved_note(question, up))
