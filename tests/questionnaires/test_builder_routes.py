"""The builder's pages through the client: a coordinator builds a questionnaire from the list
to its questions, a sent one is read-only, readers may look but not change, a stale edit is
a 409, and the questionnaire's page costs the same with more questions."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.questionnaires.models import (
    Question,
    QuestionKind,
    Questionnaire,
    QuestionnaireSection,
    QuestionnaireStatus,
)

from .builders import make_questionnaire, option_list, questions_of


def ids(app, title: str | None = None) -> Questionnaire:
    with app.app_context():
        query = select(Questionnaire).order_by(Questionnaire.id.desc())
        if title:
            query = query.where(Questionnaire.title == title)
        questionnaire = db.session.scalar(query)
        db.session.expunge_all()
        return questionnaire


@pytest.fixture
def draft(app):
    with app.app_context():
        questionnaire = make_questionnaire()
        db.session.commit()
        return questionnaire.id


@pytest.fixture
def sent(app):
    with app.app_context():
        questionnaire = make_questionnaire(title="Skickad", status=QuestionnaireStatus.SENT)
        db.session.commit()
        return questionnaire.id


def question_ids(app, questionnaire_id: int) -> list[int]:
    with app.app_context():
        questionnaire = db.session.get(Questionnaire, questionnaire_id)
        return [q.id for q in questions_of(questionnaire)]


def test_a_coordinator_builds_a_questionnaire(app, as_role):
    client = as_role("coordinator")
    assert client.get("/enkater").status_code == 200
    response = client.post(
        "/enkater/ny", data={"title": "Återvandring 2027", "intro": "Hej", "closing": "Tack"}
    )
    assert response.status_code == 302
    questionnaire = ids(app, "Återvandring 2027")
    base = f"/enkater/{questionnaire.id}"
    assert response.headers["Location"].endswith(base)
    assert client.get(f"{base}/avsnitt/ny").status_code == 200
    assert client.post(f"{base}/avsnitt/ny", data={"title": "Organisation"}).status_code == 302
    with app.app_context():
        section_id = db.session.get(Questionnaire, questionnaire.id).sections[0].id
    new_question = f"{base}/avsnitt/{section_id}/ny-fraga"
    assert client.get(new_question).status_code == 200
    response = client.post(
        new_question,
        data={
            "section": section_id,
            "kind": "ett_val",
            "text": "Har ni en kontaktperson?",
            "options": "Ja\r\nNej\r\n\r\nVet inte",
        },
    )
    assert response.status_code == 302, response.text
    first = question_ids(app, questionnaire.id)[0]
    form = client.get(new_question).text
    assert f'value="{first}:o1"' in form and "Har ni en kontaktperson? – Ja" in form
    response = client.post(
        new_question,
        data={
            "section": section_id,
            "kind": "kort_text",
            "text": "Vem?",
            "show_if": f"{first}:o1",
        },
    )
    assert response.status_code == 302
    page = client.get(base).text
    assert "Visas bara om: Har ni en kontaktperson? – Ja" in page
    assert "Vet inte" in page and "Historik" in page
    with app.app_context():
        questions = questions_of(db.session.get(Questionnaire, questionnaire.id))
        assert [q.kind for q in questions] == [QuestionKind.SINGLE, QuestionKind.SHORT_TEXT]
        assert [o["sv"] for o in questions[0].options] == ["Ja", "Nej", "Vet inte"]
        second = questions[1].id
    # The edit form shows the options one per line and the condition chosen.
    edit = client.get(f"{base}/fragor/{first}/redigera").text
    assert "Ja\nNej\nVet inte</textarea>" in edit
    condition_form = client.get(f"{base}/fragor/{second}/redigera").text
    assert re.search(rf'<option selected value="{first}:o1">', condition_form)


def test_errors_are_shown_at_their_fields(app, as_role, draft):
    client = as_role("coordinator")
    with app.app_context():
        section_id = db.session.get(Questionnaire, draft).sections[0].id
    response = client.post(
        f"/enkater/{draft}/avsnitt/{section_id}/ny-fraga",
        data={"section": section_id, "kind": "ett_val", "text": "Bara ett?", "options": "Ja"},
    )
    assert response.status_code == 200
    assert 'id="options-error"' in response.text
    assert "Skriv minst två svarsalternativ" in response.text
    response = client.post(
        f"/enkater/{draft}/avsnitt/{section_id}/ny-fraga",
        data={"section": section_id, "kind": "%ff", "text": "x" * 5000, "show_if": "x:y"},
    )
    assert response.status_code == 200
    assert client.post("/enkater/ny", data={"title": ""}).status_code == 200


def test_edit_texts_and_a_stale_edit_is_a_conflict(app, as_role, draft):
    client = as_role("coordinator")
    form = client.get(f"/enkater/{draft}/redigera").text
    version = re.search(r'name="version" type="hidden" value="(\d+)"', form).group(1)
    data = {"title": "Ny rubrik", "intro": "I", "closing": "C", "version": version}
    assert client.post(f"/enkater/{draft}/redigera", data=data).status_code == 302
    stale = client.post(f"/enkater/{draft}/redigera", data={**data, "title": "Annan"})
    assert stale.status_code == 409
    assert ids(app, "Ny rubrik").id == draft


def test_move_delete_copy(app, as_role, draft):
    client = as_role("coordinator")
    first, who, multiple, *_rest = question_ids(app, draft)
    # The condition on "Vem?" keeps it after question 1.
    client.post(f"/enkater/{draft}/fragor/{who}/flytta", data={"riktning": "upp"})
    assert question_ids(app, draft)[:2] == [first, who]
    client.post(f"/enkater/{draft}/fragor/{multiple}/flytta", data={"riktning": "upp"})
    assert question_ids(app, draft)[:3] == [first, multiple, who]
    assert client.post(f"/enkater/{draft}/fragor/{multiple}/flytta").status_code == 400
    client.post(f"/enkater/{draft}/fragor/{first}/ta-bort")
    assert first not in question_ids(app, draft)
    with app.app_context():
        sections = db.session.get(Questionnaire, draft).sections
        second = sections[1].id
    client.post(f"/enkater/{draft}/avsnitt/{second}/flytta", data={"riktning": "upp"})
    with app.app_context():
        assert db.session.get(Questionnaire, draft).sections[0].id == second
    client.post(f"/enkater/{draft}/avsnitt/{second}/ta-bort")
    response = client.post(f"/enkater/{draft}/kopiera")
    copied = ids(app)
    assert copied.id != draft and copied.copied_from_id == draft
    assert response.headers["Location"].endswith(f"/enkater/{copied.id}")
    assert question_ids(app, copied.id) != [] and len(question_ids(app, copied.id)) == len(
        question_ids(app, draft)
    )


def test_a_sent_questionnaire_is_read_only_but_can_be_copied_and_closed(app, as_role, sent):
    client = as_role("coordinator")
    page = client.get(f"/enkater/{sent}").text
    assert "Enkäten är skickad och kan inte ändras" in page
    assert f"/enkater/{sent}/redigera" not in page and "ny-fraga" not in page
    (question, *_rest) = question_ids(app, sent)
    response = client.get(f"/enkater/{sent}/fragor/{question}/redigera")
    assert response.status_code == 302
    for path in (f"/fragor/{question}/ta-bort", "/avsnitt/ny"):
        client.post(f"/enkater/{sent}{path}", data={"title": "x"})
    assert question_ids(app, sent)[0] == question
    follow = client.post(f"/enkater/{sent}/fragor/{question}/ta-bort", follow_redirects=True)
    assert "Enkäten är skickad och kan inte ändras." in follow.text
    assert client.post(f"/enkater/{sent}/stang").status_code == 302
    assert ids(app, "Skickad").status is QuestionnaireStatus.CLOSED
    assert client.post(f"/enkater/{sent}/kopiera").status_code == 302


def test_sections_of_other_questionnaires_are_not_found(app, as_role, draft, sent):
    client = as_role("coordinator")
    with app.app_context():
        other_section = db.session.get(Questionnaire, sent).sections[0].id
    other_question = question_ids(app, sent)[0]
    assert client.get(f"/enkater/{draft}/avsnitt/{other_section}/redigera").status_code == 404
    assert client.get(f"/enkater/{draft}/fragor/{other_question}/redigera").status_code == 404
    assert client.post(f"/enkater/{draft}/fragor/{other_question}/ta-bort").status_code == 404
    assert client.get("/enkater/987654").status_code == 404


def test_readers_look_but_do_not_change(app, as_role, draft):
    client = as_role("reader")
    assert client.get("/enkater").status_code == 200
    page = client.get(f"/enkater/{draft}").text
    assert "ny-fraga" not in page and "kopiera" not in page
    first = question_ids(app, draft)[0]
    with app.app_context():
        section = db.session.get(Questionnaire, draft).sections[0].id
    for path in (
        "/enkater/ny",
        f"/enkater/{draft}/redigera",
        f"/enkater/{draft}/avsnitt/ny",
        f"/enkater/{draft}/avsnitt/{section}/ny-fraga",
        f"/enkater/{draft}/fragor/{first}/redigera",
    ):
        assert client.get(path).status_code == 403, path
    for path in (
        f"/enkater/{draft}/kopiera",
        f"/enkater/{draft}/stang",
        f"/enkater/{draft}/fragor/{first}/ta-bort",
        f"/enkater/{draft}/fragor/{first}/flytta",
        f"/enkater/{draft}/avsnitt/{section}/ta-bort",
    ):
        assert client.post(path, data={"riktning": "upp"}).status_code == 403, path
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Questionnaire)) == 1
        assert db.session.scalar(select(func.count()).select_from(Question)) == 7


def test_the_pages_cost_the_same_with_more_questions(app, as_role, draft, count_statements):
    client = as_role("coordinator")
    first = question_ids(app, draft)[0]
    client.get(f"/enkater/{draft}")
    counts = []
    for round_ in range(2):
        with count_statements() as counter:
            assert client.get(f"/enkater/{draft}").status_code == 200
            assert client.get("/enkater").status_code == 200
        counts.append(counter.count)
        with app.app_context():
            section = QuestionnaireSection(questionnaire_id=draft, position=3 + round_, title="Mer")
            db.session.add(section)
            db.session.flush()
            for number in range(10):
                db.session.add(
                    Question(
                        questionnaire_id=draft,
                        section_id=section.id,
                        position=number + 1,
                        kind=QuestionKind.SINGLE,
                        text=f"Extra {number}?",
                        options=option_list("A", "B"),
                        show_if_id=first,
                        show_if_value="o1",
                    )
                )
            make_questionnaire(title="Fler")
            db.session.commit()
    assert counts[0] == counts[1] <= 20
    assert len(question_ids(app, draft)) == 27
