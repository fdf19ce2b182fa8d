"""The respondent's side in Chromium: answer a questionnaire with the keyboard alone (the
condition reveals its question), save a draft, reload and find it, submit, see the receipt;
axe finds nothing at 320, 1280 and 1920 px on the form (also with errors), the receipt, the page
for a link that does not work, the privacy notice, the accessibility statement and the
team's preview, and no page scrolls sideways."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from ..served import served_app
from .conftest import log_in, screenshot
from .questionnaire_public_world import HARNOSAND, KRAMFORS, SOLLEFTEA, THEME
from .test_accessibility import axe_violations


@pytest.fixture(scope="module")
def public_server() -> Iterator[str]:
    with served_app(
        world="tests.e2e.questionnaire_public_world", prefix="samverkan-public-e2e-"
    ) as served:
        yield served.base


@pytest.fixture
def respondent(browser, public_server):
    """A page outside the login, as a respondent opens the link from the e-mail."""
    context = browser.new_context(
        base_url=public_server, locale="sv-SE", timezone_id="Europe/Stockholm"
    )
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def tab_to(page, selector: str, *, limit: int = 80) -> None:
    """Press Tab until the element matching `selector` has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def question_id(page, text: str) -> str:
    """The field name (q<id>) of the question whose label or legend holds `text`."""
    return page.evaluate(
        """text => [...document.querySelectorAll('.question')]
             .find(q => q.textContent.includes(text)).id.replace('-question', '')""",
        text,
    )


def test_answer_with_the_keyboard_alone(respondent):
    page = respondent
    page.goto(f"/svar/{KRAMFORS}")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Kommunernas arbete med återvandring 2027"
    )
    contact = question_id(page, "Har kommunen en utsedd kontaktperson")
    who = question_id(page, "Vem är kontaktperson?")
    expect(page.locator(f"#{who}-question")).to_be_hidden()  # its condition is not met

    # The first question: Tab into the group, Space chooses "Ja", and the next one appears.
    tab_to(page, f"#{contact}-1")
    page.keyboard.press("Space")
    expect(page.locator(f"#{contact}-1")).to_be_checked()
    expect(page.locator(f"#{who}-question")).to_be_visible()
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") == who
    page.keyboard.type("Anna Berg, socialsekreterare")

    tab_to(page, "input[type=checkbox]")  # Vilka förvaltningar …: Socialtjänsten
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")  # Arbetsmarknad

    tab_to(page, "input[type=radio][value='1']")  # the scale: arrows move the choice
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Tab")
    page.keyboard.type("3,5")  # the number, with a decimal comma
    page.keyboard.press("Tab")
    page.keyboard.type("Tolkar saknas ofta.")
    tab_to(page, "input[type=checkbox]")
    page.keyboard.press("Space")  # the theme
    tab_to(page, "#respondent_name")
    page.keyboard.type("Anna Berg")
    tab_to(page, "button[value=save]")
    page.keyboard.press("Enter")

    expect(page.get_by_role("status")).to_contain_text("sparade som utkast")
    page.reload()  # the draft is there, for anyone with a link to Kramfors
    expect(page.locator(f"#{contact}-1")).to_be_checked()
    expect(page.locator(f"#{who}")).to_have_value("Anna Berg, socialsekreterare")
    expect(page.get_by_label("Arbetsmarknad")).to_be_checked()
    expect(page.get_by_label("4", exact=True)).to_be_checked()
    expect(page.get_by_label("Hur många ärenden")).to_have_value("3,5")
    expect(page.get_by_label(THEME)).to_be_checked()

    # Choosing "Nej" hides the conditional question again (its answer is not kept).
    page.get_by_label("Nej").focus()
    page.keyboard.press("Space")
    expect(page.locator(f"#{who}-question")).to_be_hidden()
    page.get_by_label("Ja", exact=True).focus()
    page.keyboard.press("Space")
    expect(page.locator(f"#{who}-question")).to_be_visible()

    tab_to(page, "button[value=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/svar/{KRAMFORS}/kvitto")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kvitto")
    receipt = page.locator("dl.receipt")
    for shown in ("Ja", "Anna Berg, socialsekreterare", "Arbetsmarknad", "3,5", THEME):
        expect(receipt).to_contain_text(shown)
    expect(page.get_by_role("button", name="Skriv ut kvittot")).to_be_visible()
    screenshot(page, "enkat-kvitto")
    page.goto(f"/svar/{KRAMFORS}")  # submitted: the link leads to the receipt
    page.wait_for_url(f"**/svar/{KRAMFORS}/kvitto")


def test_errors_are_summarised_and_tied_to_their_fields(respondent):
    page = respondent
    page.goto(f"/svar/{SOLLEFTEA}")
    page.get_by_label("Hur många ärenden").fill("tolv")
    page.get_by_role("button", name="Skicka in").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Frågan måste besvaras")
    expect(summary).to_contain_text("Skriv ett tal")
    summary.get_by_role("link", name="Hur många ärenden", exact=False).click()
    expect(page.get_by_label("Hur många ärenden")).to_be_focused()
    number = page.get_by_label("Hur många ärenden")
    expect(number).to_have_attribute("aria-invalid", "true")
    assert "Skriv ett tal" in page.evaluate(
        """el => el.getAttribute('aria-describedby').split(' ')
             .map(id => document.getElementById(id).textContent).join(' ')""",
        number.element_handle(),
    )
    assert not axe_violations(page)


PAGES = [
    ("formular", f"/svar/{SOLLEFTEA}"),
    ("kvitto", f"/svar/{HARNOSAND}/kvitto"),
    ("fel-lank", "/svar/" + "x" * 43),
    ("integritet", "/svar/integritet"),
    ("tillganglighet", "/svar/tillganglighet"),
    ("engelska", f"/svar/{SOLLEFTEA}?lang=en"),
]


@pytest.mark.parametrize("width", [320, 1280, 1920])
@pytest.mark.parametrize(("name", "path"), PAGES, ids=[name for name, _ in PAGES])
def test_no_axe_violations_and_no_sideways_scroll(respondent, name, path, width):
    page = respondent
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(path)
    expect(page.locator("h1")).to_have_count(1)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    assert not axe_violations(page), name
    screenshot(page, f"enkat-{name}-{width}")


@pytest.mark.parametrize("width", [320, 1280])
def test_the_preview_looks_the_same_and_saves_nothing(respondent, width):
    page = respondent
    log_in(page, "coordinator")
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/enkater/1/forhandsgranska")
    expect(page.get_by_text("Förhandsgranskning", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Skicka in")).to_be_disabled()
    expect(page.get_by_role("button", name="Spara utkast")).to_be_disabled()
    who = question_id(page, "Vem är kontaktperson?")
    expect(page.locator(f"#{who}-question")).to_be_hidden()
    page.get_by_label("Ja", exact=True).check()  # the condition works in the preview too
    expect(page.locator(f"#{who}-question")).to_be_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    assert not axe_violations(page)
