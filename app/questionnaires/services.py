"""Building a questionnaire while it is a draft: its texts, copying one, closing a sent one,
loading it for its page, and its list. Sections and questions are built in building.py.

Every change is recorded in the audit log in the same transaction, and raises the
questionnaire's `version`, so that a change made while someone else sends it (which locks
it) fails with a conflict instead of slipping past the lock.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from app.audit.display import ShownEvent, shown_events
from app.audit.models import AuditEvent
from app.audit.services import Action, diff, plain, record
from app.auth.models import User
from app.common.exceptions import DomainError, EditConflict
from app.common.time import local_today, utcnow
from app.extensions import db

from .models import (
    Question,
    Questionnaire,
    QuestionnaireRecipient,
    QuestionnaireResponse,
    QuestionnaireSection,
    QuestionnaireStatus,
    ResponseStatus,
)

FIELDS = ("title", "title_en", "intro", "intro_en", "closing", "closing_en", "closes_on")
#: Questionnaires per page of the list.
PER_PAGE = 50


class QuestionnaireLocked(DomainError):
    """The questionnaire has been sent: what it asks can no longer change."""

    def __init__(self) -> None:
        super().__init__(_("Enkäten är skickad och kan inte ändras."))


class InvalidQuestionnaire(DomainError):
    """A value a questionnaire, a section or a question cannot have. `field` names the form
    field the message belongs to, when there is one."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass
class QuestionnaireValues:
    """The texts of a questionnaire as typed; the *_en ones are the optional English."""

    title: str
    closes_on: date | None = None
    intro: str = ""
    closing: str = ""
    title_en: str = ""
    intro_en: str = ""
    closing_en: str = ""


def ensure_draft(questionnaire: Questionnaire) -> None:
    """Raise QuestionnaireLocked unless the questionnaire is still a draft."""
    if questionnaire.locked:
        raise QuestionnaireLocked()


def touch(questionnaire: Questionnaire) -> None:
    """Mark the questionnaire changed: its version rises, so a concurrent send or edit
    conflicts (the UPDATE checks the version it read)."""
    questionnaire.version += 1
    questionnaire.updated_at = utcnow()


def snapshot(questionnaire: Questionnaire) -> dict[str, Any]:
    """The recorded state of a questionnaire's texts and status."""
    state = {name: plain(getattr(questionnaire, name)) for name in FIELDS}
    state["status"] = plain(questionnaire.status)
    return state


def _apply(questionnaire: Questionnaire, values: QuestionnaireValues) -> None:
    title = values.title.strip()
    if not title:
        raise InvalidQuestionnaire(_("Ange en rubrik."), "title")
    if values.closes_on is not None and values.closes_on < local_today():
        raise InvalidQuestionnaire(_("Sista svarsdagen har redan passerat."), "closes_on")
    questionnaire.title, questionnaire.title_en = title[:200], values.title_en.strip()[:200]
    questionnaire.intro, questionnaire.intro_en = values.intro.strip(), values.intro_en.strip()
    questionnaire.closing = values.closing.strip()
    questionnaire.closing_en = values.closing_en.strip()
    questionnaire.closes_on = values.closes_on


def create_questionnaire(*, values: QuestionnaireValues, by: User) -> Questionnaire:
    """A new draft questionnaire, with no sections yet."""
    questionnaire = Questionnaire(created_by_id=by.id, status=QuestionnaireStatus.DRAFT)
    _apply(questionnaire, values)
    db.session.add(questionnaire)
    db.session.flush()
    record(
        entity=questionnaire, action=Action.CREATE, by=by, changes=diff({}, snapshot(questionnaire))
    )
    return questionnaire


def update_questionnaire(
    questionnaire: Questionnaire, *, values: QuestionnaireValues, expected_version: int, by: User
) -> dict[str, list[Any]]:
    """Save the texts; EditConflict if someone saved in between. Returns the changes."""
    ensure_draft(questionnaire)
    if questionnaire.version != expected_version:
        raise EditConflict(current=questionnaire)
    before = snapshot(questionnaire)
    _apply(questionnaire, values)
    changes = diff(before, snapshot(questionnaire))
    if changes:
        touch(questionnaire)
        db.session.flush()
        record(entity=questionnaire, action=Action.UPDATE, by=by, changes=changes)
    return changes


