"""The public pages under /svar (app/questionnaires/public_routes.py) and the preview: a link
opens one questionnaire for one organisation; every link that does not work gets the same
page; guessing is throttled; the headers; the privacy and accessibility pages; the preview
needs a login and writes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import render_template
from sqlalchemy import func, select

from app.common.sections import sections_for
from app.common.time import local_today
from app.extensions import db
from app.questionnaires import answering
from app.questionnaires.models import (
    Answer,
    Question,
    QuestionKind,
    QuestionnaireLink,
    QuestionnaireResponse,
    QuestionnaireStatus,
    ResponseStatus,
)
from app.security.models import SecurityEvent

from ..factories import make_organisation
from .builders import add_recipient, make_questionnaire, questions_of


@pytest.fixture
def links(app):
    """Tokens: two municipalities on a sent questionnaire; a closed, an expired and a draft
    questionnaire's links; plus the question ids of the open one."""
    with app.app_context():
        kramfors = make_organisation(name="Kramfors kommun")
        solleftea = make_organisation(name="Sollefteå kommun")
        questionnaire = make_questionnaire(status=QuestionnaireStatus.SENT)
        questionnaire.title_en = "Municipal work on return 2027"
        _r, token = add_recipient(questionnaire, kramfors)
        _r, other = add_recipient(questionnaire, solleftea)
        closed = make_questionnaire(title="Stängd", status=QuestionnaireStatus.CLOSED)
        _r, closed_token = add_recipient(closed, kramfors)
        expired = make_questionnaire(
            title="Utgången",
            status=QuestionnaireStatus.SENT,
            closes_on=local_today() - timedelta(days=1),
        )
        _r, expired_token = add_recipient(expired, kramfors)
        draft = make_questionnaire(title="Utkast")
        _r, draft_token = add_recipient(draft, kramfors)
        ids = {name: q.id for name, q in zip(NAMES, questions_of(questionnaire), strict=True)}
        questionnaire_id = questionnaire.id
        db.session.commit()
    return {
        "token": token,
        "other": other,
        "closed": closed_token,
        "expired": expired_token,
        "draft": draft_token,
        "q": ids,
        "questionnaire_id": questionnaire_id,
    }


NAMES = ("single", "who", "multiple", "scale", "number", "text", "themes")


def form_data(links, *, action="save", version=0, **values) -> dict:
    data: dict = {"action": action, "version": str(version)}
    for name, value in values.items():
        data[f"q{links['q'][name]}"] = value
    return data


def test_a_link_opens_its_questionnaire_for_its_organisation(client, links, app):
    page = client.get(f"/svar/{links['token']}")
    assert page.status_code == 200
    assert "Kommunernas arbete med återvandring 2027" in page.text
    assert "Logga ut" not in page.text and "Huvudmeny" not in page.text  # not the team's
    saved = client.post(
        f"/svar/{links['token']}", data=form_data(links, single="o1", who="Anna Berg")
    )
    assert saved.status_code == 302 and saved.location == f"/svar/{links['token']}"
    page = client.get(saved.location)
    assert "Anna Berg" in page.text and "sparade som utkast" in page.text
    other = client.get(f"/svar/{links['other']}")
    assert other.status_code == 200 and "Anna Berg" not in other.text
    assert client.get(f"/svar/{links['other']}/kvitto").status_code == 302  # no receipt yet
    with app.app_context():
        response = db.session.scalar(select(QuestionnaireResponse))
        assert response.organisation.name == "Kramfors kommun"
        used = db.session.scalars(
            select(QuestionnaireLink.last_used_at).order_by(QuestionnaireLink.id)
        ).all()
        assert used[0] is not None and used[1] is not None  # opened; the others never


def test_submit_leads_to_the_receipt_and_the_form_is_closed_after(client, links):
    token = links["token"]
    sent = client.post(
        f"/svar/{token}",
        data=form_data(links, action="submit", single="o1", who="Anna", number="3,5"),
    )
    assert sent.status_code == 302 and sent.location == f"/svar/{token}/kvitto"
    receipt = client.get(sent.location)
    assert receipt.status_code == 200
    assert "Kvitto" in receipt.text and "Kramfors kommun" in receipt.text
    assert (
        "3,5" in receipt.text and "Anna" in receipt.text and "Tack för dina svar!" in receipt.text
    )
    assert client.get(f"/svar/{token}").location == f"/svar/{token}/kvitto"


