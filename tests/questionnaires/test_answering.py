"""The respondent's side as services (app/questionnaires/answering.py): values checked by
kind, conditions, required only on submit, one draft per organisation whichever link,
double submission, and two colleagues saving one draft."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from app.common.time import utcnow
from app.extensions import db
from app.questionnaires import answering, hooks
from app.questionnaires.links import give_link
from app.questionnaires.models import (
    Answer,
    QuestionnaireLink,
    QuestionnaireResponse,
    QuestionnaireStatus,
    ResponseStatus,
)
from app.themes.models import Theme

from ..factories import make_organisation
from .builders import add_recipient, make_questionnaire, questions_of


@pytest.fixture
def world(ctx):
    """A sent questionnaire, one municipality as recipient, and two themes (one retired)."""
    organisation = make_organisation(name="Kramfors kommun")
    questionnaire = make_questionnaire(status=QuestionnaireStatus.SENT)
    recipient, token = add_recipient(questionnaire, organisation)
    tolk = Theme(name="Tolk", key="tolk", sort_name="tolk")
    old = Theme(name="Gammalt tema", key="gammalt", sort_name="gammalt", retired_at=utcnow())
    db.session.add_all([tolk, old])
    db.session.flush()
    single, who, multiple, scale, number, text, themes = questions_of(questionnaire)
    return {
        "recipient": recipient,
        "token": token,
        "questionnaire": questionnaire,
        "organisation": organisation,
        "q": {
            "single": single,
            "who": who,
            "multiple": multiple,
            "scale": scale,
            "number": number,
            "text": text,
            "themes": themes,
        },
        "tolk": tolk,
        "old": old,
    }


def posted(world, **values) -> dict[str, list[str]]:
    """Form values by question name: a string or a list of strings."""
    form: dict[str, list[str]] = {}
    for name, value in values.items():
        field = answering.field_name(world["q"][name])
        form[field] = value if isinstance(value, list) else [value]
    return form


def check(world, *, submitting=False, **values):
    state = answering.form_state(world["recipient"])
    return answering.check_values(
        state.questions, posted(world, **values), state.themes, submitting=submitting
    )


def answers_of(response) -> dict[int, list]:
    rows = db.session.scalars(
        select(Answer).where(Answer.response_id == response.id).order_by(Answer.id)
    )
    found: dict[int, list] = {}
    for row in rows:
        value = (
            row.choice
            if row.choice is not None
            else row.number
            if row.number is not None
            else row.text
        )
        found.setdefault(row.question_id, []).append(value)
    return found


# --- values by kind ---------------------------------------------------------------------


def test_single_choice_takes_one_of_the_option_keys(world):
    single = world["q"]["single"].id
    assert check(world, single="o2")[0][single] == ["o2"]
    _answers, errors = check(world, single="o9")
    assert errors == {f"q{single}": answering.MESSAGES["choice"]}
    _answers, errors = check(world, single=["o1", "o2"])
    assert f"q{single}" in errors


def test_multiple_choice_takes_a_subset_in_the_options_order(world):
    multiple = world["q"]["multiple"].id
    answers, errors = check(world, multiple=["o3", "o1", "o3"])
    assert not errors and answers[multiple] == ["o1", "o3"]
    assert f"q{multiple}" in check(world, multiple=["o1", "Socialtjänsten"])[1]


@pytest.mark.parametrize("step", ["1", "3", "5"])
def test_scale_takes_the_steps_one_to_five(world, step):
    assert check(world, scale=step)[0][world["q"]["scale"].id] == [step]


@pytest.mark.parametrize("step", ["0", "6", "2.5", "-1", "fem"])
def test_scale_refuses_anything_else(world, step):
    assert check(world, scale=step)[1] == {
        f"q{world['q']['scale'].id}": answering.MESSAGES["scale"]
    }


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("12", 12.0),
        ("3,5", 3.5),
        ("3.5", 3.5),
        ("1 200", 1200.0),
        ("1\u00a0200,25", 1200.25),
        ("−4", -4.0),
        (" 0 ", 0.0),
        ("1000000000", 1e9),
    ],
)
def test_number_accepts_the_swedish_decimal_comma(world, typed, number):
    assert check(world, number=typed)[0][world["q"]["number"].id] == number


@pytest.mark.parametrize("typed", ["tolv", "1,2,3", "1e5", "inf", "nan", "12 st", "0x10"])
def test_number_refuses_what_is_not_a_number(world, typed):
    errors = check(world, number=typed)[1]
    assert errors == {f"q{world['q']['number'].id}": answering.MESSAGES["number"]}


def test_number_is_bounded(world):
    errors = check(world, number="1000000001")[1]
    assert errors == {f"q{world['q']['number'].id}": answering.MESSAGES["number_range"]}
    assert check(world, number="-" + "9" * 400)[1]  # no overflow, no inf


def test_text_lengths(world):
    text, who = world["q"]["text"].id, world["q"]["who"].id
    assert check(world, text="x" * 10_000)[0][text] == "x" * 10_000
    assert check(world, text="x" * 10_001)[1] == {f"q{text}": answering.MESSAGES["long_text"]}
    single = "o1"  # Vem är kontaktperson? is shown only after "Ja"
    assert check(world, single=single, who="y" * 500)[0][who] == "y" * 500
    errors = check(world, single=single, who="y" * 501)[1]
    assert errors == {f"q{who}": answering.MESSAGES["short_text"]}


def test_text_is_stripped_of_nul_and_space(world):
    text = world["q"]["text"].id
    assert check(world, text="  Tolk\x00 saknas\r\n ")[0][text] == "Tolk saknas"
    assert text not in check(world, text="   ")[0]


def test_themes_are_the_active_themes(world):
    themes = world["q"]["themes"].id
    tolk, old = str(world["tolk"].id), str(world["old"].id)
    assert check(world, themes=[tolk])[0][themes] == [tolk]
    assert f"q{themes}" in check(world, themes=[old])[1]  # retired: not offered
    assert f"q{themes}" in check(world, themes=["999"])[1]
    state = answering.form_state(world["recipient"])
    assert [
        label for _key, label in answering.choices(world["q"]["themes"], state.themes, "sv")
    ] == ["Tolk"]


# --- conditions and required --------------------------------------------------------------


def test_a_hidden_question_is_dropped(world):
    who = world["q"]["who"].id
    answers, errors = check(world, single="o2", who="Anna")
    assert who not in answers and not errors
    answers, errors = check(world, who="y" * 5000)  # not even checked when hidden
    assert who not in answers and not errors
    assert check(world, single="o1", who="Anna")[0][who] == "Anna"


def test_required_only_on_submit(world):
    single = world["q"]["single"]
    assert check(world, number="4")[1] == {}
    errors = check(world, submitting=True, number="4")[1]
    assert errors == {f"q{single.id}": answering.MESSAGES["required"]}


def test_a_required_question_that_is_hidden_is_not_required(world):
    world["q"]["who"].required = True
    db.session.flush()
    assert check(world, submitting=True, single="o2")[1] == {}
    errors = check(world, submitting=True, single="o1")[1]
    assert errors == {f"q{world['q']['who'].id}": answering.MESSAGES["required"]}


# --- saving and submitting ----------------------------------------------------------------


def save(world, recipient=None, *, version=0, **values):
    return answering.save_draft(
        recipient or world["recipient"], posted=posted(world, **values), version=version
    )


def test_the_first_save_creates_the_draft_and_stores_one_row_per_value(world):
    q = world["q"]
    response = save(
        world,
        single="o1",
        who="Anna",
        multiple=["o1", "o2"],
        scale="4",
        number="2,5",
        text="Tolkar",
        themes=[str(world["tolk"].id)],
    )
    assert response.status is ResponseStatus.DRAFT and response.version == 1
    assert answers_of(response) == {
        q["single"].id: ["o1"],
        q["who"].id: ["Anna"],
        q["multiple"].id: ["o1", "o2"],
        q["scale"].id: ["4"],
        q["number"].id: [2.5],
        q["text"].id: ["Tolkar"],
        q["themes"].id: [str(world["tolk"].id)],
    }
    state = answering.form_state(world["recipient"])
    assert state.values[q["number"].id] == ["2,5"] and state.version == 1


def test_a_save_replaces_the_answers_and_bumps_the_version(world):
    save(world, single="o1", who="Anna", multiple=["o1", "o2"])
    response = save(world, version=1, single="o2", who="Anna", multiple=["o3"])
    assert response.version == 2
    assert answers_of(response) == {
        world["q"]["single"].id: ["o2"],
        world["q"]["multiple"].id: ["o3"],
    }  # who: hidden now, dropped


def test_invalid_values_save_nothing(world):
    with pytest.raises(answering.ValidationFailed) as failed:
        save(world, number="tolv")
    assert list(failed.value.errors) == [f"q{world['q']['number'].id}"]
    assert db.session.scalar(select(func.count(QuestionnaireResponse.id))) == 0


def test_a_draft_is_shared_by_every_link_given_to_the_organisation(world):
    recipient = world["recipient"]
    give_link(recipient)  # a reminder's link, say
    save(world, single="o1", who="Anna")
    other_organisation = make_organisation(name="Sollefteå kommun")
    other, _token = add_recipient(world["questionnaire"], other_organisation)
    state = answering.form_state(recipient)
    assert state.values[world["q"]["who"].id] == ["Anna"]
    assert answering.form_state(other).response is None  # another organisation: its own
    assert db.session.scalar(select(func.count(QuestionnaireResponse.id))) == 1


def test_respondent_name_and_email_are_optional_and_checked(world):
    response = answering.save_draft(
        world["recipient"], posted={}, name=" Anna Berg ", email="anna@kramfors.se", version=0
    )
    assert (response.respondent_name, response.respondent_email) == (
        "Anna Berg",
        "anna@kramfors.se",
    )
    with pytest.raises(answering.ValidationFailed) as failed:
        answering.save_draft(
            world["recipient"], posted={}, name="x" * 201, email="inte en adress", version=1
        )
    assert set(failed.value.errors) == {"respondent_name", "respondent_email"}


def test_submit_requires_the_required_and_calls_the_hooks(world):
    heard: list[QuestionnaireResponse] = []
    listener = hooks.on_submit(heard.append)
    try:
        with pytest.raises(answering.ValidationFailed):
            answering.submit(world["recipient"], posted={}, version=0)
        assert not heard
        response = answering.submit(
            world["recipient"], posted=posted(world, single="o3"), version=0, language="en"
        )
    finally:
        hooks._ON_SUBMIT.remove(listener)
    assert heard == [response]
    assert response.status is ResponseStatus.SUBMITTED
    assert response.submitted_at is not None and response.language == "en"


def test_a_second_submit_changes_nothing(world):
    response = answering.submit(world["recipient"], posted=posted(world, single="o1"), version=0)
    submitted_at, version = response.submitted_at, response.version
    for attempt in (answering.submit, answering.save_draft):
        with pytest.raises(answering.AlreadySubmitted):
            attempt(world["recipient"], posted=posted(world, single="o2"), version=version)
    db.session.expire_all()
    response = db.session.get(QuestionnaireResponse, response.id)
    assert response.submitted_at == submitted_at and response.version == version
    assert answers_of(response) == {world["q"]["single"].id: ["o1"]}


def test_two_colleagues_on_one_draft_the_later_save_is_refused(world):
    save(world, single="o1")  # version 1; both colleagues open the form now
    save(world, version=1, single="o2")  # the first colleague saves
    db.session.commit()
    with pytest.raises(answering.ResponseConflict):
        save(world, version=1, single="o3")  # the second, with the stale version
    db.session.rollback()
    response = db.session.scalar(select(QuestionnaireResponse))
    assert answers_of(response) == {world["q"]["single"].id: ["o2"]} and response.version == 2


def test_two_colleagues_both_starting_a_draft(world):
    save(world, single="o1")
    with pytest.raises(answering.ResponseConflict):
        save(world, version=0, single="o2")  # opened before the first save existed


def test_a_concurrent_write_after_the_check_is_a_conflict(world):
    """The check passed, but the row changed underneath before the update (another worker's
    save, written past this session's identity map): the version in the UPDATE's WHERE
    catches it."""
    response = save(world, single="o1")
    db.session.execute(
        update(QuestionnaireResponse)
        .where(QuestionnaireResponse.id == response.id)
        .values(version=2)
        .execution_options(synchronize_session=False)
    )
    assert response.version == 1  # this session still believes version 1
    with pytest.raises(answering.ResponseConflict):
        answering.save_draft(world["recipient"], posted=posted(world, single="o2"), version=1)


def test_link_use_is_recorded(world):
    answering.record_link_use(world["token"])
    answering.record_link_use("wrong")
    link = db.session.scalar(select(QuestionnaireLink))
    db.session.refresh(link)
    assert link.last_used_at is not None
    assert abs(link.last_used_at - utcnow()) < timedelta(minutes=1)


def test_receipt_rows_name_the_choices_and_themes(world):
    q = world["q"]
    world["tolk"].name_en = "Interpreter"
    answering.submit(
        world["recipient"],
        posted=posted(
            world, single="o1", multiple=["o2"], number="3,5", themes=[str(world["tolk"].id)]
        ),
        version=0,
    )
    world["tolk"].retired_at = utcnow()  # retired after the answer: still named
    db.session.flush()
    state = answering.form_state(world["recipient"])
    rows = {question.id: shown for question, shown in answering.receipt_rows(state, "sv")}
    assert rows == {
        q["single"].id: ["Ja"],
        q["multiple"].id: ["Integration"],
        q["number"].id: ["3,5"],
        q["themes"].id: ["Tolk"],
    }
    english = {question.id: shown for question, shown in answering.receipt_rows(state, "en")}
    assert english[q["themes"].id] == ["Interpreter"]
    assert english[q["single"].id] == ["Ja"]  # no English label: the Swedish one
