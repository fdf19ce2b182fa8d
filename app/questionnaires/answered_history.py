"""An organisation's history says when it answered a questionnaire: "svarade på enkäten"
with the questionnaire's title, at the moment of submission (shown in Stockholm time, as
every history). Registered with `@on_submit`, so it is written in the submitting
transaction; imported by results_routes (which the factory imports)."""

from __future__ import annotations

from app.audit.services import Action, record
from app.extensions import db
from app.organisations.models import Organisation

from .hooks import on_submit
from .models import Questionnaire, QuestionnaireResponse


@on_submit
def record_answer(response: QuestionnaireResponse) -> None:
    """Add the audit event "svarade på enkäten «title»" to the responding organisation. The
    respondent is no user: the event names the respondent, or else the organisation."""
    organisation = db.session.get(Organisation, response.organisation_id)
    questionnaire = db.session.get(Questionnaire, response.questionnaire_id)
    if organisation is None or questionnaire is None:
        return
    event = record(
        entity=organisation, action=Action.ANSWER, by=None, note=f"«{questionnaire.title}»"
    )
    event.actor_name = (response.respondent_name or organisation.name)[:200]
    if response.submitted_at is not None:
        event.occurred_at = response.submitted_at
