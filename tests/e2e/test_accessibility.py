"""WCAG 2.0/2.1 A and AA: axe-core (from node_modules, never a CDN) finds nothing on every
main page; logging a meeting works with the keyboard alone; form errors are tied to fields."""

from __future__ import annotations

import json

import pytest

from .conftest import ROOT, screenshot

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

#: (name, path) of the main pages; {malmo} etc. are filled in from the running app.
PAGES = [
    ("start", "/"),
    ("organisationer", "/organisationer"),
    ("organisation", "/organisationer?q=malmö kommun"),
    ("kontakter", "/kontakter"),
    ("kontakt", "/kontakter?q=sara"),
    ("kontakt-ny", "/kontakter/ny"),
    ("moten", "/moten"),
    ("mote-ny", "/moten/ny"),
    ("mote-fran-inbjudan", "/moten/importera-inbjudan"),
    ("uppfoljningar", "/uppfoljningar"),
    ("uppfoljning-ny", "/uppfoljningar/ny"),
    ("sok", "/sok?q=malmö"),
    ("konto", "/konto"),
    ("kalender", "/kalender"),
    ("import", "/kontakter/import"),
    ("papperskorg", "/papperskorg"),
    ("gallringslista", "/kontakter/gallring?ar=1"),
]


def axe_violations(page) -> list[dict]:
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `make test` (it installs the Node test tools)")
    page.evaluate(AXE.read_text())  # evaluated by the test, not loaded by the page (CSP)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS
    )
    assert len(result["passes"]) > 10, "axe did not run its rules"
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
    ]


@pytest.mark.parametrize(("name", "path"), PAGES, ids=[name for name, _ in PAGES])
def test_no_axe_violations(new_page, name, path):
    page = new_page("coordinator")
    page.goto(path)
    if name == "organisation":
        page.get_by_role("link", name="Malmö kommun", exact=True).click()
    if name == "kontakt":
        page.get_by_role("link", name="Lindqvist, Sara").click()
        page.get_by_role("heading", name="Sara Lindqvist").wait_for()
    screenshot(page, f"a11y-{name}")
    violations = axe_violations(page)
    assert not violations, json.dumps(violations, ensure_ascii=False, indent=1)


def test_login_and_error_pages(new_page):
    page = new_page()
    page.goto("/logga-in")
    assert not axe_violations(page)
    page = new_page("reader")
    page.goto("/finns-inte")
    assert not axe_violations(page)


def test_form_errors_are_tied_to_their_fields(new_page):
    page = new_page("coordinator")
    page.goto("/moten/ny")
    page.get_by_label("Rubrik").fill("")
    page.get_by_role("button", name="Spara mötet").click()
    title = page.get_by_label("Rubrik")
    assert title.get_attribute("aria-invalid") == "true"
    described = title.get_attribute("aria-describedby") or ""
    error_id = next(part for part in described.split() if part.endswith("-error"))
    assert page.locator(f"#{error_id}").inner_text().strip()
    assert not axe_violations(page)


def test_log_a_meeting_with_the_keyboard_alone(new_page):
    page = new_page("coordinator")
    page.goto("/")
    # Tab to "Logga möte" in the header and open it.
    for _ in range(40):
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.textContent.trim()")
        if focused == "Logga möte":
            break
    else:
        pytest.fail("'Logga möte' cannot be reached with Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "focus is not visible"
    page.keyboard.press("Enter")
    page.wait_for_url("**/moten/ny")
    page.keyboard.type("Telefonsamtal med Lund")  # the title has focus on arrival
    # Tab to the organisation search box, pick with the arrow keys and Enter.
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "organisations-search":
            break
    else:
        pytest.fail("the organisation search box cannot be reached with Tab")
    page.keyboard.type("lunds kommun")
    page.locator(".picker__options:visible [role=option]").first.wait_for()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("Enter")
    assert page.locator(".picker__chip", has_text="Lunds kommun").count() == 1
    page.keyboard.press("Escape")
    # Submit from the keyboard: focus the save button and press Enter.
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Spara mötet":
            break
    else:
        pytest.fail("'Spara mötet' cannot be reached with Tab")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Telefonsamtal med Lund").wait_for()
    screenshot(page, "keyboard-meeting")
    assert not axe_violations(page)  # the meeting page, with its calendar section
