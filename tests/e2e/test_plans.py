"""Contact plans in the browser: a coordinator logs a meeting held today with Östersund,
creates a plan from today, adds the municipalities of Jämtland with the organisation list's
filter widgets, and sees the plan's progress (Östersund reached) on the plan's page, the list
and the start page; axe finds nothing and the pages fit 320 px without sideways scrolling."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

from playwright.sync_api import expect

from app.common.time import local_today

from .conftest import screenshot
from .test_accessibility import axe_violations
from .test_layout import LAYOUT_PROBLEMS


def fits(page, width: int) -> list[str]:
    page.set_viewport_size({"width": width, "height": 900})
    return page.evaluate(LAYOUT_PROBLEMS, width >= 1280)


def test_plan_a_countys_municipalities_and_see_progress(new_page):
    title = f"Jämtland {uuid.uuid4().hex[:4]}"
    today = local_today()
    page = new_page("coordinator")

    page.goto("/moten/ny")
    page.get_by_label("Rubrik").fill("Dialog med Östersund")
    page.get_by_label("Datum", exact=True).fill(today.isoformat())
    page.get_by_label("Börjar").fill("00:00")
    page.get_by_label("Slutar").fill("01:00")
    page.get_by_role("combobox", name="Organisationer").fill("östersund")
    page.locator(".picker__options:visible").get_by_role(
        "option", name=re.compile("^Östersunds kommun")
    ).first.click()
    page.get_by_role("button", name="Spara mötet").click()
    expect(page.get_by_role("heading", name="Dialog med Östersund")).to_be_visible()

    page.goto("/rapporter")
    page.get_by_role("link", name="Kontaktplaner").first.click()
    expect(page.get_by_role("heading", name="Kontaktplaner", exact=True)).to_be_visible()
    page.get_by_role("link", name="Ny kontaktplan").click()
    page.get_by_label("Rubrik").fill(title)
    page.get_by_label("Omfattning").fill("Jämtlands län")
    expect(page.get_by_label("Ansvarig för planen")).to_have_value(re.compile(r"\d+"))
    expect(page.get_by_label("Från", exact=True)).to_have_value(today.isoformat())
    page.get_by_label("Till", exact=True).fill((today + timedelta(days=30)).isoformat())
    page.get_by_role("button", name="Spara").click()

    expect(page.get_by_role("heading", name="Lägg till kommuner")).to_be_visible()
    page.get_by_label("Typ").select_option(label="Kommun")
    page.get_by_label("Län").select_option(label="Jämtlands län")
    page.get_by_role("button", name="Filtrera").click()
    expect(page.get_by_text("8 organisationer matchar.")).to_be_visible()
    expect(page.get_by_text("Östersunds kommun")).to_be_visible()
    assert not axe_violations(page)
    assert not fits(page, 320)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("button", name="Lägg till alla 8 som matchar").click()

    expect(page.get_by_role("heading", name=title)).to_be_visible()
    added = page.get_by_role("status").filter(has_text="8 organisationer lades till")
    expect(added).to_be_visible()
    progress = page.locator(".plan-progress").first
    expect(progress).to_contain_text("1 av 8 nådda enligt planen (12 %)")
    row = page.locator("tr", has=page.get_by_role("link", name="Östersunds kommun"))
    expect(row).to_contain_text("Nådd")
    expect(row).to_contain_text(today.isoformat())
    expect(page.get_by_text("Nådd enligt planen:")).to_be_visible()
    assert not axe_violations(page)
    screenshot(page, "plan")
    for width in (320, 1280, 1920):
        assert not fits(page, width), width
    page.set_viewport_size({"width": 320, "height": 900})
    assert not axe_violations(page)

    # One item its own due day and responsible colleague.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("link", name="Ändra för Bergs kommun").click()
    page.get_by_label("Sista dag").fill((today + timedelta(days=7)).isoformat())
    page.get_by_label("Ansvarig").select_option(label="Ali Kollega")
    page.get_by_role("button", name="Spara").click()
    berg = page.locator("tr", has=page.get_by_role("link", name="Bergs kommun"))
    expect(berg).to_contain_text("Ali Kollega")
    expect(berg).to_contain_text((today + timedelta(days=7)).isoformat())

    page.goto("/kontaktplaner")
    expect(page.get_by_role("link", name=title)).to_be_visible()
    assert not fits(page, 320)
    page.goto("/")
    mine = page.locator("section.my-plans")
    expect(mine.get_by_role("link", name=title)).to_be_visible()
    expect(mine).to_contain_text("1 av 8 nådda enligt planen")
    assert not fits(page, 320)
