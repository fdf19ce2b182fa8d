"""The daily digest's setting on Mitt konto in Chromium: off at first, ticked and saved,
still ticked after a reload and on the start page; the card passes axe and fits 320, 1280
and 1920 px; unticked again (the shared world is left as it was)."""

from __future__ import annotations

from playwright.sync_api import expect

from .test_accessibility import axe_violations
from .test_layout import LAYOUT_PROBLEMS


def fits(page, width: int) -> list[str]:
    page.set_viewport_size({"width": width, "height": 900})
    return page.evaluate(LAYOUT_PROBLEMS, width >= 1280)


def test_turn_the_digest_on_in_mitt_konto(new_page):
    page = new_page("colleague")
    page.goto("/konto")
    card = page.get_by_role("region", name="Daglig sammanfattning")
    box = card.get_by_label("Skicka mig en daglig sammanfattning via e-post")
    expect(box).not_to_be_checked()  # off by default
    expect(card).to_contain_text("kl. 07:00")
    expect(card).to_contain_text("3 arbetsdagar")

    box.check()
    card.get_by_role("button", name="Spara inställningen").click()
    expect(
        page.get_by_role("status").filter(has_text="Du får en daglig sammanfattning")
    ).to_be_visible()
    page.reload()
    card = page.get_by_role("region", name="Daglig sammanfattning")
    expect(card.get_by_label("Skicka mig en daglig sammanfattning via e-post")).to_be_checked()
    for width in (1280, 1920, 320):
        assert fits(page, width) == [], width
        assert not axe_violations(page), width

    page.goto("/")
    expect(page.get_by_text("Du får de här uppgifterna via e-post varje morgon.")).to_be_visible()
    page.get_by_role("link", name="Daglig sammanfattning under Mitt konto").click()
    card = page.get_by_role("region", name="Daglig sammanfattning")
    card.get_by_label("Skicka mig en daglig sammanfattning via e-post").uncheck()
    card.get_by_role("button", name="Spara inställningen").click()
    expect(page.get_by_role("status").filter(has_text="inte längre")).to_be_visible()
    page.reload()
    expect(
        page.get_by_role("region", name="Daglig sammanfattning").get_by_label(
            "Skicka mig en daglig sammanfattning via e-post"
        )
    ).not_to_be_checked()
