"""The theme list (unique folded names, rename, retire keeping mentions) and coding: from a
meeting (dated by its Stockholm start day, one mention per municipality), from a free-text
answer (dated by the submission), and from a submitted theme question (the on_submit hook)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.extensions import db
from app.questionnaires.hooks import submitted
from app.questionnaires.models import QuestionnaireStatus
from app.themes import queries, services
from app.themes.models import ThemeMention, ThemeSide
from app.themes.services import InvalidTheme, ThemeValues

from ..factories import make_organisation, make_user
from ..questionnaires.builders import make_questionnaire, make_response, questions_of
from .world import meeting, organisation, theme, unit_of, utc


@pytest.fixture
def world(seeded, ctx):
    return ctx


def mentions() -> list[ThemeMention]:
    return list(db.session.scalars(select(ThemeMention).order_by(ThemeMention.id)))


def test_names_are_unique_by_folded_key(world):
    user = make_user()
    tolk = theme("Tolk", ThemeSide.CHALLENGE, by=user)
    assert tolk.key == "tolk"
    for taken in ("TOLK", "  tolk ", "Tölk"):
        with pytest.raises(InvalidTheme, match="finns redan"):
            theme(taken)
    with pytest.raises(InvalidTheme):
        theme("   ")
    other = theme("Kunskap hos handläggare")
    with pytest.raises(InvalidTheme, match="finns redan"):
        services.edit_theme(other, values=ThemeValues(name="tolk"), by=user)
    # Renaming to another spelling of its own name is allowed.
    assert services.edit_theme(tolk, values=ThemeValues(name="TOLK", side=None), by=user)
    assert tolk.name == "TOLK" and tolk.key == "tolk"
    actions = list(
        db.session.scalars(
            select(AuditEvent.action).where(
                AuditEvent.entity_type == "themes", AuditEvent.entity_id == tolk.id
            )
        )
    )
    assert actions == ["create", "update"]


def test_retire_keeps_mentions_and_stops_new_coding(world):
    user = make_user()
    kramfors = organisation("Kramfors kommun")
    tolk = theme("Tolk")
    held = meeting([kramfors], utc(2026, 3, 2, 9), by=user)
    services.code_meeting(held, theme=tolk, side=ThemeSide.CHALLENGE, by=user)
    assert services.retire_theme(tolk, by=user)
    assert not services.retire_theme(tolk, by=user)
    assert len(mentions()) == 1
    assert tolk not in services.list_themes(include_retired=False)
    assert services.list_themes()[-1] == tolk  # retired ones last
    with pytest.raises(InvalidTheme, match="används inte"):
        services.code_meeting(held, theme=tolk, side=ThemeSide.OPPORTUNITY, by=user)
    assert services.unretire_theme(tolk, by=user)
    assert services.code_meeting(held, theme=tolk, side=ThemeSide.OPPORTUNITY, by=user)


def test_coding_a_meeting_makes_one_mention_per_municipality(world):
    user = make_user(name="Karin Koordinator")
    kramfors, harnosand = organisation("Kramfors kommun"), organisation("Härnösands kommun")
    social = unit_of(organisation("Sollefteå kommun"))
    agency = organisation("Migrationsverket")
    # 23:30 on 31 March in Stockholm (summer time) is 21:30 UTC: dated 31 March.
    held = meeting([kramfors, harnosand, social, agency], utc(2026, 3, 31, 21, 30), by=user)
    made = services.code_meeting(
        held, theme=theme("Tolk"), side=ThemeSide.CHALLENGE, note="Svårt med dari", by=user
    )
    assert sorted(m.organisation.name for m in made) == [
        "Härnösands kommun",
        "Kramfors kommun",
        "Sollefteå kommun",
    ]
    assert {m.mentioned_on for m in made} == {date(2026, 3, 31)}
    assert {m.meeting_id for m in made} == {held.id}
    assert {m.coded_by_name for m in made} == {"Karin Koordinator"}
    assert {m.note for m in made} == {"Svårt med dari"}
    # Coding it again adds nothing; the other side is a mention of its own.
    assert services.code_meeting(held, theme=made[0].theme, side=ThemeSide.CHALLENGE, by=user) == []
    chosen = services.code_meeting(
        held,
        theme=made[0].theme,
        side=ThemeSide.OPPORTUNITY,
        organisations=[agency, organisation("Umeå kommun")],  # Umeå was not at the meeting
        by=user,
    )
    assert [m.organisation for m in chosen] == [agency]
    assert len(mentions()) == 4
    history = list(db.session.scalars(select(AuditEvent).where(AuditEvent.entity_type == "themes")))
    assert any("Kramfors kommun, Utmaning, 2026-03-31" in str(e.changes) for e in history)


def test_a_meeting_without_a_municipality_cannot_be_coded(world):
    user = make_user()
    held = meeting([make_organisation(name="Röda Korset")], utc(2026, 3, 2, 9), by=user)
    with pytest.raises(InvalidTheme, match="ingen kommun"):
        services.code_meeting(held, theme=theme("Tolk"), side=ThemeSide.CHALLENGE, by=user)


def test_remove_mention(world):
    user = make_user()
    held = meeting([organisation("Kramfors kommun")], utc(2026, 3, 2, 9), by=user)
    (made,) = services.code_meeting(held, theme=theme("Tolk"), side=ThemeSide.CHALLENGE, by=user)
    services.remove_mention(made, by=user)
    assert mentions() == []
    assert queries.meeting_mentions(held.id) == []


def test_coding_a_free_text_answer(world):
    user = make_user()
    questionnaire = make_questionnaire(status=QuestionnaireStatus.SENT)
    _single, who, _multiple, _scale, _number, text, themes_question = questions_of(questionnaire)
    kramfors = organisation("Kramfors kommun")
    # Submitted 23:10 UTC on 31 Jan = 00:10 on 1 Feb in Stockholm.
    response = make_response(
        questionnaire,
        kramfors,
        {text.id: "Vi saknar tolkar.", who.id: "Anna"},
        submitted_at=utc(2026, 1, 31, 23, 10),
    )
    tolk = theme("Tolk")
    made = services.code_answer(response, text, theme=tolk, side=ThemeSide.CHALLENGE, by=user)
    assert made is not None
    assert (made.organisation_id, made.mentioned_on) == (kramfors.id, date(2026, 2, 1))
    assert (made.response_id, made.question_id) == (response.id, text.id)
    assert (
        services.code_answer(response, text, theme=tolk, side=ThemeSide.CHALLENGE, by=user) is None
    )
    with pytest.raises(InvalidTheme):
        services.code_answer(
            response, themes_question, theme=tolk, side=ThemeSide.CHALLENGE, by=user
        )
    draft = make_response(
        questionnaire, organisation("Umeå kommun"), {text.id: "Utkast"}, submitted=False
    )
    with pytest.raises(InvalidTheme, match="inskickade"):
        services.code_answer(draft, text, theme=tolk, side=ThemeSide.CHALLENGE, by=user)
    answers = queries.free_text_answers(questionnaire.id)
    assert [(a.response.organisation.name, a.text) for a in answers] == [
        ("Kramfors kommun", "Anna"),
        ("Kramfors kommun", "Vi saknar tolkar."),
    ]


def test_submitting_a_theme_question_makes_mentions(world):
    questionnaire = make_questionnaire(status=QuestionnaireStatus.SENT)
    themes_question = questions_of(questionnaire)[-1]
    themes_question.theme_side = ThemeSide.OPPORTUNITY
    tolk, kunskap = theme("Tolk", ThemeSide.CHALLENGE), theme("Kunskap hos handläggare")
    kramfors = organisation("Kramfors kommun")
    response = make_response(
        questionnaire,
        kramfors,
        {themes_question.id: [str(tolk.id), str(kunskap.id), "999999", "inte-ett-id"]},
        submitted_at=utc(2026, 6, 30, 22, 30),  # 00:30 on 1 July in Stockholm
    )
    submitted(response)
    made = mentions()
    assert sorted(m.theme.name for m in made) == ["Kunskap hos handläggare", "Tolk"]
    assert {m.side for m in made} == {ThemeSide.OPPORTUNITY}
    assert {m.mentioned_on for m in made} == {date(2026, 7, 1)}
    assert {(m.organisation_id, m.response_id, m.question_id) for m in made} == {
        (kramfors.id, response.id, themes_question.id)
    }
    submitted(response)  # again: nothing more
    assert len(mentions()) == 2


def test_a_theme_question_without_a_side_takes_the_themes(world):
    questionnaire = make_questionnaire(status=QuestionnaireStatus.SENT)
    themes_question = questions_of(questionnaire)[-1]
    tolk, other = theme("Tolk", ThemeSide.CHALLENGE), theme("Civilsamhällets roll")
    response = make_response(
        questionnaire,
        organisation("Kramfors kommun"),
        {themes_question.id: [str(tolk.id), str(other.id)]},
    )
    submitted(response)
    assert {(m.theme.name, m.side) for m in mentions()} == {
        ("Tolk", ThemeSide.CHALLENGE),
        ("Civilsamhällets roll", ThemeSide.CHALLENGE),
    }


def test_seed_is_idempotent(world):
    from app.themes.seeds import SEED_THEMES

    assert services.ensure_themes(SEED_THEMES, by=None) == len(SEED_THEMES)
    tolk = next(t for t in services.list_themes() if t.name == "Tolk")
    services.edit_theme(tolk, values=ThemeValues(name="Tolkar"), by=None)
    services.retire_theme(services.list_themes()[0], by=None)
    assert services.ensure_themes(SEED_THEMES, by=None) == 0
    names = [t.name for t in services.list_themes()]
    assert "Samverkan med Migrationsverket" in names and "Tolk" not in names
    assert len(names) == len(SEED_THEMES)


def test_seed_leaves_a_list_the_team_began(world):
    from app.themes.seeds import SEED_THEMES

    theme("Egen fråga")
    assert services.ensure_themes(SEED_THEMES, by=None) == 0
    assert [t.name for t in services.list_themes()] == ["Egen fråga"]
