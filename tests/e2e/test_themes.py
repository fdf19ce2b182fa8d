"""Themes in the browser: a coordinator adds a theme to the list, logs a meeting with Kiruna,
codes it with the theme from the form on the meeting's page, and sees Kiruna counted for the
theme in the lägesbild (per county too); the pages fit 320 px without sideways scrolling and
axe finds nothing on them."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import expect

from app.common.time import local_today

from .conftest import ARTIFACTS, screenshot
from .test_accessibility import axe_violations
from .test_layout import LAYOUT_PROBLEMS


def fits(page, width: int) -> list[str]:
    page.set_viewport_size({"width": width, "height": 900})
    return page.evaluate(LAYOUT_PROBLEMS, width >= 1280)


def test_code_a_meeting_and_see_it_in_the_lagesbild(new_page):
    name = f"Tolk på dari {uuid.uuid4().hex[:4]}"
    page = new_page("coordinator")
    page.goto("/")
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Teman").click()
    expect(page.get_by_role("heading", name="Teman", exact=True)).to_be_visible()
    page.get_by_label("Namn", exact=True).fill(name)
    page.get_by_label("Brukar vara").select_option(label="Utmaning")
    page.get_by_label("Beskrivning").fill("Tolk på dari och pashto saknas i samtalen.")
    page.get_by_role("button", name="Lägg till temat").click()
    expect(page.get_by_role("status").filter(has_text="är tillagt")).to_be_visible()
    expect(page.get_by_role("link", name=name)).to_be_visible()
    assert not axe_violations(page)

    page.goto("/moten/ny")
    page.get_by_label("Rubrik").fill("Dialog med Kiruna om återvandring")
    page.get_by_label("Datum", exact=True).fill(local_today().isoformat())
    page.get_by_label("Börjar").fill("00:00")
    page.get_by_label("Slutar").fill("01:00")
    page.get_by_role("combobox", name="Organisationer").fill("kiruna")
    page.locator(".picker__options:visible").get_by_role(
        "option", name=re.compile("^Kiruna kommun")
    ).first.click()
    page.get_by_role("button", name="Spara mötet").click()
    expect(page.get_by_role("heading", name="Dialog med Kiruna om återvandring")).to_be_visible()

    themes = page.locator("section[data-section='themes']")
    expect(themes.get_by_text("inte kodat med något tema")).to_be_visible()
    themes.get_by_label("Tema", exact=True).select_option(label=name)
    themes.get_by_label("Möjlighet eller utmaning").select_option(label="Utmaning")
    themes.get_by_label("Anteckning").fill("Lång väntan på tolk")
    themes.get_by_role("button", name="Koppla temat").click()
    expect(page.get_by_role("status").filter(has_text="kopplat till 1 kommun")).to_be_visible()
    expect(themes.get_by_role("link", name=name)).to_be_visible()
    expect(themes.get_by_text("Kiruna kommun")).to_be_visible()
    assert not axe_violations(page)
    meeting_url = page.url
    assert not fits(page, 320), fits(page, 320)
    screenshot(page, "themes-meeting-320")

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/rapporter/lagesbild")
    part = page.locator("section[data-section='themes']")
    expect(part.get_by_text("Kommuner som nämner temat").first).to_be_visible()
    row = part.locator("table[data-side='utmaning'] tr", has=page.get_by_role("link", name=name))
    expect(row.locator("[data-figure='theme-municipalities']")).to_have_text("1")
    assert not axe_violations(page)
    for width in (1280, 1920, 320):
        assert not fits(page, width), (width, fits(page, width))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    part.screenshot(path=str(ARTIFACTS / "themes-lagesbild-320.png"))

    # Per county and month on the theme's page, for the lägesbild's months; and the mention
    # listed with the meeting it came from.
    row.get_by_role("link", name=re.compile("^Visa")).click()
    expect(page.get_by_role("heading", name=name)).to_be_visible()
    counties = page.locator("table[data-breakdown='county'][data-side='utmaning']")
    expect(counties.get_by_role("row", name=re.compile("Norrbottens län"))).to_contain_text("1")
    mention = page.get_by_role("row", name=re.compile("Kiruna kommun"))
    expect(
        mention.get_by_role("link", name="Möte: Dialog med Kiruna om återvandring")
    ).to_be_visible()
    assert not fits(page, 320), fits(page, 320)
    assert not axe_violations(page)
    page.goto("/teman")
    assert not fits(page, 320), fits(page, 320)

    # Removing the coding takes Kiruna out of the count again.
    page.goto(meeting_url)
    themes.get_by_role("button", name=re.compile(f"Ta bort {name}")).click()
    expect(page.get_by_role("status").filter(has_text="Kodningen är borttagen")).to_be_visible()
    page.goto("/rapporter/lagesbild")
    expect(page.get_by_role("link", name=name)).to_have_count(0)


def test_a_reader_sees_themes_but_no_forms(new_page):
    page = new_page("reader")
    page.goto("/teman")
    expect(page.get_by_role("heading", name="Teman", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Lägg till temat")).to_have_count(0)
    assert not fits(page, 320)


def test_choose_the_months_on_a_themes_page(new_page):
    """The theme's page shows its figure for the months a person types and submits."""
    name = f"Boende {uuid.uuid4().hex[:4]}"
    page = new_page("coordinator")
    page.goto("/teman")
    page.get_by_label("Namn", exact=True).fill(name)
    page.get_by_role("button", name="Lägg till temat").click()
    page.get_by_role("link", name=name).click()
    part = page.locator("section[aria-labelledby='theme-period']")
    part.get_by_label("Teman från och med månad").fill("2025-03")
    part.get_by_label("Teman till och med månad").fill("2025-05")
    part.get_by_role("button", name="Visa perioden").click()
    expect(part.locator(".report-date")).to_have_text("Perioden 2025-03-01 – 2025-05-31")
    expect(part.get_by_text("Ingen kommun har nämnt temat under perioden.")).to_be_visible()
    assert "#theme-period" in page.url
    assert not fits(page, 320), fits(page, 320)
    assert not axe_violations(page)
