"""The public questionnaire form against hostile input: huge answers, scripts in text (escaped
on the receipt and on the team's pages), wrong tokens of every shape, replayed submissions,
hostile form values and a stale CSRF token. Nothing may give a 500."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.questionnaires.models import Answer, QuestionnaireResponse, QuestionnaireStatus

from ..factories import make_organisation
from .builders import add_recipient, make_questionnaire, questions_of

SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def link(app):
    with app.app_context():
        organisation = make_organisation(name="Kramfors kommun")
        questionnaire = make_questionnaire(status=QuestionnaireStatus.SENT)
        _recipient, token = add_recipient(questionnaire, organisation)
        single, who, _multiple, _scale, number, text, _themes = questions_of(questionnaire)
        ids = {"single": single.id, "who": who.id, "number": number.id, "text": text.id}
        questionnaire_id = questionnaire.id
        db.session.commit()
    return {"token": token, "q": ids, "questionnaire_id": questionnaire_id}


def answers_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Answer.id)))


def test_a_long_answer_is_refused_with_a_message(client, link, app):
    page = client.post(
        f"/svar/{link['token']}",
        data={"action": "save", "version": "0", f"q{link['q']['text']}": "x" * 10_001},
    )
    assert page.status_code == 200
    assert "högst 10 000 tecken" in page.text
    assert answers_count(app) == 0


def test_a_huge_post_is_refused_and_not_sent_back_whole(client, link, app):
    """2 MB of text: refused by the form's limit (413, a page of our own) or by the answer's
    length (the form again, with the text cut)."""
    page = client.post(
        f"/svar/{link['token']}",
        data={"action": "submit", "version": "0", f"q{link['q']['text']}": "x" * 2_000_000},
    )
    assert page.status_code in (200, 413)
    if page.status_code == 413:
        assert "Svaret är för långt" in page.text
    else:
        assert "högst 10 000 tecken" in page.text and len(page.text) < 100_000
    assert "Logga in" not in page.text
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert answers_count(app) == 0


def test_too_large_a_form_gets_a_page_of_its_own(make_app, link):
    app = make_app(MAX_CONTENT_LENGTH=1000)
    page = app.test_client().post(
        f"/svar/{link['token']}",
        data={"action": "submit", "version": "0", f"q{link['q']['text']}": "x" * 5000},
    )
    assert page.status_code == 413
    assert "Svaret är för långt" in page.text and "Logga in" not in page.text
    assert answers_count(app) == 0


def test_many_fields_do_not_break_the_form(client, link, app):
    data = {f"q{number}": "o1" for number in range(900)}
    page = client.post(f"/svar/{link['token']}", data={"action": "save", "version": "0", **data})
    assert page.status_code in (200, 302, 413)


def test_a_script_in_a_text_answer_is_escaped_on_the_receipt_and_for_the_team(
    client, link, as_role
):
    sent = client.post(
        f"/svar/{link['token']}",
        data={
            "action": "submit",
            "version": "0",
            f"q{link['q']['single']}": "o1",
            f"q{link['q']['who']}": SCRIPT,
            f"q{link['q']['text']}": SCRIPT,
            "respondent_name": SCRIPT,
        },
    )
    assert sent.status_code == 302
    receipt = client.get(sent.location)
    assert SCRIPT not in receipt.text
    assert "&lt;script&gt;alert(" in receipt.text
    team = as_role("coordinator").get(f"/enkater/{link['questionnaire_id']}/resultat")
    assert team.status_code == 200
    assert SCRIPT not in team.text and "<script>alert" not in team.text


@pytest.mark.parametrize(
    "token",
    [
        "x" * 10_000,
        "%ff%fe%fd",
        "%c3%28",
        "%00",
        "abc%00def",
        "..%2f..%2fetc%2fpasswd",
        "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "a/b/c",
        "%e2%80%ae" * 40,
        "' OR '1'='1",
        "\u00e5\u00e4\u00f6",
        "%ed%a0%80",  # an encoded lone surrogate
        " ",
        "kvitto",
    ],
)
def test_wrong_tokens_of_every_shape_get_the_invalid_page(client, link, token):
    reference = client.get("/svar/" + "z" * 43).text
    for path in (f"/svar/{token}", f"/svar/{token}/kvitto"):
        page = client.get(path)
        assert page.status_code == 404, path
        assert page.text == reference
    posted = client.post(f"/svar/{token}", data={"action": "submit", "version": "0"})
    assert posted.status_code == 404


def test_a_replayed_submission_changes_nothing(client, link, app):
    token = link["token"]
    first = {"action": "submit", "version": "0", f"q{link['q']['single']}": "o2"}
    assert client.post(f"/svar/{token}", data=first).status_code == 302
    with app.app_context():
        before = db.session.scalar(select(QuestionnaireResponse))
        submitted_at, version = before.submitted_at, before.version
    replays = [
        first,
        {"action": "submit", "version": "1", f"q{link['q']['single']}": "o3"},
        {"action": "save", "version": "0", f"q{link['q']['single']}": "o1"},
    ]
    for replay in replays:
        page = client.post(f"/svar/{token}", data=replay)
        assert page.status_code == 302 and page.location == f"/svar/{token}/kvitto"
    receipt = client.get(f"/svar/{token}/kvitto")
    assert "redan inskickade" in receipt.text
    with app.app_context():
        after = db.session.scalar(select(QuestionnaireResponse))
        assert (after.submitted_at, after.version) == (submitted_at, version)
        assert db.session.scalars(select(Answer.choice)).all() == ["o2"]


@pytest.mark.parametrize(
    "values",
    [
        {"version": "99999999999999999999"},
        {"version": "-1"},
        {"version": "%ff"},
        {"version": ""},
        {"action": "%ff", "version": "0"},
        {"version": "0", "respondent_name": "\x00\udcff" * 3, "respondent_email": "x" * 5000},
        {"version": "0", "q{single}": ["o1", "o1", "o2"]},
        {"version": "0", "q{number}": "9" * 5000},
        {"version": "0", "q{number}": "1e308"},
        {"version": "0", "q{who}": "\x00" * 100, "q{single}": "o1"},
    ],
)
def test_hostile_form_values_never_give_a_server_error(client, link, values):
    data = {key.format(**link["q"]): value for key, value in {"action": "submit", **values}.items()}
    body = urlencode(data, doseq=True, encoding="utf-8", errors="surrogatepass").encode()
    page = client.post(
        f"/svar/{link['token']}", data=body, content_type="application/x-www-form-urlencoded"
    )
    assert page.status_code < 500


def test_a_stale_csrf_token_gets_a_swedish_page_with_the_answers_kept(make_app, link):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    assert client.get(f"/svar/{link['token']}").status_code == 200
    other = app.test_client()
    other.get(f"/svar/{link['token']}")
    for token in ("", "stale", "IjAwMDAi.AAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAA"):
        page = client.post(
            f"/svar/{link['token']}",
            data={
                "csrf_token": token,
                "action": "submit",
                "version": "0",
                f"q{link['q']['text']}": "Mitt långa svar",
            },
        )
        assert page.status_code == 400
        assert "Sidan hade varit öppen för länge" in page.text
        assert "Mitt långa svar" in page.text
        assert "Logga in" not in page.text
    with app.app_context():
        assert db.session.scalar(select(func.count(QuestionnaireResponse.id))) == 0


def test_with_csrf_on_a_real_form_still_saves(make_app, link):
    import re

    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    page = client.get(f"/svar/{link['token']}")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    saved = client.post(
        f"/svar/{link['token']}",
        data={
            "csrf_token": csrf,
            "action": "save",
            "version": "0",
            f"q{link['q']['single']}": "o1",
        },
    )
    assert saved.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count(QuestionnaireResponse.id))) == 1
