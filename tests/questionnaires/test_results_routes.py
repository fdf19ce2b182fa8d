"""The results page, its exports and the results' sections on other pages, through the
client: readers may read, the exports parse, drafts never show, and the statement count
stays the same as responses grow."""

from __future__ import annotations

import csv
import io
import re

import pytest
from openpyxl import load_workbook

from app.audit.display import shown_history
from app.common.sections import sections_for
from app.extensions import db
from app.organisations.models import Organisation
from app.questionnaires import hooks
from app.questionnaires.models import Questionnaire, QuestionnaireResponse, ResponseStatus

from .builders import add_recipient, make_response
from .results_world import build_results_world, empty_questionnaire, municipality


@pytest.fixture
def world(seeded, users):
    with seeded.app_context():
        built = build_results_world()
        db.session.commit()
    return built


def results_url(world) -> str:
    return f"/enkater/{world.questionnaire_id}/resultat"


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_reader_sees_rates_counts_texts_and_map(world, as_role):
    client = as_role("reader")
    response = client.get(results_url(world))
    assert response.status_code == 200
    page = text_of(response.text)
    assert "3 av 6 (50 %)" in page
    assert "Stockholms län 3 2 67 %" in page
    assert "Arbetar aktivt 2 2 100 %" in page
    assert "Ja 2 67 %" in page
    assert "Socialtjänsten 2 67 %" in page
    assert "Medelvärde: 3,67" in page
    assert "Median 10" in page
    assert "Tolk 2 100 %" in page
    # Texts by municipality, in name order; the draft's answers never show.
    assert page.index("Umeå kommun Bo Berg") < page.index("Upplands Väsby kommun Anna Andersson")
    assert "Vet inte 0 0 %" in page
    assert "1000" not in page
    # The map is coloured by the first single choice question: Ja for Väsby and Umeå.
    assert 'data-code="0114"' in response.text
    assert "Upplands Väsby kommun: Ja" in response.text
    assert "Skellefteå kommun: Inget svar" in response.text
    assert "Svarsfrekvens" in page and "Påbörjade svar" in page


def test_choosing_a_question_for_the_map(world, as_role):
    client = as_role("reader")
    scale = world.question_ids[3]
    response = client.get(f"{results_url(world)}?fraga={scale}")
    assert response.status_code == 200
    assert f'<option value="{scale}" selected>' in response.text
    assert "Vallentuna kommun: 2" in response.text
    assert "Umeå kommun: 5 – Mycket väl" in response.text
    number = world.question_ids[4]
    response = client.get(f"{results_url(world)}?fraga={number}")
    assert "Vallentuna kommun: 3–" in response.text  # the lowest range starts at 3


def test_one_option_of_a_multiple_choice_and_a_theme_on_the_map(world, as_role):
    client = as_role("reader")
    multiple = world.question_ids[2]
    response = client.get(f"{results_url(world)}?fraga={multiple}:o1")
    assert f'<option value="{multiple}:o1" selected>' in response.text
    assert "Upplands Väsby kommun: Valde ”Socialtjänsten”" in response.text
    assert "Umeå kommun: Svarade utan det" in response.text
    assert "Skellefteå kommun: Inget svar" in response.text
    themes = world.question_ids[6]
    tolk = world.themes["tolk"]
    response = client.get(f"{results_url(world)}?fraga={themes}:{tolk}")
    assert "Vallentuna kommun: Valde ”Tolk”" in response.text
    # Umeå submitted but left the theme question out: no answer to it.
    assert "Umeå kommun: Inget svar" in response.text


@pytest.mark.parametrize(
    "value", ["x", "-1", "99999999999999999999", "<script>", "", "3:", "3:o9", ":o1"]
)
def test_a_bad_question_falls_back_to_the_first(world, as_role, value):
    response = as_role("reader").get(results_url(world), query_string={"fraga": value})
    assert response.status_code == 200
    assert f'<option value="{world.question_ids[0]}" selected>' in response.text


