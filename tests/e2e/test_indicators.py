"""Indicators in the browser, as a new user would: upload a Kolada-style file of foreign-born
population per municipality, choose the indicator and the columns in the form, preview every
row (one with an error), confirm, and see it on the map and in the ranking; the ten largest
with no meeting held one click from a mailing. axe on every step; 320 px never scrolls
sideways."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from .conftest import screenshot
from .test_accessibility import axe_violations

KOLADA = (
    "\ufeffKommun-ID;Kommun;År;Värde\r\n"
    "0180;Stockholm;2024;26,1\r\n"
    "1280;Malmö;2024;35,4\r\n"
    "1480;Göteborg;2024;28,0\r\n"
    "0380;Uppsala;2024;..\r\n"
    "2584;Kiruna;2024;12,3\r\n"
    "0114;Upplands Väsby;2024;31,2\r\n"
    "9999;Ingenstans;2024;1,0\r\n"
    "0000;Riket;2024;20,5\r\n"
)
NAME = "Utrikes födda i webbläsaren"


def check_page(page, problems: list[str], label: str) -> None:
    """axe finds nothing, and at 320, 1280 and 1920 px the page does not scroll sideways."""
    violations = axe_violations(page)
    if violations:
        problems.append(f"{label}: {violations}")
    for viewport in (320, 1920, 1280):
        page.set_viewport_size({"width": viewport, "height": 900})
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > viewport:
            problems.append(f"{label} at {viewport} px scrolls sideways ({width} px)")
        if viewport == 320:
            screenshot(page, f"indicators-{label}-320")


def test_upload_map_columns_preview_confirm_and_see_it_on_the_map(new_page):
    problems: list[str] = []
    page = new_page("coordinator")
    page.goto("/rapporter")
    page.get_by_role("link", name="Prioritering").click()
    page.get_by_role("heading", name="Prioritering", level=1).wait_for()
    page.goto("/indikatorer")
    page.get_by_role("link", name="Importera indikator").first.click()
    check_page(page, problems, "upload")

    page.get_by_label("Fil", exact=True).set_input_files(
        {"name": "kolada-utrikes-fodda.csv", "mimeType": "text/csv", "buffer": KOLADA.encode()}
    )
    page.get_by_role("button", name="Läs in filen").click()
    page.get_by_role("heading", name="2. Välj indikator och kolumner").wait_for()
    check_page(page, problems, "mapping")

    page.get_by_label("Indikator", exact=True).select_option(label="Ny indikator")
    page.get_by_label("Namn på ny indikator").fill(NAME)
    page.get_by_label("Enhet").fill("procent")
    page.get_by_label("Källa").fill("Kolada N02926")
    # The guesses chose the code column; choose the name column by clicking, then back.
    municipality = page.get_by_label("Kolumn med kommun (kod eller namn)")
    municipality.select_option(label="Kommun – Stockholm")
    municipality.select_option(label="Kommun-ID – 0180")
    page.get_by_label("Kolumn med år").select_option(label="År – 2024")
    page.get_by_label("Kolumn med värde").select_option(label="Värde – 26,1")
    page.get_by_label("Ersätt året", exact=False).check()
    page.get_by_role("button", name="Förhandsgranska").click()

    page.get_by_role("heading", name="3. Granska och bekräfta").wait_for()
    counts = page.locator(".stat__value").all_inner_texts()
    assert counts == ["5", "0", "2", "1"]
    expect(page.locator("#preview-rows")).to_contain_text("Okänd kommunkod: 9999")
    expect(page.locator("#preview-rows")).to_contain_text("Hela riket")
    check_page(page, problems, "preview")

    page.get_by_role("link", name="Fel (1)").click()
    assert page.locator("#preview-rows tbody tr").count() == 1
    page.get_by_label("Hoppa över raderna med fel och importera resten").check()
    page.get_by_role("button", name="Importera").click()
    expect(page.locator(".flash--success")).to_contain_text("5 värden är sparade.")
    page.get_by_role("heading", name=NAME).wait_for()
    check_page(page, problems, "indicator")

    page.get_by_role("link", name="karta och rangordning").first.click()
    page.get_by_role("heading", name="Prioritering", level=1).wait_for()
    expect(page.get_by_label("Indikator", exact=True)).to_have_value(re.compile(r"\d+"))
    # On the map: Malmö coloured in the darkest class, named with its figure.
    malmo = page.locator("svg.map a", has=page.locator("title", has_text="Malmö kommun: 35,4"))
    assert malmo.count() == 1
    assert malmo.locator("path").get_attribute("fill") == "#08519c"
    legend = page.locator(".indicator-legend li")
    assert legend.count() == 6
    expect(legend.last).to_contain_text("Inget värde")
    ranking = page.locator("#ranking tbody th")
    assert ranking.first.inner_text() == "Malmö kommun"
    check_page(page, problems, "priorities")

    # Only those with no meeting held, the first ten: chosen in the form by clicking.
    page.get_by_label("Bara kommuner utan möte hållet").check()
    page.get_by_label("Visa", exact=True).select_option(label="De 10 första")
    page.get_by_role("button", name="Visa", exact=True).click()
    expect(page.locator(".result-count")).to_contain_text("utan möte hållet")
    shown = page.locator("#ranking tbody tr").count()
    assert 1 <= shown <= 5
    page.locator("#mailing-link").click()
    page.get_by_role("heading", name="Nytt utskick").wait_for()
    expect(page.locator("#matched")).to_contain_text(f"{shown} organisation")
    expect(page.locator(".applied-filter")).to_contain_text(NAME)

    # The map leads to the municipality, whose page shows the figure.
    page.go_back()
    page.locator(
        "svg.map a", has=page.locator("title", has_text="Malmö kommun: 35,4")
    ).first.click()
    page.get_by_role("heading", name="Malmö kommun").wait_for()
    expect(page.locator("#indikatorer")).to_contain_text("35,4 procent")
    check_page(page, problems, "municipality")
    page.goto("/indikatorer")
    check_page(page, problems, "list")
    assert not problems, "\n".join(problems)


REMOVED = "Indikator att ta bort i webbläsaren"


def test_delete_an_indicator_after_confirming(new_page):
    """Click delete on the indicator's page, read on the confirmation page what goes (its
    figures), confirm, and see the indicator gone from the list and its removal recorded."""
    problems: list[str] = []
    page = new_page("coordinator")
    page.goto("/indikatorer/import")
    page.get_by_label("Fil", exact=True).set_input_files(
        {
            "name": "att-ta-bort.csv",
            "mimeType": "text/csv",
            "buffer": "Kommun;År;Värde\r\n1280;2024;12,5\r\n0180;2024;8,0\r\n".encode(),
        }
    )
    page.get_by_role("button", name="Läs in filen").click()
    page.get_by_label("Indikator", exact=True).select_option(label="Ny indikator")
    page.get_by_label("Namn på ny indikator").fill(REMOVED)
    page.get_by_label("Kolumn med kommun (kod eller namn)").select_option(label="Kommun – 1280")
    page.get_by_label("Kolumn med år").select_option(label="År – 2024")
    page.get_by_label("Kolumn med värde").select_option(label="Värde – 12,5")
    page.get_by_role("button", name="Förhandsgranska").click()
    page.get_by_role("button", name="Importera").click()
    expect(page.locator(".flash--success")).to_contain_text("2 värden är sparade.")
    page.get_by_role("heading", name=REMOVED).wait_for()

    page.get_by_role("link", name="Ta bort indikatorn").click()
    page.get_by_role("heading", name="Ta bort indikatorn?", level=1).wait_for()
    expect(page.locator("#removal")).to_contain_text("2 värden för 2 kommuner (år 2024)")
    check_page(page, problems, "delete")
    # Cancelling leads back, with nothing removed.
    page.get_by_role("link", name="Avbryt").click()
    page.get_by_role("heading", name=REMOVED, level=1).wait_for()
    page.get_by_role("link", name="Ta bort indikatorn").click()
    page.get_by_role("button", name="Ta bort indikatorn och dess värden").click()

    page.get_by_role("heading", name="Indikatorer", level=1).wait_for()
    expect(page.locator(".flash--success")).to_contain_text(
        f"Indikatorn {REMOVED} och dess 2 värden är borttagna."
    )
    expect(page.locator("#indicators")).not_to_contain_text(REMOVED)
    expect(page.locator("#removed")).to_contain_text(f"Kim Samordnare · tog bort {REMOVED}")
    check_page(page, problems, "removed")
    assert not problems, "\n".join(problems)