def copy_questionnaire(source: Questionnaire, *, by: User) -> Questionnaire:
    """A new draft with the source's texts, sections and questions (any status may be
    copied: last year's sent questionnaire is the usual start). Conditions point at the
    copies of their questions; option keys stay as they were, so answers to the two can be
    compared. The close date is left for the user to set."""
    title = _("Kopia av %(title)s", title=source.title)
    copied = Questionnaire(
        title=title[:200],
        title_en=source.title_en,
        intro=source.intro,
        intro_en=source.intro_en,
        closing=source.closing,
        closing_en=source.closing_en,
        status=QuestionnaireStatus.DRAFT,
        copied_from_id=source.id,
        created_by_id=by.id,
    )
    db.session.add(copied)
    db.session.flush()
    new_of: dict[int, Question] = {}
    conditions: list[tuple[Question, int, str]] = []
    for section in source.sections:
        new_section = QuestionnaireSection(
            questionnaire_id=copied.id,
            position=section.position,
            title=section.title,
            title_en=section.title_en,
            intro=section.intro,
            intro_en=section.intro_en,
        )
        copied.sections.append(new_section)
        for question in section.questions:
            new_question = Question(
                questionnaire_id=copied.id,
                position=question.position,
                kind=question.kind,
                text=question.text,
                text_en=question.text_en,
                help=question.help,
                help_en=question.help_en,
                required=question.required,
                options=copy.deepcopy(question.options or []),
                scale_low=question.scale_low,
                scale_low_en=question.scale_low_en,
                scale_high=question.scale_high,
                scale_high_en=question.scale_high_en,
                theme_side=question.theme_side,
            )
            new_section.questions.append(new_question)
            new_of[question.id] = new_question
            if question.show_if_id is not None:
                conditions.append((new_question, question.show_if_id, question.show_if_value))
    db.session.flush()
    for new_question, old_target, value in conditions:
        target = new_of.get(old_target)
        if target is not None:
            new_question.show_if_id, new_question.show_if_value = target.id, value
    db.session.flush()
    record(
        entity=copied,
        action=Action.CREATE,
        by=by,
        changes=diff({}, snapshot(copied)),
        note=_("Kopia av %(title)s", title=source.title),
    )
    return copied


def close_questionnaire(questionnaire: Questionnaire, *, by: User) -> None:
    """Stop taking answers before the close date: a sent questionnaire becomes closed."""
    if questionnaire.status is not QuestionnaireStatus.SENT:
        raise InvalidQuestionnaire(_("Bara en skickad enkät kan stängas."))
    before = snapshot(questionnaire)
    questionnaire.status = QuestionnaireStatus.CLOSED
    questionnaire.closed_at = utcnow()
    touch(questionnaire)
    db.session.flush()
    record(
        entity=questionnaire,
        action=Action.UPDATE,
        by=by,
        changes=diff(before, snapshot(questionnaire)),
    )


def load_questionnaire(questionnaire_id: int) -> Questionnaire | None:
    """A questionnaire with its sections and questions in order, in a fixed number of
    statements."""
    return db.session.scalar(
        select(Questionnaire)
        .options(
            selectinload(Questionnaire.sections).selectinload(QuestionnaireSection.questions),
            joinedload(Questionnaire.created_by),
        )
        .where(Questionnaire.id == questionnaire_id)
    )


@dataclass
class ListCounts:
    """What the list shows beside a questionnaire."""

    questions: int = 0
    recipients: int = 0
    submitted: int = 0


def list_query():
    """Every questionnaire, newest first."""
    return select(Questionnaire).order_by(Questionnaire.created_at.desc(), Questionnaire.id.desc())


def load_for_list(ids: list[int]) -> list[Questionnaire]:
    """The questionnaires of one page of the list (the list puts them in order)."""
    return list(db.session.scalars(select(Questionnaire).where(Questionnaire.id.in_(ids))))


def list_counts(ids: list[int]) -> dict[int, ListCounts]:
    """Questions, recipients and submitted responses of each questionnaire: one statement."""
    if not ids:
        return {}

    def count_of(model: Any, *conditions: Any) -> Any:
        return (
            select(func.count())
            .select_from(model)
            .where(model.questionnaire_id == Questionnaire.id, *conditions)
            .scalar_subquery()
        )

    rows = db.session.execute(
        select(
            Questionnaire.id,
            count_of(Question),
            count_of(QuestionnaireRecipient),
            count_of(
                QuestionnaireResponse,
                QuestionnaireResponse.status == ResponseStatus.SUBMITTED,
            ),
        ).where(Questionnaire.id.in_(ids))
    ).all()
    return {row[0]: ListCounts(row[1], row[2], row[3]) for row in rows}


def builder_history(questionnaire: Questionnaire, *, limit: int = 100) -> list[ShownEvent]:
    """The history of the questionnaire and of its sections and questions, newest first:
    one statement for the events, one for the names they refer to."""
    section_ids = [s.id for s in questionnaire.sections]
    question_ids = [q.id for s in questionnaire.sections for q in s.questions]
    wanted = (AuditEvent.entity_type == Questionnaire.__tablename__) & (
        AuditEvent.entity_id == questionnaire.id
    )
    if section_ids:
        wanted |= (AuditEvent.entity_type == QuestionnaireSection.__tablename__) & (
            AuditEvent.entity_id.in_(section_ids)
        )
    if question_ids:
        wanted |= (AuditEvent.entity_type == Question.__tablename__) & (
            AuditEvent.entity_id.in_(question_ids)
        )
    return shown_events(wanted, limit=limit)