def test_missing_questionnaire_is_404(world, as_role):
    assert as_role("reader").get("/enkater/999999/resultat").status_code == 404
    assert as_role("reader").get("/enkater/999999/resultat.csv").status_code == 404


def test_empty_questionnaire_page(seeded, as_role):
    with seeded.app_context():
        questionnaire_id = empty_questionnaire().id
        db.session.commit()
    client = as_role("reader")
    response = client.get(f"/enkater/{questionnaire_id}/resultat")
    assert response.status_code == 200
    assert "Inga mottagare" in response.text
    assert "Enkäten har inga frågor." in response.text
    for fmt in ("xlsx", "csv"):
        assert client.get(f"/enkater/{questionnaire_id}/resultat.{fmt}").status_code == 200


def test_xlsx_one_row_per_organisation_one_column_per_question(world, as_role):
    response = as_role("reader").get(f"{results_url(world)}.xlsx")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.data))
    sheet = workbook.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == (
        "Organisation",
        "Kommunkod",
        "Län",
        "Inskickad",
        "1. Har kommunen en utsedd kontaktperson för återvandring?",
    )
    assert len(rows[0]) == 4 + 7
    assert [row[0] for row in rows[1:]] == [
        "Umeå kommun",
        "Upplands Väsby kommun",
        "Vallentuna kommun",
    ]
    vasby = rows[2]
    assert vasby[1] == "0114"
    assert vasby[2] == "Stockholms län"
    assert vasby[3].strftime("%Y-%m-%d %H:%M") == "2026-11-03 14:30"  # Stockholm time
    assert vasby[4:] == (
        "Ja",
        "Anna Andersson",
        "Socialtjänsten, Integration",
        4,
        10,
        "Tolk saknas",
        "Tolk, Kunskap hos handläggare",
    )
    rates = list(workbook.worksheets[1].iter_rows(values_only=True))
    assert ("Alla mottagare", 6, 3, 50) in rates
    assert ("Län: Stockholms län", 3, 2, 67) in rates


