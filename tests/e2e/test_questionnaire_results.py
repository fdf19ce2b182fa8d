"""A questionnaire's results in Chromium: choose a question (or one option of a multiple
choice question) for the map with a plain form (no script needed), see the municipalities
coloured and the legend; the page has no axe violations and fits 320 px without sideways
scrolling."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from app.questionnaires.result_charts import NO_ANSWER, SEQUENTIAL

from ..served import served_app
from .conftest import log_in, screenshot
from .test_accessibility import axe_violations

RESULTS = "/enkater/1/resultat"  # the only questionnaire of tests/e2e/results_world.py


@pytest.fixture(scope="module")
def results_server(browser) -> Iterator[str]:
    with served_app(world="tests.e2e.results_world", prefix="samverkan-results-e2e-") as served:
        yield served.base


@pytest.fixture
def reader(browser, results_server):
    context = browser.new_context(
        base_url=results_server, locale="sv-SE", timezone_id="Europe/Stockholm"
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    log_in(page, "reader")
    yield page
    context.close()


def area_fill(page, code: str) -> str | None:
    return page.locator(f'svg.map path[data-code="{code}"]').get_attribute("fill")


def test_choose_a_question_and_see_the_map_coloured(reader):
    page = reader
    page.goto(RESULTS)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Resultat")
    expect(page.locator("[data-figure=answered]")).to_have_text("3 av 6 (50 %)")
    # The first single-choice question is shown: Ja for Upplands Väsby and Umeå.
    legend = page.locator(".result-legend")
    expect(legend.locator("li").first).to_contain_text("Ja")
    expect(legend.locator("li").first).to_contain_text("2")
    assert area_fill(page, "0114") == area_fill(page, "2480")
    assert area_fill(page, "2482") == NO_ANSWER  # a draft is not an answer
    assert page.locator('svg.map path[data-code="0180"]').get_attribute("fill") is None

    page.get_by_label("Fråga att visa på kartan").select_option(
        label="Hur väl känner handläggarna till återvandringsbidraget?"
    )
    page.get_by_role("button", name="Visa på kartan").click()
    page.wait_for_url("**fraga=*")
    items = legend.locator("li")
    expect(items).to_have_count(6)  # five steps and "Inget svar"
    expect(items.nth(4)).to_contain_text("5 – Mycket väl")
    expect(items.nth(4).locator(".legend__count")).to_have_text("1")
    expect(items.nth(5)).to_contain_text("Inget svar")
    expect(items.nth(5).locator(".legend__count")).to_have_text("3")
    assert area_fill(page, "2480") == SEQUENTIAL[4]  # Umeå answered 5
    assert area_fill(page, "0115") == SEQUENTIAL[1]  # Vallentuna answered 2
    assert area_fill(page, "0117") == NO_ANSWER
    title = page.locator('svg.map path[data-code="2480"]').locator("xpath=..").locator("title")
    expect(title).to_have_text("Umeå kommun: 5 – Mycket väl")
    screenshot(page, "questionnaire-results")
    assert not axe_violations(page)

    # One option of the multiple choice question: who chose it, who answered without it.
    page.get_by_label("Fråga att visa på kartan").select_option(
        label="Vilka förvaltningar arbetar med frågan? – Socialtjänsten"
    )
    page.get_by_role("button", name="Visa på kartan").click()
    page.wait_for_url("**fraga=*%3Ao1*")
    expect(items).to_have_count(3)
    expect(items.nth(0)).to_contain_text("Valde ”Socialtjänsten”")
    expect(items.nth(0).locator(".legend__count")).to_have_text("2")
    expect(items.nth(1)).to_contain_text("Svarade utan det")
    assert area_fill(page, "0115") == area_fill(page, "0114") != area_fill(page, "2480")

    # A municipality on the map leads to its page, where its answers are in words.
    page.locator('svg.map path[data-code="0115"]').locator("xpath=..").click()
    expect(page.get_by_role("heading", name="Enkätsvar")).to_be_visible()
    expect(page.locator(".answer-list")).to_contain_text("Brist på kunskap")


@pytest.mark.parametrize("width", [320, 1920])
def test_fits_without_sideways_scroll(reader, width):
    page = reader
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(RESULTS)
    expect(page.get_by_role("button", name="Visa på kartan")).to_be_visible()
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, scroll_width
    if width == 320:
        screenshot(page, "questionnaire-results-320")
        assert not axe_violations(page)
