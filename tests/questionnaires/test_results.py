"""Each question's answers rolled up (app/questionnaires/results.py) against the hand-computed
world of results_world.py: only submitted responses count."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.questionnaires.models import Answer, QuestionnaireResponse
from app.questionnaires.results import (
    answers_in_words,
    format_number,
    question_results,
    theme_names,
)

from .results_world import build_results_world, empty_questionnaire, question


@pytest.fixture
def world(seeded):
    with seeded.app_context():
        built = build_results_world()
        yield built
        db.session.rollback()


@pytest.fixture
def results(world):
    return question_results(world.questionnaire_id)


def counts(result):
    return [(o.label, o.count, o.percent) for o in result.options]


def test_single_choice_counts_submitted_only(results):
    single = results[0]
    assert single.answered == 3
    assert counts(single) == [("Ja", 2, 67), ("Nej", 1, 33), ("Vet inte", 0, 0)]


def test_multiple_choice_share_of_respondents(results):
    multiple = results[2]
    assert multiple.answered == 3
    assert counts(multiple) == [
        ("Socialtjänsten", 2, 67),
        ("Integration", 1, 33),
        ("Arbetsmarknad", 1, 33),
    ]


def test_scale_distribution_and_mean(results):
    scale = results[3]
    assert [(o.key, o.count) for o in scale.options] == [
        ("1", 0),
        ("2", 1),
        ("3", 0),
        ("4", 1),
        ("5", 1),
    ]
    assert scale.options[0].label == "1 – Inte alls"
    assert scale.options[4].label == "5 – Mycket väl"
    assert scale.mean == pytest.approx(11 / 3)  # the draft's 1 is left out


def test_number_count_sum_mean_median(results):
    numbers = results[4].numbers
    assert (numbers.count, numbers.sum, numbers.mean, numbers.median) == (3, 33.0, 11.0, 10.0)


def test_median_of_an_even_count(world):
    from app.questionnaires.models import Questionnaire

    from .builders import make_response
    from .results_world import municipality

    questionnaire = db.session.get(Questionnaire, world.questionnaire_id)
    make_response(questionnaire, municipality("0117"), {world.question_ids[4]: 4})
    numbers = question_results(world.questionnaire_id)[4].numbers
    assert (numbers.count, numbers.sum, numbers.median) == (4, 37.0, 7.0)  # 3 4 | 10 20


def test_texts_by_municipality_in_name_order(results):
    assert [(t.organisation, t.text) for t in results[1].texts] == [
        ("Umeå kommun", "Bo Berg"),
        ("Upplands Väsby kommun", "Anna Andersson"),
    ]
    assert [(t.organisation, t.text) for t in results[5].texts] == [
        ("Upplands Väsby kommun", "Tolk saknas"),
        ("Vallentuna kommun", "Brist på kunskap"),
    ]


def test_themes_most_named_first(results):
    themes = results[6]
    assert themes.answered == 2
    assert counts(themes) == [("Tolk", 2, 100), ("Kunskap hos handläggare", 1, 50)]


def test_statements_fixed_whatever_the_questions(world, count_statements):
    with count_statements() as counter:
        question_results(world.questionnaire_id)
    assert counter.count <= 6


def test_empty_questionnaire(seeded):
    with seeded.app_context():
        assert question_results(empty_questionnaire().id) == []
        db.session.rollback()


def test_answers_in_words(world):
    response = (
        db.session.query(QuestionnaireResponse)
        .filter_by(organisation_id=world.organisations["vasby"])
        .one()
    )
    by_question: dict[int, list[Answer]] = {}
    for answer in response.answers:
        by_question.setdefault(answer.question_id, []).append(answer)
    names = theme_names(a.choice for a in response.answers if a.choice)
    words = [
        answers_in_words(question(q), by_question.get(q, []), names) for q in world.question_ids
    ]
    assert words == [
        "Ja",
        "Anna Andersson",
        "Socialtjänsten, Integration",
        "4",
        "10",
        "Tolk saknas",
        "Tolk, Kunskap hos handläggare",
    ]


def test_format_number():
    assert format_number(None) == "–"
    assert format_number(1234.0) == "1\u202f234"
    assert format_number(3.5) == "3,5"
    assert format_number(11 / 3) == "3,67"
