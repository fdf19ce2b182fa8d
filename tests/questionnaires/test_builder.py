"""The builder's services: texts with optimistic locking, sections and questions added,
edited, moved and deleted, option keys that stay with their options and are never given
twice, conditions checked and cleared, copying, closing, and the lock once sent."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.common.exceptions import EditConflict
from app.common.time import local_today
from app.extensions import db
from app.questionnaires import building, services
from app.questionnaires.building import QuestionValues, SectionValues
from app.questionnaires.models import (
    Question,
    QuestionKind,
    Questionnaire,
    QuestionnaireStatus,
)
from app.questionnaires.options import merge_options
from app.questionnaires.services import (
    InvalidQuestionnaire,
    QuestionnaireLocked,
    QuestionnaireValues,
)
from app.themes.models import ThemeSide

from ..factories import make_user
from .builders import make_questionnaire, questions_of


@pytest.fixture
def env(app):
    with app.test_request_context():
        yield make_user()
        db.session.rollback()


def single(text="Har ni en kontaktperson?", options=("Ja", "Nej"), **fields) -> QuestionValues:
    return QuestionValues(kind=QuestionKind.SINGLE, text=text, options=list(options), **fields)


def new_draft(user, title="Enkät 2027") -> Questionnaire:
    questionnaire = services.create_questionnaire(
        values=QuestionnaireValues(title=title, intro="Hej", closing="Tack"), by=user
    )
    building.add_section(questionnaire, values=SectionValues(title="Första"), by=user)
    return questionnaire


def events(entity) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent).where(
                AuditEvent.entity_type == entity.__tablename__, AuditEvent.entity_id == entity.id
            )
        )
    )


class TestQuestionnaire:
    def test_created_as_a_draft_by_the_user_and_recorded(self, env):
        questionnaire = services.create_questionnaire(
            values=QuestionnaireValues(
                title="  Enkät  ", closes_on=local_today() + timedelta(days=10), title_en="Survey"
            ),
            by=env,
        )
        assert questionnaire.status is QuestionnaireStatus.DRAFT
        assert questionnaire.title == "Enkät" and questionnaire.title_en == "Survey"
        assert questionnaire.created_by_id == env.id
        (event,) = events(questionnaire)
        assert event.action == "create" and event.changes["title"] == [None, "Enkät"]

    def test_a_title_is_needed_and_the_close_date_not_past(self, env):
        with pytest.raises(InvalidQuestionnaire) as error:
            services.create_questionnaire(values=QuestionnaireValues(title="  "), by=env)
        assert error.value.field == "title"
        with pytest.raises(InvalidQuestionnaire) as error:
            services.create_questionnaire(
                values=QuestionnaireValues(title="x", closes_on=local_today() - timedelta(1)),
                by=env,
            )
        assert error.value.field == "closes_on"

    def test_update_records_the_change_and_raises_the_version(self, env):
        questionnaire = new_draft(env)
        version = questionnaire.version
        changes = services.update_questionnaire(
            questionnaire,
            values=QuestionnaireValues(title="Ny rubrik", intro="Hej", closing="Tack"),
            expected_version=version,
            by=env,
        )
        assert changes == {"title": ["Enkät 2027", "Ny rubrik"]}
        assert questionnaire.version == version + 1

    def test_update_from_an_old_version_is_a_conflict(self, env):
        questionnaire = new_draft(env)
        with pytest.raises(EditConflict):
            services.update_questionnaire(
                questionnaire,
                values=QuestionnaireValues(title="Ny"),
                expected_version=questionnaire.version - 1,
                by=env,
            )

    def test_close_a_sent_questionnaire_by_hand(self, env):
        questionnaire = make_questionnaire(status=QuestionnaireStatus.SENT)
        services.close_questionnaire(questionnaire, by=env)
        assert questionnaire.status is QuestionnaireStatus.CLOSED
        assert questionnaire.closed_at is not None
        with pytest.raises(InvalidQuestionnaire):
            services.close_questionnaire(questionnaire, by=env)
        with pytest.raises(InvalidQuestionnaire):
            services.close_questionnaire(new_draft(env), by=env)


class TestLocked:
    def test_every_edit_of_a_sent_questionnaire_is_refused(self, env):
        questionnaire = make_questionnaire(status=QuestionnaireStatus.SENT)
        section = questionnaire.sections[0]
        question = section.questions[0]
        attempts = [
            lambda: services.update_questionnaire(
                questionnaire,
                values=QuestionnaireValues(title="x"),
                expected_version=questionnaire.version,
                by=env,
            ),
            lambda: building.add_section(questionnaire, values=SectionValues(), by=env),
            lambda: building.edit_section(section, values=SectionValues(title="x"), by=env),
            lambda: building.move_section(section, up=False, by=env),
            lambda: building.delete_section(section, by=env),
            lambda: building.add_question(section, values=single(), by=env),
            lambda: building.edit_question(question, values=single(), by=env),
            lambda: building.move_question(question, up=False, by=env),
            lambda: building.delete_question(question, by=env),
        ]
        for attempt in attempts:
            with pytest.raises(QuestionnaireLocked) as error:
                attempt()
            assert str(error.value) == "Enkäten är skickad och kan inte ändras."
        assert len(questions_of(questionnaire)) == 7 and section.questions[0] is question


class TestSections:
    def test_add_edit_move_and_delete(self, env):
        questionnaire = new_draft(env)
        second = building.add_section(questionnaire, values=SectionValues(title="Andra"), by=env)
        assert [(s.title, s.position) for s in questionnaire.sections] == [
            ("Första", 1),
            ("Andra", 2),
        ]
        building.edit_section(second, values=SectionValues(title="Tvåan", intro="Om"), by=env)
        assert second.title == "Tvåan" and second.intro == "Om"
        building.move_section(second, up=True, by=env)
        assert [s.title for s in questionnaire.sections] == ["Tvåan", "Första"]
        assert [s.position for s in questionnaire.sections] == [1, 2]
        building.move_section(second, up=True, by=env)  # already first: nothing
        assert [s.title for s in questionnaire.sections] == ["Tvåan", "Första"]
        building.delete_section(second, by=env)
        db.session.expire_all()
        assert [(s.title, s.position) for s in questionnaire.sections] == [("Första", 1)]

    def test_a_move_putting_a_condition_before_its_question_is_refused(self, env):
        questionnaire = make_questionnaire()
        first, second = questionnaire.sections
        contact = first.questions[0]
        building.edit_question(
            second.questions[0],
            values=QuestionValues(
                kind=QuestionKind.SCALE,
                text="Hur väl?",
                show_if_id=contact.id,
                show_if_value="o1",
            ),
            by=env,
        )
        with pytest.raises(InvalidQuestionnaire):
            building.move_section(second, up=True, by=env)
        assert [s.position for s in questionnaire.sections] == [1, 2]

    def test_deleting_a_section_clears_conditions_on_its_questions(self, env):
        questionnaire = new_draft(env)
        first = questionnaire.sections[0]
        asked = building.add_question(first, values=single(), by=env)
        second = building.add_section(questionnaire, values=SectionValues(title="B"), by=env)
        follow = building.add_question(
            second,
            values=QuestionValues(
                kind=QuestionKind.SHORT_TEXT, text="Vem?", show_if_id=asked.id, show_if_value="o1"
            ),
            by=env,
        )
        building.delete_section(first, by=env)
        assert follow.show_if_id is None and follow.show_if_value == ""


class TestQuestions:
    def test_add_each_kind_with_its_fields(self, env):
        questionnaire = new_draft(env)
        section = questionnaire.sections[0]
        choice = building.add_question(section, values=single(help="Välj ett"), by=env)
        assert choice.options == [
            {"key": "o1", "sv": "Ja", "en": ""},
            {"key": "o2", "sv": "Nej", "en": ""},
        ]
        scale = building.add_question(
            section,
            values=QuestionValues(
                kind=QuestionKind.SCALE,
                text="Hur väl?",
                scale_low="Inte alls",
                scale_high="Mycket",
                options=["ignoreras"],
            ),
            by=env,
        )
        assert (scale.scale_low, scale.scale_high, scale.options) == ("Inte alls", "Mycket", [])
        themes = building.add_question(
            section,
            values=QuestionValues(
                kind=QuestionKind.THEMES, text="Teman?", theme_side=ThemeSide.CHALLENGE
            ),
            by=env,
        )
        assert themes.theme_side is ThemeSide.CHALLENGE
        text = building.add_question(
            section,
            values=QuestionValues(
                kind=QuestionKind.LONG_TEXT,
                text="Berätta",
                required=True,
                scale_low="ignoreras",
                theme_side=ThemeSide.CHALLENGE,
            ),
            by=env,
        )
        assert text.required and text.scale_low == "" and text.theme_side is None
        assert [q.position for q in section.questions] == [1, 2, 3, 4]
        assert events(text)[0].action == "create"

    def test_what_each_kind_needs(self, env):
        section = new_draft(env).sections[0]
        for values, field in [
            (single(options=["Ja"]), "options"),
            (single(options=["Ja", "ja"]), "options"),
            (single(text=" "), "text"),
            (QuestionValues(kind=QuestionKind.THEMES, text="Teman?"), "theme_side"),
            (single(options_en=["Yes", "No", "Maybe"]), "options_en"),
        ]:
            with pytest.raises(InvalidQuestionnaire) as error:
                building.add_question(section, values=values, by=env)
            assert error.value.field == field
        assert section.questions == []

    def test_edit_and_delete(self, env):
        section = new_draft(env).sections[0]
        question = building.add_question(section, values=single(), by=env)
        other = building.add_question(section, values=single(text="Andra?"), by=env)
        building.edit_question(
            question, values=single(text="Har ni en samordnare?", required=True), by=env
        )
        assert question.text == "Har ni en samordnare?" and question.required
        (_created, updated) = events(question)
        assert updated.changes["text"] == ["Har ni en kontaktperson?", "Har ni en samordnare?"]
        building.delete_question(question, by=env)
        assert [(q.text, q.position) for q in section.questions] == [("Andra?", 1)]
        assert db.session.get(Question, other.id) is other

    def test_move_within_and_across_sections(self, env):
        questionnaire = new_draft(env)
        first = questionnaire.sections[0]
        second = building.add_section(questionnaire, values=SectionValues(title="B"), by=env)
        a = building.add_question(first, values=single(text="A?"), by=env)
        b = building.add_question(first, values=single(text="B?"), by=env)
        c = building.add_question(second, values=single(text="C?"), by=env)
        building.move_question(b, up=True, by=env)
        assert [q.text for q in first.questions] == ["B?", "A?"]
        building.move_question(a, up=False, by=env)  # last of its section: to the next one
        assert [q.text for q in second.questions] == ["A?", "C?"]
        assert a.section is second and [q.position for q in second.questions] == [1, 2]
        building.move_question(a, up=True, by=env)  # first of its section: to the previous
        assert [q.text for q in first.questions] == ["B?", "A?"]
        building.move_question(c, up=False, by=env)  # the very last: nothing
        db.session.flush()
        db.session.expire_all()
        assert [[q.text for q in s.questions] for s in questionnaire.sections] == [
            ["B?", "A?"],
            ["C?"],
        ]

    def test_moving_to_another_section_by_editing(self, env):
        questionnaire = new_draft(env)
        first = questionnaire.sections[0]
        second = building.add_section(questionnaire, values=SectionValues(title="B"), by=env)
        building.add_question(second, values=single(text="Redan här?"), by=env)
        moved = building.add_question(first, values=single(), by=env)
        building.edit_question(moved, values=single(section_id=second.id), by=env)
        assert moved.section is second and moved.position == 2
        with pytest.raises(InvalidQuestionnaire):
            building.edit_question(moved, values=single(section_id=987654), by=env)


class TestConditions:
    def test_a_condition_reads_an_earlier_choice_question_and_an_option_it_has(self, env):
        questionnaire = make_questionnaire()
        single_q, who, multiple, scale, *_rest = questions_of(questionnaire)
        section = questionnaire.sections[1]
        text = QuestionKind.SHORT_TEXT
        for target, value in [(single_q, "o9"), (scale, "1"), (987654, "o1")]:
            with pytest.raises(InvalidQuestionnaire) as error:
                building.add_question(
                    section,
                    values=QuestionValues(
                        kind=text,
                        text="Varför?",
                        show_if_id=getattr(target, "id", target),
                        show_if_value=value,
                    ),
                    by=env,
                )
            assert error.value.field == "show_if"
        ok = building.add_question(
            section,
            values=QuestionValues(
                kind=text, text="Vilka?", show_if_id=multiple.id, show_if_value="o2"
            ),
            by=env,
        )
        assert ok.show_if_id == multiple.id
        # Not on a later question, nor on itself.
        with pytest.raises(InvalidQuestionnaire):
            building.edit_question(
                single_q,
                values=single(options=["Ja", "Nej", "Vet inte"], show_if_id=ok.id),
                by=env,
            )
        with pytest.raises(InvalidQuestionnaire):
            building.edit_question(
                who,
                values=QuestionValues(
                    kind=text, text="Vem?", show_if_id=who.id, show_if_value="o1"
                ),
                by=env,
            )

    def test_a_move_before_the_question_read_is_refused(self, env):
        questionnaire = make_questionnaire()
        single_q, who, *_rest = questions_of(questionnaire)
        with pytest.raises(InvalidQuestionnaire):
            building.move_question(who, up=True, by=env)
        with pytest.raises(InvalidQuestionnaire):
            building.move_question(single_q, up=False, by=env)
        assert [q.id for q in questionnaire.sections[0].questions][:2] == [single_q.id, who.id]

    def test_deleting_the_question_read_clears_the_condition(self, env):
        questionnaire = make_questionnaire()
        single_q, who, *_rest = questions_of(questionnaire)
        building.delete_question(single_q, by=env)
        assert who.show_if_id is None and who.show_if_value == ""
        assert events(who)[-1].changes["show_if"][1] == ""

    def test_removing_the_option_read_clears_the_condition(self, env):
        questionnaire = make_questionnaire()
        single_q, who, *_rest = questions_of(questionnaire)
        building.edit_question(single_q, values=single(options=["Ja", "Nej"]), by=env)
        assert who.show_if_value == "o1"  # Ja kept its key
        building.edit_question(single_q, values=single(options=["Nej", "Kanske"]), by=env)
        assert who.show_if_id is None

    def test_the_history_names_the_condition_in_words(self, env):
        questionnaire = new_draft(env)
        section = questionnaire.sections[0]
        asked = building.add_question(section, values=single(), by=env)
        follow = building.add_question(
            section,
            values=QuestionValues(
                kind=QuestionKind.SHORT_TEXT, text="Vem?", show_if_id=asked.id, show_if_value="o2"
            ),
            by=env,
        )
        (created,) = events(follow)
        assert created.changes["show_if"] == [None, "Har ni en kontaktperson? – Nej"]
        shown = services.builder_history(questionnaire)
        assert any(c.after == "Har ni en kontaktperson? – Nej" for e in shown for c in e.changes)


class TestOptionKeys:
    def test_keys_follow_labels_and_corrections_in_place(self):
        existing = [
            {"key": "o1", "sv": "Ja", "en": ""},
            {"key": "o2", "sv": "Nej", "en": ""},
            {"key": "o3", "sv": "Vet ej", "en": ""},
        ]
        moved = merge_options(existing, ["Nej", "Ja", "Vet ej"], [])
        assert [o["key"] for o in moved] == ["o2", "o1", "o3"]
        corrected = merge_options(existing, ["Ja", "Nej", "Vet inte"], ["Yes", "No"])
        assert corrected == [
            {"key": "o1", "sv": "Ja", "en": "Yes"},
            {"key": "o2", "sv": "Nej", "en": "No"},
            {"key": "o3", "sv": "Vet inte", "en": ""},
        ]
        added = merge_options(existing, ["Ja", "", "Nej", "Kanske", "Vet ej"], [])
        assert [o["key"] for o in added] == ["o1", "o2", "o4", "o3"]
        assert merge_options(existing, ["ja"], [], used_keys=["o7"])[0]["key"] == "o1"
        assert merge_options([], ["Ny"], [], used_keys=["o7", "x"])[0]["key"] == "o8"

    def test_a_removed_key_is_never_given_again(self, env):
        section = new_draft(env).sections[0]
        question = building.add_question(section, values=single(options=["A", "B", "C"]), by=env)
        building.edit_question(question, values=single(options=["A", "B"]), by=env)
        assert [o["key"] for o in question.options] == ["o1", "o2"]
        building.edit_question(question, values=single(options=["A", "B", "D"]), by=env)
        assert [o["key"] for o in question.options] == ["o1", "o2", "o4"]


class TestCopy:
    def test_a_copy_is_a_new_draft_with_conditions_pointing_at_the_copies(self, env):
        source = make_questionnaire(status=QuestionnaireStatus.SENT)
        copied = services.copy_questionnaire(source, by=env)
        assert copied.status is QuestionnaireStatus.DRAFT and copied.copied_from_id == source.id
        assert copied.title == f"Kopia av {source.title}" and copied.closes_on is None
        assert copied.intro == source.intro and copied.created_by_id == env.id
        old, new = questions_of(source), questions_of(copied)
        assert [(q.kind, q.text, q.options, q.position) for q in new] == [
            (q.kind, q.text, q.options, q.position) for q in old
        ]
        assert not {q.id for q in new} & {q.id for q in old}
        assert new[1].show_if_id == new[0].id and new[1].show_if_value == "o1"
        assert [s.title for s in copied.sections] == [s.title for s in source.sections]
        # The copy is a draft: it can be edited, and the source is unchanged.
        building.edit_question(new[0], values=single(options=["Ja", "Nej"]), by=env)
        assert len(old[0].options) == 3
        assert events(copied)[0].note.startswith("Kopia av")
