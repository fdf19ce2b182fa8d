"""Run as `python -m tests.e2e.themes_world` (with DATABASE_URL set): the browser tests' world
(tests/e2e/world.py), plus the theme "Tolk" and a sent questionnaire that Kramfors kommun
has answered: a free-text answer to code, and "Tolk" picked in the theme question (made a
mention by the submission hook, as the public page does)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from app.extensions import db
from app.organisations.models import Organisation
from app.questionnaires.hooks import submitted
from app.questionnaires.models import QuestionnaireStatus
from app.themes.models import ThemeSide
from app.themes.services import ThemeValues, create_theme

from ..questionnaires.builders import make_questionnaire, make_response, questions_of
from . import world

TITLE = "Kommunernas arbete med återvandring 2026"
ANSWER = "Det är svårt att få tolk på dari, och handläggarna behöver mer kunskap."


def build() -> None:
    world.build()
    tolk = create_theme(values=ThemeValues(name="Tolk", side=ThemeSide.CHALLENGE), by=None)
    create_theme(values=ThemeValues(name="Kunskap hos handläggare"), by=None)
    questionnaire = make_questionnaire(title=TITLE, status=QuestionnaireStatus.SENT)
    *_first, text, themes = questions_of(questionnaire)
    themes.theme_side = ThemeSide.CHALLENGE
    kramfors = db.session.scalars(
        select(Organisation).where(Organisation.name == "Kramfors kommun")
    ).one()
    response = make_response(
        questionnaire,
        kramfors,
        {text.id: ANSWER, themes.id: [str(tolk.id)]},
        submitted_at=datetime.now(UTC),
    )
    submitted(response)
    db.session.commit()


if __name__ == "__main__":
    from app import create_app

    with create_app().app_context():
        build()
