"""Coverage and research in the browser: send a guide to one municipality, open its coverage
(map, counties, the rest; axe finds nothing), open the rest as the organisation list; add a
research reference and link it to a meeting by clicking, see it on the reference's page, and
remove it again."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

from playwright.sync_api import expect

from app.common.time import local_today

from .test_accessibility import axe_violations
from .test_library import pick


def new_material(page, title: str, kind: str, **fields: str) -> None:
    page.goto("/material/ny")
    page.get_by_label("Titel").fill(title)
    page.get_by_label("Typ", exact=True).select_option(label=kind)
    for label, value in fields.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_role("button", name="Spara materialet").click()
    expect(page.get_by_role("heading", name="Ny version")).to_be_visible()
    page.get_by_label("eller länk").fill("https://example.se/material")
    page.get_by_role("button", name="Spara versionen").click()
    expect(page.get_by_role("heading", name="Version 1", exact=True)).to_be_visible()


def test_coverage_of_a_guide_and_the_rest_as_a_list(new_page):
    title = f"Vägledning om återvandringsstöd {uuid.uuid4().hex[:4]}"
    page = new_page("coordinator")
    new_material(page, title, "Vägledning")
    page.get_by_label("Version", exact=True).select_option(label="Version 1")
    pick(page, "kramfors", "Kramfors kommun")
    page.get_by_role("button", name="Registrera", exact=True).click()
    expect(page.get_by_role("status").filter(has_text="skickat till 1 mottagare")).to_be_visible()

    page.get_by_role("link", name=re.compile("Vilka kommuner har fått materialet")).click()
    expect(page.get_by_role("heading", name="Vilka kommuner har fått materialet")).to_be_visible()
    expect(page.locator('[data-figure="informed"]')).to_have_text("1")
    expect(page.locator('tr[data-county="22"] td').first).to_have_text("1")
    expect(page.locator(".coverage-fill--yes")).to_have_count(1)
    assert not axe_violations(page)

    page.get_by_role("link", name=re.compile("Öppna de 289 kommunerna")).click()
    expect(page.locator(".applied-filter")).to_contain_text(title)
    page.get_by_label("Län").select_option(label="Västernorrlands län")
    page.get_by_role("button", name="Filtrera").click()
    listed = page.locator("table tbody").get_by_role("link")
    expect(listed).to_have_count(6)  # Västernorrland's seven, less Kramfors
    expect(page.get_by_role("table").get_by_role("link", name="Kramfors kommun")).to_have_count(0)
    assert not axe_violations(page)


def test_link_a_reference_to_a_meeting_by_clicking(new_page):
    title = f"Återvandring och hälsa {uuid.uuid4().hex[:4]}"
    page = new_page("coordinator")
    new_material(page, title, "Forskning", Författare="Åberg, Anna; Berg, Bo", År="2024")

    page.goto("/moten/ny")
    page.get_by_label("Rubrik").fill("Forskningsseminarium")
    page.get_by_label("Status").select_option(label="Planerat")
    page.get_by_label("Datum", exact=True).fill((local_today() + timedelta(days=3)).isoformat())
    page.get_by_role("combobox", name="Organisationer").fill("malmö kommun")
    page.locator(".picker__options:visible").get_by_role("option").first.click()
    page.get_by_role("button", name="Spara mötet").click()

    section = page.get_by_role("region", name="Forskning och material som diskuterades")
    section.get_by_label("Referens").select_option(label=f"{title} (Åberg, Anna, 2024)")
    section.get_by_role("button", name="Koppla referensen").click()
    expect(page.get_by_role("status").filter(has_text="kopplad till mötet")).to_be_visible()
    section = page.get_by_role("region", name="Forskning och material som diskuterades")
    expect(section.get_by_role("link", name=title)).to_be_visible()
    assert not axe_violations(page)

    section.get_by_role("link", name=title).click()
    meetings = page.get_by_role("region", name="Diskuterad vid möten")
    expect(meetings.get_by_role("link", name="Forskningsseminarium")).to_be_visible()
    meetings.get_by_role("link", name="Forskningsseminarium").click()

    section = page.get_by_role("region", name="Forskning och material som diskuterades")
    section.get_by_role("button", name=f"Ta bort {title} från mötet").click()
    expect(page.get_by_role("status").filter(has_text="borttagen från mötet")).to_be_visible()
    section = page.get_by_role("region", name="Forskning och material som diskuterades")
    expect(section.get_by_role("link", name=title)).to_have_count(0)