def test_csv_parses(world, as_role):
    response = as_role("reader").get(f"{results_url(world)}.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "Organisation"
    assert len(rows) == 4
    vasby = rows[2]
    assert vasby[:4] == ["Upplands Väsby kommun", "0114", "Stockholms län", "2026-11-03 14:30"]
    assert vasby[6] == "Socialtjänsten, Integration"
    assert vasby[-1] == "Tolk, Kunskap hos handläggare"


def test_statement_counts_do_not_grow_with_responses(world, seeded, as_role, count_statements):
    client = as_role("reader")
    paths = [results_url(world), f"{results_url(world)}.xlsx", f"{results_url(world)}.csv"]
    organisation = f"/organisationer/{world.organisations['vasby']}"

    def measure() -> list[int]:
        counts = []
        for path in [*paths, organisation]:
            client.get(path)  # warm
            with count_statements() as counter:
                assert client.get(path).status_code == 200
            counts.append(counter.count)
        return counts

    before = measure()
    with seeded.app_context():
        questionnaire = db.session.get(Questionnaire, world.questionnaire_id)
        q = world.question_ids
        for code in ("0117", "1280", "0180", "1480", "0380", "0580"):
            organisation_row = municipality(code)
            if code not in ("0117", "1280"):
                add_recipient(questionnaire, organisation_row)
            make_response(
                questionnaire,
                organisation_row,
                {q[0]: "o2", q[2]: ["o1", "o3"], q[3]: 3, q[4]: 7, q[5]: f"Text {code}"},
            )
        db.session.commit()
    assert measure() == before


def test_organisation_page_shows_its_answers_in_words(world, as_role):
    response = as_role("reader").get(f"/organisationer/{world.organisations['vasby']}")
    assert response.status_code == 200
    page = text_of(response.text)
    assert "Enkätsvar" in page
    assert "Kommunernas arbete med återvandring 2027" in page
    assert "Socialtjänsten, Integration" in page
    assert "Tolk, Kunskap hos handläggare" in page
    assert f"/enkater/{world.questionnaire_id}/resultat" in response.text
    # The draft of Skellefteå is not shown as an answer.
    draft_page = as_role("reader").get(f"/organisationer/{world.organisations['skelleftea']}")
    assert "Enkätsvar" not in draft_page.text


def test_questionnaire_section_shows_rate_and_link(world, seeded):
    with seeded.test_request_context():
        questionnaire = db.session.get(Questionnaire, world.questionnaire_id)
        sections = [
            s
            for s in sections_for("questionnaire", questionnaire)
            if s.template == "questionnaire_results/_questionnaire_section.html"
        ]
        assert len(sections) == 1
        from flask import render_template

        html = render_template(sections[0].template, ctx=sections[0].context)
        assert "3 av 6 (50 %)" in text_of(html)
        assert f"/enkater/{world.questionnaire_id}/resultat" in html


def test_submitting_writes_the_organisation_history(world, seeded):
    with seeded.test_request_context():
        draft = db.session.scalar(
            db.select(QuestionnaireResponse).filter_by(
                organisation_id=world.organisations["skelleftea"]
            )
        )
        from datetime import UTC, datetime

        draft.status = ResponseStatus.SUBMITTED
        draft.submitted_at = datetime(2026, 11, 20, 8, 5, tzinfo=UTC)
        draft.respondent_name = "Sara Svensson"
        db.session.flush()
        hooks.submitted(draft)
        db.session.flush()
        events = shown_history(db.session.get(Organisation, world.organisations["skelleftea"]))
        event = events[0]
        assert event.action == "svarade på enkäten"
        assert event.note == "«Kommunernas arbete med återvandring 2027»"
        assert event.actor == "Sara Svensson"
        from app.common.formatting import format_datetime

        assert format_datetime(event.occurred_at) == "2026-11-20 09:05"
        db.session.rollback()


def test_the_pages_stay_within_the_house_limit(world, as_role, count_statements):
    from tests.test_statement_counts import LIMIT

    client = as_role("reader")
    for path, limit in (
        (results_url(world), LIMIT),
        (f"/organisationer/{world.organisations['vasby']}", LIMIT),
    ):
        client.get(path)
        with count_statements() as counter:
            client.get(path)
        assert counter.count <= limit, (path, counter.count)


def test_questionnaire_page_links_to_the_results(world, as_role):
    response = as_role("reader").get(f"/enkater/{world.questionnaire_id}")
    assert response.status_code == 200
    assert "3 av 6 (50 %)" in text_of(response.text)
    assert f'href="/enkater/{world.questionnaire_id}/resultat"' in response.text
    results = as_role("reader").get(results_url(world))
    assert f'href="/enkater/{world.questionnaire_id}"' in results.text  # back to it


def test_a_draft_questionnaire_has_no_results_section(seeded):
    from .builders import make_questionnaire

    with seeded.test_request_context():
        draft = make_questionnaire()
        templates = [s.template for s in sections_for("questionnaire", draft)]
        assert "questionnaire_results/_questionnaire_section.html" not in templates
        db.session.rollback()


def test_a_submission_through_the_public_service_reaches_rate_page_and_history(
    world, seeded, as_role
):
    from sqlalchemy import select

    from app.questionnaires.answering import submit
    from app.questionnaires.models import QuestionnaireRecipient

    malmo = world.organisations["malmo"]
    q = world.question_ids
    with seeded.test_request_context():
        recipient = db.session.scalar(
            select(QuestionnaireRecipient).filter_by(
                questionnaire_id=world.questionnaire_id, organisation_id=malmo
            )
        )
        submit(
            recipient,
            posted={f"q{q[0]}": ["o2"], f"q{q[3]}": ["3"], f"q{q[5]}": ["Vi saknar tolkar."]},
            name="Maja Malm",
            version=0,
        )
        db.session.commit()
    client = as_role("reader")
    assert "4 av 6 (67 %)" in text_of(client.get(results_url(world)).text)
    page = text_of(client.get(f"/organisationer/{malmo}").text)
    assert "Maja Malm · svarade på enkäten" in page
    assert "«Kommunernas arbete med återvandring 2027»" in page
    assert "Vi saknar tolkar." in page
