"""Saved filters in the browser: filter the organisation list, save the filter by typing a
name and clicking, clear the filter, reopen it from its link, and remove it."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import expect


def test_save_and_reopen_a_filter(new_page):
    page = new_page("coordinator")
    page.goto("/organisationer")
    filters = page.get_by_role("search", name="Filtrera organisationer")
    filters.get_by_label("Typ").select_option(label="Kommun")
    filters.get_by_label("Län").select_option(label="Örebro län")
    filters.get_by_role("button", name="Filtrera").click()
    expect(page.get_by_role("link", name="Örebro kommun")).to_be_visible()

    name = f"Kommuner i Örebro län {uuid.uuid4().hex[:6]}"
    page.get_by_label("Namn på filtret").fill(name)
    page.get_by_role("button", name="Spara filtret").click()
    expect(page.get_by_role("status").filter(has_text="är sparat")).to_be_visible()

    page.get_by_role("link", name="Rensa").click()
    expect(page).to_have_url(re.compile(r"/organisationer$"))
    expect(page.get_by_role("link", name="Ale kommun", exact=True)).to_be_visible()

    page.get_by_role("link", name=name).click()
    expect(page).to_have_url(re.compile(r"/organisationer\?.*lan=18"))
    expect(page.get_by_role("search").get_by_label("Län")).to_have_value("18")
    expect(page.get_by_role("link", name="Örebro kommun")).to_be_visible()
    expect(page.get_by_role("link", name="Ale kommun", exact=True)).to_have_count(0)

    page.get_by_role("button", name=f"Ta bort filtret ”{name}”").click()
    expect(page.get_by_role("link", name=name)).to_have_count(0)