def test_missing_required_answer_on_submit_shows_the_error_summary(client, links):
    page = client.post(f"/svar/{links['token']}", data=form_data(links, action="submit"))
    assert page.status_code == 200
    single = links["q"]["single"]
    assert 'class="error-summary"' in page.text
    assert f'href="#q{single}-1"' in page.text  # to the group's first option
    assert f'aria-describedby="q{single}-error"' in page.text
    assert "Frågan måste besvaras" in page.text


def test_a_version_conflict_is_a_clear_message(client, links, app):
    client.post(f"/svar/{links['token']}", data=form_data(links, single="o1"))
    client.post(f"/svar/{links['token']}", data=form_data(links, version=1, single="o2"))
    late = client.post(
        f"/svar/{links['token']}", data=form_data(links, version=1, single="o3", who="Mine")
    )
    assert late.status_code == 409
    assert "En kollega i er organisation sparade svaren" in late.text
    assert 'value="Mine"' in late.text  # what they wrote is kept
    assert 'name="version" value="2"' in late.text  # saving again takes over
    with app.app_context():
        assert (
            db.session.scalar(
                select(Answer.choice).where(Answer.question_id == links["q"]["single"])
            )
            == "o2"
        )


@pytest.mark.parametrize("kind", ["wrong", "closed", "expired", "draft", "short", "long"])
def test_links_that_do_not_work_all_get_the_same_page(client, links, kind):
    token = {
        "wrong": "x" * 43,
        "short": "a",
        "long": "b" * 10_000,
    }.get(kind) or links[kind]
    reference = client.get("/svar/" + "z" * 43)
    page = client.get(f"/svar/{token}")
    assert page.status_code == 404
    assert page.text == reference.text
    assert "Länken fungerar inte" in page.text
    assert len(token) < 5 or token not in page.text
    assert client.get(f"/svar/{token}/kvitto").text == reference.text
    assert client.post(f"/svar/{token}", data=form_data(links, single="o1")).status_code == 404


def test_the_token_is_not_written_to_the_security_log(client, links, app):
    client.get("/svar/" + "q" * 43)
    with app.app_context():
        subjects = db.session.scalars(select(SecurityEvent.subject)).all()
    assert subjects == ["/svar/***"]


