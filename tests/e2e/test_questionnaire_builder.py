"""The questionnaire builder in Chromium, the way a coordinator uses it: a new questionnaire,
a section, a single-choice question with its options typed one per line, a short-text
question shown only after "Ja" (chosen in the select), a question moved up, a copy; axe on
the pages, and no sideways scroll at 320 px."""

from __future__ import annotations

import json

from playwright.sync_api import expect

from .conftest import log_in, screenshot
from .test_accessibility import axe_violations

TITLE = "Webbläsarens enkät om återvandring"


def question_texts(page) -> list[str]:
    return page.locator(".builder-question__text strong").all_inner_texts()


def add_question(page, section: str, kind: str, text: str) -> None:
    page.get_by_role("link", name=f"Lägg till en fråga i {section}").click()
    page.get_by_label("Typ av fråga").select_option(label=kind)
    page.get_by_label("Fråga", exact=True).fill(text)
    # Only the fields of the chosen kind show (static/js/question_kind.js).
    options = page.get_by_label("Svarsalternativ", exact=True)
    scale = page.get_by_label("Skalans steg 1 betyder")
    if kind in ("Ett val", "Flera val"):
        expect(options).to_be_visible()
        expect(scale).to_be_hidden()
    else:
        expect(options).to_be_hidden()
        expect(page.get_by_role("group", name="Bara för vissa typer av frågor")).to_be_hidden()


def test_a_coordinator_builds_reorders_and_copies_a_questionnaire(new_page):
    page = new_page("coordinator")
    page.goto("/")
    page.get_by_role("navigation").get_by_role("link", name="Enkäter").click()
    page.get_by_role("link", name="Ny enkät").click()
    page.get_by_label("Rubrik", exact=True).fill(TITLE)
    page.get_by_label("Inledning", exact=True).fill("Samordnaren vill veta hur ni arbetar.")
    page.get_by_role("button", name="Spara enkäten").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.locator(".eyebrow")).to_contain_text("Utkast")

    page.get_by_role("link", name="Lägg till ett avsnitt").click()
    page.get_by_label("Rubrik", exact=True).fill("Organisation")
    page.get_by_role("button", name="Spara avsnittet").click()
    section = "Avsnitt 1: Organisation"
    expect(page.get_by_role("heading", name=section)).to_be_visible()

    add_question(page, section, "Ett val", "Har kommunen en kontaktperson?")
    options = page.get_by_label("Svarsalternativ", exact=True)
    options.click()
    for number, option in enumerate(("Ja", "Nej", "Vet inte")):
        if number:
            page.keyboard.press("Enter")
        page.keyboard.type(option)
    page.get_by_label("Obligatorisk att besvara").check()
    page.get_by_role("button", name="Spara frågan").click()
    expect(page.locator(".builder-options li")).to_have_text(["Ja", "Nej", "Vet inte"])

    add_question(page, section, "Kort text", "Vem är kontaktperson?")
    page.get_by_label("Visa bara om").select_option(label="1. Har kommunen en kontaktperson? – Ja")
    page.get_by_role("button", name="Spara frågan").click()
    expect(page.locator(".builder-condition")).to_have_text(
        "Visas bara om: Har kommunen en kontaktperson? – Ja"
    )

    add_question(page, section, "Tal", "Hur många ärenden hade ni 2026?")
    page.get_by_role("button", name="Spara frågan").click()
    assert question_texts(page) == [
        "Har kommunen en kontaktperson?",
        "Vem är kontaktperson?",
        "Hur många ärenden hade ni 2026?",
    ]
    # Moving the question with a condition above the one it reads is refused, with why.
    page.get_by_role("button", name="Flytta upp fråga 2").click()
    expect(page.locator(".flash--error")).to_contain_text("måste komma före den")
    page.get_by_role("button", name="Flytta upp fråga 3").click()
    page.get_by_role("button", name="Flytta upp fråga 2").click()
    expect(page.locator(".builder-question__text strong").first).to_have_text(
        "Hur många ärenden hade ni 2026?"
    )
    assert question_texts(page) == [
        "Hur många ärenden hade ni 2026?",
        "Har kommunen en kontaktperson?",
        "Vem är kontaktperson?",
    ]
    screenshot(page, "questionnaire-builder")
    violations = axe_violations(page)
    assert not violations, json.dumps(violations, ensure_ascii=False, indent=1)
    built = page.url.split("#")[0]

    # Editing keeps the options' keys: the condition still reads "Ja" after a correction.
    page.get_by_role("link", name="Redigera fråga 2").click()
    page.get_by_label("Svarsalternativ", exact=True).fill("Ja\nNej\nVet ej")
    violations = axe_violations(page)
    assert not violations, json.dumps(violations, ensure_ascii=False, indent=1)
    page.get_by_role("button", name="Spara frågan").click()
    expect(page.locator(".builder-options li")).to_have_text(["Ja", "Nej", "Vet ej"])
    expect(page.locator(".builder-condition")).to_have_text(
        "Visas bara om: Har kommunen en kontaktperson? – Ja"
    )

    page.get_by_role("button", name="Kopiera till en ny enkät").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Kopia av {TITLE}")
    assert page.url.split("#")[0] != built
    assert question_texts(page) == [
        "Hur många ärenden hade ni 2026?",
        "Har kommunen en kontaktperson?",
        "Vem är kontaktperson?",
    ]
    expect(page.locator(".builder-condition")).to_have_text(
        "Visas bara om: Har kommunen en kontaktperson? – Ja"
    )

    # At phone width nothing scrolls sideways: the list, the page, the question form.
    page.set_viewport_size({"width": 320, "height": 800})
    copy = page.url.split("#")[0]
    for path in ("/enkater", copy, built, f"{copy}/redigera"):
        page.goto(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, (path, width)
    page.goto(copy)
    page.get_by_role("link", name="Redigera fråga 3").click()
    # The question form has loaded before its width is measured.
    expect(page.get_by_label("Visa bara om")).to_have_value(
        page.get_by_label("Visa bara om").locator("option", has_text="– Ja").get_attribute("value")
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 320


def test_without_javascript_every_field_of_the_question_form_shows(browser, server):
    context = browser.new_context(base_url=server, locale="sv-SE", java_script_enabled=False)
    try:
        page = context.new_page()
        log_in(page, "coordinator")
        page.goto("/enkater/ny")
        page.get_by_label("Rubrik", exact=True).fill("Enkät utan skript")
        page.get_by_role("button", name="Spara enkäten").click()
        page.get_by_role("link", name="Lägg till ett avsnitt").click()
        page.get_by_role("button", name="Spara avsnittet").click()
        page.get_by_role("link", name="Lägg till en fråga i Avsnitt 1").click()
        page.get_by_label("Typ av fråga").select_option(label="Skala 1–5")
        for label in ("Svarsalternativ", "Skalans steg 1 betyder", "Teman gäller"):
            expect(page.get_by_label(label, exact=True)).to_be_visible()
        page.get_by_label("Fråga", exact=True).fill("Hur väl fungerar samverkan?")
        page.get_by_label("Skalans steg 1 betyder").fill("Inte alls")
        page.get_by_label("Skalans steg 5 betyder").fill("Mycket väl")
        page.get_by_role("button", name="Spara frågan").click()
        expect(page.get_by_text("1 = Inte alls, 5 = Mycket väl")).to_be_visible()
    finally:
        context.close()
