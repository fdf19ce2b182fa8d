"""The response rate (app/questionnaires/figures.py) against the hand-computed world of
results_world.py: overall, per county, per engagement stage; drafts are not answers."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.questionnaires.figures import (
    RESPONSE_RATE,
    Rate,
    response_rate,
    response_rate_per_county,
    response_rate_per_stage,
)
from app.questionnaires.models import QuestionnaireResponse, ResponseStatus

from .builders import add_recipient
from .results_world import build_results_world, empty_questionnaire, municipality


@pytest.fixture
def world(seeded):
    with seeded.app_context():
        built = build_results_world()
        yield built
        db.session.rollback()


def test_overall_rate_counts_submitted_recipients_only(world):
    rate = response_rate(world.questionnaire_id)
    assert (rate.recipients, rate.answered) == (6, 3)  # Skellefteå's draft is not an answer
    assert rate.share == 0.5
    assert rate.percent == 50


def test_rate_per_county(world):
    rates = {
        r.key: (r.label, r.recipients, r.answered, r.percent)
        for r in response_rate_per_county(world.questionnaire_id)
    }
    assert rates == {
        "01": ("Stockholms län", 3, 2, 67),
        "12": ("Skåne län", 1, 0, 0),
        "24": ("Västerbottens län", 2, 1, 50),
    }
    assert [r.key for r in response_rate_per_county(world.questionnaire_id)] == ["01", "12", "24"]


def test_rate_per_stage_uses_the_stage_now(world):
    rates = [
        (r.key, r.recipients, r.answered) for r in response_rate_per_stage(world.questionnaire_id)
    ]
    # No stage counts as "Ej kontaktad"; stages in their order, only those with recipients.
    assert rates == [("ej_kontaktad", 3, 0), ("informerad", 1, 1), ("arbetar_aktivt", 2, 2)]


def test_submitting_the_draft_raises_the_rate(world):
    draft = (
        db.session.query(QuestionnaireResponse)
        .filter_by(organisation_id=world.organisations["skelleftea"])
        .one()
    )
    draft.status = ResponseStatus.SUBMITTED
    db.session.flush()
    assert response_rate(world.questionnaire_id).answered == 4
    county = {r.key: r.answered for r in response_rate_per_county(world.questionnaire_id)}
    assert county["24"] == 2


def test_a_recipient_without_county_is_listed_last(world):
    from app.organisations.models import OrganisationKind
    from app.questionnaires.models import Questionnaire
    from tests.factories import make_organisation

    questionnaire = db.session.get(Questionnaire, world.questionnaire_id)
    add_recipient(
        questionnaire, make_organisation(name="Röda Korset", kind=OrganisationKind.CIVILSAMHALLE)
    )
    rates = response_rate_per_county(world.questionnaire_id)
    assert (rates[-1].key, rates[-1].label, rates[-1].recipients) == (None, "Utan län", 1)


def test_an_empty_questionnaire_has_no_rate(seeded):
    with seeded.app_context():
        questionnaire = empty_questionnaire()
        rate = response_rate(questionnaire.id)
        assert (rate.recipients, rate.answered, rate.share, rate.percent) == (0, 0, None, None)
        assert response_rate_per_county(questionnaire.id) == []
        assert response_rate_per_stage(questionnaire.id) == []
        db.session.rollback()


def test_the_figure_says_what_it_counts(app):
    with app.test_request_context():
        assert RESPONSE_RATE.label == "Svarsfrekvens"
        assert "Påbörjade svar" in RESPONSE_RATE.text
    assert Rate(None, "", 3, 1).percent == 33
    assert Rate(None, "", 3, 2).percent == 67


def test_municipality_helper(seeded):
    with seeded.app_context():
        assert municipality("1280").name.startswith("Malmö")
