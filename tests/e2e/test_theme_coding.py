"""Coding a questionnaire's free-text answers in the browser: from the questionnaire's page
to its coding page, add "Kunskap hos handläggare" to Kramfors's answer, and see both it and
"Tolk" (picked by Kramfors in the theme question) counted in the lägesbild; 320 px, axe."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from ..served import served_app
from .conftest import chromium_available, log_in
from .test_accessibility import axe_violations
from .test_layout import LAYOUT_PROBLEMS
from .themes_world import ANSWER, TITLE


@pytest.fixture(scope="module")
def themes_server() -> Iterator[str]:
    if not chromium_available():
        pytest.fail("chromium is missing")
    with served_app(world="tests.e2e.themes_world", prefix="samverkan-themes-") as served:
        yield served.base


@pytest.fixture
def coordinator(browser, themes_server):
    context = browser.new_context(
        base_url=themes_server, locale="sv-SE", timezone_id="Europe/Stockholm"
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    log_in(page, "coordinator")
    yield page
    context.close()


def test_code_a_free_text_answer(coordinator):
    page = coordinator
    page.goto("/enkater")
    page.get_by_role("link", name=TITLE).click()
    page.get_by_role("link", name="Koda fritextsvaren med teman").click()
    expect(page.get_by_role("heading", name="Koda fritextsvar")).to_be_visible()
    answer = page.locator("section.coded-answer", has_text="Kramfors kommun")
    expect(answer.get_by_text(ANSWER)).to_be_visible()
    answer.get_by_label("Tema", exact=True).select_option(label="Kunskap hos handläggare")
    answer.get_by_label("Möjlighet eller utmaning").select_option(label="Utmaning")
    answer.get_by_label("Anteckning").fill("handläggarna behöver mer kunskap")
    answer.get_by_role("button", name="Lägg till temat").click()
    expect(page.get_by_role("status").filter(has_text="är kodat med")).to_be_visible()
    expect(answer.get_by_role("link", name="Kunskap hos handläggare")).to_be_visible()
    assert not axe_violations(page)
    page.set_viewport_size({"width": 320, "height": 900})
    assert not page.evaluate(LAYOUT_PROBLEMS, False)

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/rapporter/lagesbild")
    challenges = page.locator("section[data-section='themes'] table[data-side='utmaning']")
    for name in ("Tolk", "Kunskap hos handläggare"):
        row = challenges.locator("tr", has=page.get_by_role("link", name=name, exact=True))
        expect(row.locator("[data-figure='theme-municipalities']")).to_have_text("1")
