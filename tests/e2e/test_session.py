"""The session warning in Chromium (WCAG 2.2.1): with a short session lifetime the warning
appears with a countdown, its button extends the session, and when time runs out the text
typed into a form is filled in again after logging in."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from ..served import served_app
from .conftest import chromium_available, log_in
from .world import PASSWORD, USERS

#: Seconds an idle session lasts in these tests; the warning shows 20 s before the end.
LIFETIME = 24


@pytest.fixture(scope="module")
def short_server() -> Iterator[str]:
    """Gunicorn (two workers) with PERMANENT_SESSION_LIFETIME = LIFETIME seconds."""
    if not chromium_available():
        pytest.skip("no Chromium")
    with served_app(
        world="tests.e2e.world",
        prefix="samverkan-e2e-session-",
        env={"SAMVERKAN_PERMANENT_SESSION_LIFETIME": str(LIFETIME)},
    ) as served:
        yield served.base


@pytest.fixture
def page(browser, short_server):
    context = browser.new_context(
        base_url=short_server, locale="sv-SE", timezone_id="Europe/Stockholm"
    )
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def test_the_warning_shows_and_extending_keeps_the_session(page):
    log_in(page, "coordinator")
    started = time.monotonic()
    warning = page.get_by_role("alertdialog", name="Din session går snart ut")
    warning.wait_for(state="visible", timeout=(LIFETIME - 20 + 5) * 1000)
    assert page.locator("[data-session-countdown]").inner_text().startswith("0:")
    extend = page.get_by_role("button", name="Förläng sessionen")
    assert extend.evaluate("button => document.activeElement === button")
    with page.expect_response("**/sessionen/forlang") as answer:
        extend.click()
    assert answer.value.status == 200
    warning.wait_for(state="hidden")
    # Past the first lifetime: the session lives on because it was extended.
    time.sleep(max(0, LIFETIME + 2 - (time.monotonic() - started)))
    page.goto("/kontakter")
    assert "/logga-in" not in page.url
    assert page.get_by_role("heading", name="Kontakter").first.is_visible()


def test_text_in_a_form_comes_back_after_logging_in_again(page):
    log_in(page, "coordinator")
    page.goto("/kontakter/ny")
    page.get_by_label("Förnamn").fill("Ingegerd")
    page.get_by_label("Efternamn").fill("Sparad-Text")
    expired = page.get_by_text("Sessionen har gått ut.")
    expired.wait_for(state="visible", timeout=(LIFETIME + 5) * 1000)
    page.get_by_role("link", name="Logga in igen").click()
    page.wait_for_url("**/logga-in**")
    page.get_by_label("E-postadress").fill(USERS["coordinator"][0])
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url("**/kontakter/ny")
    assert page.get_by_label("Förnamn").input_value() == "Ingegerd"
    assert page.get_by_label("Efternamn").input_value() == "Sparad-Text"
    assert page.get_by_text("Det du skrev innan du loggades ut är ifyllt igen.").is_visible()
    page.reload()  # filled in once, then forgotten
    assert page.get_by_label("Förnamn").input_value() == ""
