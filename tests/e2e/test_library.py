"""The library in the browser: upload "Vägledning för kommuner om återvandringsstöd, version
2" by clicking and typing, record sending it by hand to two municipalities through the
organisation picker, see it on a municipality's page, and axe finds nothing on the pages."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import expect

from .test_accessibility import axe_violations

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def pick(page, text: str, option: str) -> None:
    organisations = page.get_by_role("combobox", name="Organisationer")
    organisations.fill(text)
    page.locator(".picker__options:visible").get_by_role(
        "option", name=re.compile(option)
    ).first.click()
    expect(page.locator(".picker__chip", has_text=option)).to_be_visible()


def test_upload_send_by_hand_and_see_it_received(new_page, tmp_path):
    title = f"Vägledning för kommuner om återvandringsstöd {uuid.uuid4().hex[:4]}"
    page = new_page("coordinator")
    page.goto("/")
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Material").click()
    assert not axe_violations(page)
    page.get_by_role("main").get_by_role("link", name="Nytt material").click()
    page.get_by_label("Titel").fill(title)
    page.get_by_label("Typ", exact=True).select_option(label="Vägledning")
    page.get_by_label("Status").select_option(label="Publicerad")
    page.get_by_label("Ämnen").fill("återvandringsbidrag")
    assert not axe_violations(page)
    page.get_by_role("button", name="Spara materialet").click()

    for number in (1, 2):
        expect(page.get_by_role("heading", name="Ny version")).to_be_visible()
        path = tmp_path / f"vagledning-version-{number}.pdf"
        path.write_bytes(PDF + f"% version {number}\n".encode())
        page.get_by_label("Fil (PDF, Word, Excel eller PowerPoint)").set_input_files(path)
        page.get_by_label("Kommentar").fill(f"version {number}")
        if number == 2:
            assert not axe_violations(page)
        page.get_by_role("button", name="Spara versionen").click()
        expect(page.get_by_role("heading", name=f"Version {number}", exact=True)).to_be_visible()
        if number == 1:
            page.get_by_role("link", name="Ny version").click()

    page.get_by_label("Version", exact=True).select_option(label="Version 2")
    pick(page, "kramfors", "Kramfors kommun")
    pick(page, "harnosand", "Härnösands kommun")
    page.get_by_role("button", name="Registrera", exact=True).click()
    expect(page.get_by_role("status").filter(has_text="skickat till 2 mottagare")).to_be_visible()
    version_two = page.get_by_role("region", name="Version 2")
    expect(version_two.get_by_role("link", name="Kramfors kommun")).to_be_visible()
    expect(version_two.get_by_role("link", name="Härnösands kommun")).to_be_visible()
    assert not axe_violations(page)

    version_two.get_by_role("link", name="Kramfors kommun").click()
    received = page.get_by_role("region", name="Mottaget material")
    expect(received.get_by_role("link", name=title)).to_be_visible()
    expect(received.get_by_role("cell", name="Skickat för hand").first).to_be_visible()
