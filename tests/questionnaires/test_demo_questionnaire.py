"""`flask demo` makes a sent questionnaire answered by a realistic share of municipalities,
whose results page, exports and history read as the app's own."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.demo.generate import generate
from app.extensions import db
from app.questionnaires.figures import response_rate, response_rate_per_stage
from app.questionnaires.models import Questionnaire, QuestionnaireResponse, ResponseStatus
from app.themes.models import ThemeMention

from ..conftest import login
from ..factories import DEFAULT_PASSWORD


def test_demo_questionnaire(app, client):
    with app.app_context():
        generate(scale=0.05, seed=3, today=date(2026, 11, 20), password=DEFAULT_PASSWORD)
        db.session.commit()
        questionnaire = db.session.scalar(select(Questionnaire))
        rate = response_rate(questionnaire.id)
        assert rate.recipients == 290
        assert 0.4 < rate.share < 0.85
        drafts = db.session.scalar(
            select(func.count()).where(QuestionnaireResponse.status == ResponseStatus.DRAFT)
        )
        assert drafts > 0
        stages = {r.key: r.share for r in response_rate_per_stage(questionnaire.id)}
        assert stages["arbetar_aktivt"] > stages["ej_kontaktad"]
        events = db.session.scalar(select(func.count()).where(AuditEvent.action == "answer"))
        assert events == rate.answered
        # The theme question's answers are mentions dated by the submission (app/themes).
        mentions = db.session.scalar(
            select(func.count()).where(ThemeMention.response_id.is_not(None))
        )
        assert mentions >= rate.answered
        questionnaire_id = questionnaire.id
        from app.demo.registry import TEAM, team_email

        email = team_email(TEAM[0][0])
    assert login(client, email, DEFAULT_PASSWORD).status_code == 302
    for suffix in ("", ".xlsx", ".csv"):
        assert client.get(f"/enkater/{questionnaire_id}/resultat{suffix}").status_code == 200
