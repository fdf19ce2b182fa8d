"""Policy milestones in Chromium: a coordinator types one in, sees it drawn as a dashed line
on the summary's and the final report's charts and listed on an organisation page, changes
and removes it; the page passes axe and fits 320, 1280 and 1920 px."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import expect

from .test_accessibility import axe_violations
from .test_layout import LAYOUT_PROBLEMS


def fits(page, width: int) -> list[str]:
    page.set_viewport_size({"width": width, "height": 900})
    return page.evaluate(LAYOUT_PROBLEMS, width >= 1280)


def test_enter_a_milestone_and_read_the_charts_against_it(new_page):
    page = new_page("coordinator")
    title = f"Återvandringsbidraget höjs {uuid.uuid4().hex[:4]}"
    page.goto("/rapporter")
    page.get_by_role("link", name="Policyhändelser").click()
    expect(page.get_by_role("heading", name="Policyhändelser", level=1)).to_be_visible()
    page.get_by_label("Datum").fill("2026-06-15")
    page.get_by_label("Rubrik").fill(title)
    page.get_by_label("Anteckning").fill("Regeringens beslut.")
    page.get_by_role("button", name="Lägg till händelsen").click()
    expect(page.get_by_role("status").filter(has_text="är tillagd")).to_be_visible()
    row = page.get_by_role("row").filter(has_text=title)
    expect(row).to_contain_text("2026-06-15")
    for width in (1280, 1920, 320):
        assert fits(page, width) == [], width
        assert not axe_violations(page), width
    page.set_viewport_size({"width": 1280, "height": 900})

    page.goto("/rapporter/sammanstallning?manad=2026-11")
    marker = page.locator("g.chart__milestone").filter(has=page.locator("title", has_text=title))
    expect(marker).to_have_count(2)  # on both charts
    assert marker.first.locator("line").get_attribute("stroke-dasharray") == "5 3"
    expect(page.locator(".chart-milestones")).to_contain_text(title)
    page.goto("/rapporter/slutredovisning")
    expect(
        page.locator("g.chart__milestone").filter(has=page.locator("title", has_text=title))
    ).to_have_count(2)

    page.goto("/organisationer?q=Ånge")
    page.get_by_role("link", name="Ånge kommun").first.click()
    expect(page.get_by_role("region", name="Policyhändelser")).to_contain_text(title)

    page.goto("/policyhandelser")
    page.get_by_role("row").filter(has_text=title).get_by_role("link", name="Ändra").click()
    page.get_by_label("Rubrik").fill(title + " (ändrad)")
    page.get_by_role("button", name="Spara").click()
    expect(page).to_have_url(re.compile(r"/policyhandelser$"))
    expect(page.get_by_role("row").filter(has_text=title + " (ändrad)")).to_have_count(1)
    page.get_by_role("row").filter(has_text=title).get_by_role("button", name="Ta bort").click()
    expect(page.get_by_role("status").filter(has_text="är borttagen")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text=title)).to_have_count(0)


def test_readers_see_the_list_without_controls(new_page):
    page = new_page("reader")
    page.goto("/policyhandelser")
    expect(page.get_by_role("heading", name="Policyhändelser", level=1)).to_be_visible()
    expect(page.get_by_role("button", name="Lägg till händelsen")).to_have_count(0)