def test_guessing_is_throttled_per_address(make_app, links):
    app = make_app(PUBLIC_THROTTLE_LIMIT=3)
    guesser = app.test_client()
    for number in range(3):
        assert guesser.get(f"/svar/wrong{number}").status_code == 404
    limited = guesser.get("/svar/wrong4")
    assert limited.status_code == 429
    assert "För många försök" in limited.text and "Vänta 15 minuter" in limited.text
    assert limited.headers["Cache-Control"] == "no-store"
    assert guesser.get(f"/svar/{links['token']}").status_code == 429  # the address waits
    elsewhere = app.test_client()
    page = elsewhere.get(f"/svar/{links['token']}", environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert page.status_code == 200


@pytest.mark.parametrize("path", ["/svar/{token}", "/svar/{token}/kvitto", "/svar/fel"])
def test_token_pages_send_no_referrer_and_are_not_cached(client, links, path):
    page = client.get(path.format(token=links["token"]))
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert page.headers["Cache-Control"] == "no-store"


def test_privacy_and_accessibility_pages_are_public(client):
    privacy = client.get("/svar/integritet")
    assert privacy.status_code == 200
    for words in (
        "Nationella samordnaren för frivillig återvandring",
        "personuppgiftsansvarig",
        "allmänna handlingar",
        "arkivlagen",
        "registerutdrag",
        "Integritetsskyddsmyndigheten",
    ):
        assert words in privacy.text
    accessibility = client.get("/svar/tillganglighet")
    assert accessibility.status_code == 200
    for words in ("(2018:1937)", "WCAG 2.1", "Digg", "Rapportera brister"):
        assert words in accessibility.text
    assert "Logga in" not in privacy.text + accessibility.text


def test_contact_address_is_shown_when_configured(make_app):
    app = make_app(PUBLIC_CONTACT_EMAIL="aterv@example.se")
    with app.app_context():
        db.create_all()
    page = app.test_client().get("/svar/tillganglighet")
    assert 'href="mailto:aterv@example.se"' in page.text


def test_english_uses_the_english_texts_where_filled(client, links):
    page = client.get(f"/svar/{links['token']}?lang=en")
    assert '<html lang="en">' in page.text
    assert "Municipal work on return 2027" in page.text
    assert "Har kommunen en utsedd kontaktperson" in page.text  # no English: the Swedish
    assert 'href="?lang=sv"' in page.text
    again = client.get(f"/svar/{links['token']}")  # remembered
    assert "Municipal work on return 2027" in again.text


def test_the_form_costs_the_same_whatever_its_size(client, links, app, count_statements):
    token = links["token"]
    client.post(f"/svar/{token}", data=form_data(links, single="o1", who="Anna"))
    with count_statements() as small:
        client.get(f"/svar/{token}")
    with app.app_context():
        section_id = db.session.get(Question, links["q"]["single"]).section_id
        added = []
        for position in range(10, 30):
            question = Question(
                questionnaire_id=links["questionnaire_id"],
                section_id=section_id,
                position=position,
                kind=QuestionKind.MULTIPLE,
                text=f"Fråga {position}",
                options=[{"key": "a", "sv": "A"}, {"key": "b", "sv": "B"}],
                show_if_id=links["q"]["single"],
                show_if_value="o1",
            )
            db.session.add(question)
            added.append(question)
        db.session.flush()
        more = {f"q{q.id}": ["a", "b"] for q in added}
        db.session.commit()
    saved = client.post(
        f"/svar/{token}", data={**form_data(links, version=1, single="o1", who="Anna"), **more}
    )
    assert saved.status_code == 302
    with count_statements() as large:
        client.get(f"/svar/{token}")
    assert large.count == small.count


# --- the preview --------------------------------------------------------------------------


def test_the_preview_needs_a_login(client, links):
    page = client.get(f"/enkater/{links['questionnaire_id']}/forhandsgranska")
    assert page.status_code == 302 and "/logga-in" in page.location


@pytest.mark.parametrize("role", ["reader", "coordinator", "admin"])
def test_the_preview_shows_the_form_and_writes_nothing(as_role, links, app, role):
    client = as_role(role)
    page = client.get(f"/enkater/{links['questionnaire_id']}/forhandsgranska")
    assert page.status_code == 200
    assert "Förhandsgranskning" in page.text
    assert "Har kommunen en utsedd kontaktperson" in page.text
    assert page.text.count("disabled") == 2  # both buttons
    assert 'name="csrf_token"' not in page.text and 'name="version"' not in page.text
    assert client.post(f"/enkater/{links['questionnaire_id']}/forhandsgranska").status_code in (
        403,
        405,
    )
    with app.app_context():
        assert db.session.scalar(select(func.count(QuestionnaireResponse.id))) == 0
        assert (
            db.session.scalar(
                select(func.count(QuestionnaireLink.id)).where(
                    QuestionnaireLink.last_used_at.is_not(None)
                )
            )
            == 0
        )


def test_the_preview_of_a_missing_questionnaire_is_404(as_role):
    assert as_role("reader").get("/enkater/999/forhandsgranska").status_code == 404


def test_the_questionnaire_page_gets_the_preview_section(app, links):
    with app.test_request_context():
        questionnaire = answering.load_questionnaire(links["questionnaire_id"])
        sections = [
            s
            for s in sections_for("questionnaire", questionnaire)
            if s.template == "questionnaires/_preview_section.html"
        ]
        assert len(sections) == 1
        html = render_template(sections[0].template, **sections[0].context)
    assert f"/enkater/{links['questionnaire_id']}/forhandsgranska" in html


def test_a_submitted_response_is_not_reopened_by_a_new_link(client, links, app):
    client.post(f"/svar/{links['token']}", data=form_data(links, action="submit", single="o2"))
    with app.app_context():
        response = db.session.scalar(select(QuestionnaireResponse))
        assert response.status is ResponseStatus.SUBMITTED
        recipient_link = db.session.scalar(select(QuestionnaireLink).order_by(QuestionnaireLink.id))
        from app.questionnaires.links import give_link

        reminder_token = give_link(recipient_link.recipient)
        db.session.commit()
    assert client.get(f"/svar/{reminder_token}").location == f"/svar/{reminder_token}/kvitto"


def test_the_access_log_masks_questionnaire_tokens(links):
    """gunicorn's access log (app/security/access_log.py) writes no token."""
    from app.security.access_log import mask

    token = links["token"]
    assert mask(f"POST /svar/{token} HTTP/1.1") == "POST /svar/*** HTTP/1.1"
    assert mask(f"/svar/{token}/kvitto?lang=en") == "/svar/***/kvitto?lang=en"
    assert mask("GET /svar/integritet HTTP/1.1") == "GET /svar/integritet HTTP/1.1"
    assert mask("/svar/tillganglighet?lang=en") == "/svar/tillganglighet?lang=en"
