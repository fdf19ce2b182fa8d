"""Reading themes and mentions for the pages: a meeting's Teman section, a theme's mentions,
a questionnaire's free-text answers to code. Each in a fixed number of statements."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import joinedload, selectinload

from app.extensions import db
from app.meetings.models import Meeting
from app.organisations.models import Organisation
from app.questionnaires.models import (
    Answer,
    Question,
    QuestionKind,
    QuestionnaireResponse,
    QuestionnaireSection,
    ResponseStatus,
)

from .models import Theme, ThemeMention


def meeting_mentions(meeting_id: int) -> list[ThemeMention]:
    """A meeting's mentions with their theme and organisation."""
    return meeting_coding(meeting_id)[0]


def meeting_coding(meeting_id: int) -> tuple[list[ThemeMention], list[Theme]]:
    """What a meeting's Teman section shows, in one statement: the meeting's mentions (with
    theme, organisation and its parent) and the themes in use to code it with. The meeting
    page is near its statement budget (tests/test_statement_counts.py)."""
    rows = db.session.execute(
        select(Theme, ThemeMention)
        .outerjoin(
            ThemeMention,
            and_(ThemeMention.theme_id == Theme.id, ThemeMention.meeting_id == meeting_id),
        )
        .where(or_(Theme.retired_at.is_(None), ThemeMention.id.is_not(None)))
        .options(joinedload(ThemeMention.organisation).joinedload(Organisation.parent))
        .order_by(Theme.sort_name, Theme.id, ThemeMention.id)
    ).all()
    mentions = sorted((m for _t, m in rows if m is not None), key=lambda m: m.id)
    themes = list({t.id: t for t, _m in rows if t.retired_at is None}.values())
    return mentions, themes


def mentions_of(theme_id: int) -> Select[tuple[ThemeMention]]:
    """A theme's mentions, newest first, leaving out those of meetings in the trash (as the
    figures do)."""
    return (
        select(ThemeMention)
        .outerjoin(
            Meeting, and_(Meeting.id == ThemeMention.meeting_id, Meeting.deleted_at.is_(None))
        )
        .where(
            ThemeMention.theme_id == theme_id,
            or_(ThemeMention.meeting_id.is_(None), Meeting.id.is_not(None)),
        )
        .order_by(ThemeMention.mentioned_on.desc(), ThemeMention.id.desc())
    )


def response_mentions(response_ids: Sequence[int]) -> list[ThemeMention]:
    """The mentions coded from these responses, with their theme."""
    if not response_ids:
        return []
    return list(
        db.session.scalars(
            select(ThemeMention)
            .where(ThemeMention.response_id.in_(response_ids))
            .options(selectinload(ThemeMention.theme))
            .order_by(ThemeMention.id)
        )
    )


def free_text_answers(questionnaire_id: int) -> list[Answer]:
    """The submitted, non-empty free-text answers of a questionnaire, by municipality (Swedish
    order) and then in the questionnaire's order, with response, organisation and question
    loaded (four statements, whatever the number of answers)."""
    return list(
        db.session.scalars(
            select(Answer)
            .join(QuestionnaireResponse, QuestionnaireResponse.id == Answer.response_id)
            .join(Question, Question.id == Answer.question_id)
            .join(QuestionnaireSection, QuestionnaireSection.id == Question.section_id)
            .join(Organisation, Organisation.id == QuestionnaireResponse.organisation_id)
            .where(
                QuestionnaireResponse.questionnaire_id == questionnaire_id,
                QuestionnaireResponse.status == ResponseStatus.SUBMITTED,
                Question.kind.in_([QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT]),
                Answer.text != "",
            )
            .order_by(
                Organisation.sort_name,
                Organisation.id,
                QuestionnaireSection.position,
                Question.position,
                Answer.id,
            )
            .options(
                selectinload(Answer.response)
                .selectinload(QuestionnaireResponse.organisation)
                .selectinload(Organisation.parent),
                selectinload(Answer.question),
            )
        )
    )
