"""The results' pictures without Flask: bars and the map's colours and legend."""

from __future__ import annotations

from app.questionnaires.models import QuestionKind
from app.questionnaires.result_charts import (
    CATEGORICAL,
    NO_ANSWER,
    SEQUENTIAL,
    MapAnswer,
    bar,
    colour_answers,
    number_ranges,
)


def colour(kind, labels, answers):
    return colour_answers(
        kind,
        labels,
        answers,
        no_answer_label="Inget svar",
        href=lambda organisation_id: f"/organisationer/{organisation_id}",
        number_label=lambda value: f"{value:g}",
    )


def test_bar_is_a_share_of_the_width_and_hidden_from_screen_readers():
    assert 'width="66.7"' in bar(2 / 3)
    assert 'width="0.0"' in bar(-1)
    assert 'width="100.0"' in bar(3)
    assert 'aria-hidden="true"' in bar(0.5)


def test_single_choice_colours_and_legend():
    answers = [
        MapAnswer(1, "Ale kommun", "1440", ("o1",), None),
        MapAnswer(2, "Alingsås kommun", "1489", ("o2",), None),
        MapAnswer(3, "Arboga kommun", "1984", (), None),
        MapAnswer(4, "Röda Korset", None, ("o1",), None),  # no municipality code: not drawn
        MapAnswer(5, "Bjuv <kommun>", "1260", ("gone",), None),  # an option no longer offered
    ]
    coloured = colour(QuestionKind.SINGLE, {"o1": "Ja", "o2": "Nej"}, answers)
    assert [(e.label, e.fill, e.count) for e in coloured.legend] == [
        ("Ja", CATEGORICAL[0], 2),
        ("Nej", CATEGORICAL[1], 1),
        ("Inget svar", NO_ANSWER, 2),
    ]
    assert set(coloured.areas) == {"1440", "1489", "1984", "1260"}
    assert coloured.areas["1440"].fill == CATEGORICAL[0]
    assert coloured.areas["1440"].title == "Ale kommun: Ja"
    assert coloured.areas["1440"].href == "/organisationer/1"
    assert coloured.areas["1984"].fill == NO_ANSWER
    assert coloured.areas["1984"].css_class == "map__area--no-answer"


def test_scale_uses_the_sequential_colours():
    labels = {str(step): str(step) for step in range(1, 6)}
    answers = [MapAnswer(1, "A", "0114", ("5",), None), MapAnswer(2, "B", "0115", ("1",), None)]
    coloured = colour(QuestionKind.SCALE, labels, answers)
    assert coloured.areas["0114"].fill == SEQUENTIAL[4]
    assert coloured.areas["0115"].fill == SEQUENTIAL[0]


def test_number_ranges():
    assert number_ranges([]) == []
    assert number_ranges([7, 7]) == [7]
    assert number_ranges([0, 10]) == [2, 4, 6, 8, 10]


def test_numbers_coloured_by_range():
    answers = [
        MapAnswer(1, "A", "0114", (), 0),
        MapAnswer(2, "B", "0115", (), 10),
        MapAnswer(3, "C", "0117", (), 5),
        MapAnswer(4, "D", "0120", (), None),
    ]
    coloured = colour(QuestionKind.NUMBER, {}, answers)
    assert [(e.label, e.count) for e in coloured.legend] == [
        ("0–2", 1),
        ("2–4", 0),
        ("4–6", 1),
        ("6–8", 0),
        ("8–10", 1),
        ("Inget svar", 1),
    ]
    assert coloured.areas["0115"].fill == SEQUENTIAL[4]
    assert coloured.areas["0120"].fill == NO_ANSWER


def test_one_number_for_all_is_one_range():
    coloured = colour(QuestionKind.NUMBER, {}, [MapAnswer(1, "A", "0114", (), 3)])
    assert [(e.label, e.count) for e in coloured.legend] == [("3", 1), ("Inget svar", 0)]


def test_one_option_of_a_multiple_choice():
    answers = [
        MapAnswer(1, "A", "0114", ("o1", "o2"), None),
        MapAnswer(2, "B", "0115", ("o2",), None),
        MapAnswer(3, "C", "0117", (), None),
    ]
    coloured = colour_answers(
        QuestionKind.MULTIPLE,
        {"o1": "Valde ”Socialtjänsten”"},
        answers,
        no_answer_label="Inget svar",
        href=lambda organisation_id: f"/organisationer/{organisation_id}",
        number_label=str,
        option="o1",
        not_chosen_label="Svarade utan det",
    )
    assert [(e.label, e.count) for e in coloured.legend] == [
        ("Valde ”Socialtjänsten”", 1),
        ("Svarade utan det", 1),
        ("Inget svar", 1),
    ]
    assert coloured.areas["0114"].fill == CATEGORICAL[0]
    assert coloured.areas["0115"].fill == CATEGORICAL[1]
    assert coloured.areas["0117"].fill == NO_ANSWER
