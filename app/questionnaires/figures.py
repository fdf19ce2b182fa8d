"""A questionnaire's response rate, defined once (ARCHITECTURE rule 12).

**Svarsfrekvens** (response rate): the recipients (organisations the questionnaire was sent
to) that have submitted their response, as a share of all recipients. A draft saved on the
public page is not an answer. The rate is given overall, per county (the organisation's
county, or its parent's for a unit) and per engagement stage (the organisation's stage now;
an organisation without a stage counts as "Ej kontaktad").

Each function is one GROUP BY statement over the questionnaire's recipients, so its cost
follows the number of recipients, never the history behind them. The results page, the
questionnaire page, the organisation page and the exports all call these functions and show
`RESPONSE_RATE`'s definition beside the figure.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import aliased

from app.extensions import db
from app.meetings.figures import Figure
from app.organisations.models import County, Organisation
from app.organisations.stages import INITIAL_STAGE, Stage

from .models import QuestionnaireRecipient, QuestionnaireResponse, ResponseStatus

RESPONSE_RATE = Figure(
    "response_rate",
    _l("Svarsfrekvens"),
    _l(
        "Andelen av mottagarna (organisationerna som enkäten skickades till) som har skickat "
        "in sitt svar. Påbörjade svar som inte har skickats in räknas inte. Per län räknas "
        "organisationens län och per steg kommunens engagemangssteg i dag."
    ),
)
#: The figures of this module by key, for templates and exports.
FIGURES = (RESPONSE_RATE,)


@dataclass(frozen=True)
class Rate:
    """Recipients and those of them that submitted, for one group (or all)."""

    key: str | None
    label: str
    recipients: int
    answered: int

    @property
    def share(self) -> float | None:
        """Answered of recipients, 0–1; None with no recipients."""
        return self.answered / self.recipients if self.recipients else None

    @property
    def percent(self) -> int | None:
        """The share in whole per cent (rounded half up), as pages show it."""
        share = self.share
        return None if share is None else int(share * 100 + 0.5)


def _recipients(questionnaire_id: int, *group: Any) -> Select[Any]:
    """Recipients with 1 for a submitted response, grouped by `group`: the one statement
    shape every response-rate figure aggregates."""
    submitted = func.count(QuestionnaireResponse.id)
    return (
        select(*group, func.count(QuestionnaireRecipient.id), submitted)
        .select_from(QuestionnaireRecipient)
        .join(Organisation, Organisation.id == QuestionnaireRecipient.organisation_id)
        .outerjoin(
            QuestionnaireResponse,
            and_(
                QuestionnaireResponse.questionnaire_id == QuestionnaireRecipient.questionnaire_id,
                QuestionnaireResponse.organisation_id == QuestionnaireRecipient.organisation_id,
                QuestionnaireResponse.status == ResponseStatus.SUBMITTED,
            ),
        )
        .where(QuestionnaireRecipient.questionnaire_id == questionnaire_id)
    )


def response_rate(questionnaire_id: int) -> Rate:
    """Svarsfrekvens for the whole questionnaire (`RESPONSE_RATE`). One statement."""
    recipients, answered = db.session.execute(_recipients(questionnaire_id)).one()
    return Rate(None, str(_l("Alla mottagare")), int(recipients or 0), int(answered or 0))


def response_rate_per_county(questionnaire_id: int) -> list[Rate]:
    """Svarsfrekvens per county (`RESPONSE_RATE`), in county code order; recipients with
    no county (an agency, an association) last, as "Utan län". One statement."""
    parent = aliased(Organisation)
    county_code = func.coalesce(Organisation.county_code, parent.county_code)
    statement = (
        _recipients(questionnaire_id, county_code.label("code"), County.name)
        .outerjoin(parent, parent.id == Organisation.parent_id)
        .outerjoin(County, County.code == county_code)
        .group_by(county_code, County.name)
    )
    rates = [
        Rate(code, name if code else str(_l("Utan län")), int(total), int(answered))
        for code, name, total, answered in db.session.execute(statement)
    ]
    return sorted(rates, key=lambda rate: (rate.key is None, rate.key or ""))


def response_rate_per_stage(questionnaire_id: int) -> list[Rate]:
    """Svarsfrekvens per engagement stage now (`RESPONSE_RATE`), in the stages' order; only
    stages with recipients. An organisation without a stage counts as the initial stage.
    One statement."""
    statement = _recipients(questionnaire_id, Organisation.engagement_stage).group_by(
        Organisation.engagement_stage
    )
    totals: dict[Stage, list[int]] = {}
    for stage, total, answered in db.session.execute(statement):
        counts = totals.setdefault(stage or INITIAL_STAGE, [0, 0])
        counts[0] += int(total)
        counts[1] += int(answered)
    return [Rate(stage.value, stage.label, *totals[stage]) for stage in Stage if stage in totals]
