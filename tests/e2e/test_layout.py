"""Every page fits the screen and prints whole (issue 15, items 6–8), measured in Chromium.

At 320, 1280 and 1920 px, every page reachable from the menu and one page of each detail kind
never scrolls sideways (WCAG 2.1 1.4.10: a table wider than the screen may only scroll inside
its own labelled region), and from 1280 px every row action lies inside the visible table.
The printable report pages keep every column within A4's printable width and do not leave
page 1 nearly empty.

Layout does not depend on the database, so these checks run once: on the SQLite run. One
server, one browser, one logged-in page for the whole module.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from app.common.time import local_today

from .conftest import ARTIFACTS as ARTIFACTS_DIR
from .conftest import log_in, screenshot
from .test_coverage import new_material
from .test_library import pick

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("TEST_DATABASE_URL")),
    reason="layout checks run once, on the SQLite run: layout does not depend on the database",
)

WIDTHS = (320, 1280, 1920)
DESKTOP = 1280  #: from this width every row action is in view without scrolling

#: The pages reachable from the menu (as an admin, who sees every entry) and the pages they
#: lead to that have no id in their address.
PAGES = [
    "/",
    "/?moten=teamet",
    "/organisationer",
    "/organisationer/ny",
    "/kontakter",
    "/kontakter/ny",
    "/kontakter/import",
    "/kontakter/dubbletter",
    "/kontakter/gallring?ar=1",
    "/moten",
    "/moten/ny",
    "/moten/importera-inbjudan",
    "/uppfoljningar",
    "/uppfoljningar?visa=teamets",
    "/uppfoljningar?visa=klara",
    "/uppfoljningar/ny",
    "/rapporter",
    "/rapporter/lagesbild",
    "/rapporter/sammanstallning",
    "/rapporter/sammanstallning/utskrift",
    "/rapporter/slutredovisning",
    "/rapporter/slutredovisning/utskrift",
    "/rapporter/tystnad",
    "/papperskorg",
    "/admin/anvandare",
    "/admin/anvandare/ny",
    "/admin/sakerhetslogg",
    "/material",
    "/material/ny",
    "/material?typ=forskning&fran_ar=2020&till_ar=2026",
    "/utskick",
    "/utskick/nytt?mottagare=organisationer",
    "/utskick/nytt?mottagare=kontakter",
    "/konto",
    "/kalender",
    "/sok?q=malmö",
]

#: The pages that print (reports.css): each keeps every column on its A4 page.
PRINTED = [
    "/rapporter/lagesbild",
    "/rapporter/sammanstallning/utskrift",
    "/rapporter/slutredovisning/utskrift",
    "/rapporter/tystnad",
]

LONG_TEXT = (
    "Kommunen vill samordna arbetet mellan socialtjänsten, arbetsmarknadsenheten och "
    "skolan, och ser behov av tolkstöd, informationsmaterial på flera språk och en "
    "gemensam kontaktperson för återvandringsfrågor under hela projektperioden."
)

#: What is wrong with the page's layout at this width, as sentences (empty when it fits).
#: A table's visible box is its box clipped by every scrolling ancestor and the screen.
LAYOUT_PROBLEMS = """(desktop) => {
  const problems = [];
  const width = window.innerWidth;
  const pageWidth = document.documentElement.scrollWidth;
  if (pageWidth > width) {
    // The widest elements not clipped by a scrolling ancestor: what makes the page wide.
    const clipped = el => {
      for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
        if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(up).overflowX)) return true;
      }
      return false;
    };
    const wide = [...document.querySelectorAll('main *')]
      .filter(el => el.getBoundingClientRect().right > width + 1 && !clipped(el))
      .slice(-3).map(el => {
        const css = el.getAttribute('class') ? '.' + el.getAttribute('class') : '';
        const text = (el.textContent || '').trim().slice(0, 40);
        return `${el.tagName.toLowerCase()}${css} "${text}"`;
      });
    problems.push(`the page scrolls sideways (${pageWidth} px wide): ${wide.join(', ')}`);
  }
  const name = el => (el.textContent || el.getAttribute('aria-label') || el.name || '').trim()
    .replace(/\\s+/g, ' ').slice(0, 40);
  for (const table of document.querySelectorAll('main table')) {
    if (!table.getClientRects().length) continue;  // in a closed <details>
    const label = name(table.caption || table.tHead || table);
    const box = table.getBoundingClientRect();
    let left = Math.max(box.left, 0), right = Math.min(box.right, width);
    let region = null;
    for (let up = table.parentElement; up; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== 'visible') {
        const clip = up.getBoundingClientRect();
        left = Math.max(left, clip.left);
        right = Math.min(right, clip.right);
        region = region || up;
      }
    }
    if (box.right > width + 0.5 || box.left < -0.5) {
      const labelled = region && region.getAttribute('role') === 'region'
        && region.getAttribute('aria-label') && region.tabIndex === 0;
      if (!labelled) problems.push(
        `table "${label}" is wider than the screen outside a labelled scrolling region`);
    }
    if (!desktop) continue;
    const controls = 'tbody a, tbody button, tbody input:not([type=hidden]), tbody select';
    for (const control of table.querySelectorAll(controls)) {
      const at = control.getBoundingClientRect();
      if (!at.width) continue;
      if (at.left < left - 0.5 || at.right > right + 0.5) {
        problems.push(`"${name(control)}" in table "${label}" lies outside the visible table ` +
          `(${Math.round(at.left)}–${Math.round(at.right)} px, ` +
          `visible ${Math.round(left)}–${Math.round(right)} px)`);
      }
    }
  }
  return problems;
}"""

#: The printable area of the page's @page rule in CSS px: [width, height].
PRINTABLE_AREA = """() => {
  const mm = value => {
    const match = /^([\\d.]+)mm$/.exec(value.trim());
    if (!match) throw new Error(`@page margin ${value} is not in mm`);
    return parseFloat(match[1]);
  };
  for (const sheet of document.styleSheets) {
    for (const rule of sheet.cssRules) {
      if (rule.type !== CSSRule.PAGE_RULE || rule.selectorText) continue;
      const size = rule.style.getPropertyValue('size').toLowerCase();
      let [w, h] = [210, 297];
      if (size.includes('landscape')) [w, h] = [h, w];
      const style = rule.style;
      w -= mm(style.marginLeft) + mm(style.marginRight);
      h -= mm(style.marginTop) + mm(style.marginBottom);
      return [w * 96 / 25.4, h * 96 / 25.4];
    }
  }
  return null;
}"""

#: What printing would lose: columns outside the printable width, and a first page left
#: mostly empty because a block kept whole (break-inside: avoid, a picture, a table row)
#: does not fit in what is left of it and moves to page 2.
PRINT_PROBLEMS = """([width, height]) => {
  const problems = [];
  if (document.documentElement.scrollWidth > width + 0.5)
    problems.push(`the printed page is ${document.documentElement.scrollWidth} px wide, ` +
      `A4 holds ${Math.round(width)} px`);
  for (const th of document.querySelectorAll('main table thead th')) {
    const box = th.getBoundingClientRect();
    const text = th.textContent.trim();
    if (!box.width || box.left < -0.5 || box.right > width + 0.5)
      problems.push(`column "${text}" is not printed ` +
        `(${Math.round(box.left)}–${Math.round(box.right)} px of ${Math.round(width)})`);
  }
  let firstKept = null;
  for (const el of document.querySelectorAll('main *')) {
    const box = el.getBoundingClientRect();
    const top = box.top + window.scrollY, bottom = box.bottom + window.scrollY;
    if (!box.height || top >= height || bottom <= height) continue;
    const kept = getComputedStyle(el).breakInside.startsWith('avoid')
      || ['svg', 'img', 'tr'].includes(el.tagName.toLowerCase());
    if (kept && (!firstKept || top < firstKept.top)) firstKept = {top, el};
  }
  if (firstKept && firstKept.top < 0.75 * height) {
    const el = firstKept.el;
    problems.push(`page 1 ends at ${Math.round(firstKept.top)} of ${Math.round(height)} px: ` +
      `${el.tagName.toLowerCase()}.${el.className.baseVal ?? el.className} ` +
      'is kept whole and moves to page 2');
  }
  return problems;
}"""


@pytest.fixture(scope="module")
def page(browser, server) -> Iterator:
    """One admin's page for the whole module (an admin sees every menu entry)."""
    context = browser.new_context(base_url=server, locale="sv-SE", timezone_id="Europe/Stockholm")
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, "admin")
    yield page
    context.close()


@pytest.fixture(scope="module")
def detail_pages(page) -> dict[str, str]:
    """Realistic rows with long words, and one address of each detail kind: a meeting with
    Malmö's social services held yesterday, follow-ups from it (one overdue), Malmö's
    opportunities and challenges for the lägesbild."""
    yesterday = local_today() - timedelta(days=1)
    page.goto("/organisationer?q=malmö")
    page.get_by_role("link", name="Malmö kommun", exact=True).click()
    municipality = page.url
    page.get_by_role("link", name="Ändra engagemang").click()
    page.get_by_label("Steg").select_option(index=3)
    page.get_by_label("Möjligheter").fill(LONG_TEXT)
    page.get_by_label("Utmaningar").fill(LONG_TEXT)
    page.get_by_role("button", name="Spara").click()
    page.wait_for_url(municipality)
    unit = page.get_by_role("main").get_by_role("link", name=re.compile("^Socialtjänsten"))
    organisation = unit.first.get_attribute("href")

    page.goto("/moten/ny")
    page.get_by_label("Rubrik").fill("Samverkansmöte om återvandringsbidraget med socialtjänsten")
    page.get_by_label("Datum", exact=True).fill(yesterday.isoformat())
    page.get_by_label("Börjar").fill("09:00")
    page.get_by_label("Slutar").fill("10:30")
    page.get_by_role("combobox", name="Organisationer").fill("socialtj malmo")
    page.locator(".picker__options:visible").get_by_role("option").first.click()
    page.get_by_role("combobox", name="Deltagande kontakter").click()
    page.locator(".picker__options:visible").get_by_role("option").first.click()
    page.get_by_role("button", name="Spara mötet").click()
    expect(page.get_by_role("heading", name=re.compile("Samverkansmöte"))).to_be_visible()
    meeting = page.url
    page.get_by_role("link", name=re.compile("Efter mötet")).click()
    page.get_by_label("Resultat").fill(LONG_TEXT)
    for index, (title, due) in enumerate(
        [
            ("Skicka informationsmaterialet om återvandringsbidraget", yesterday),
            ("Boka ett uppföljande samverkansmöte med arbetsmarknadsenheten", yesterday),
            ("Sammanställa erfarenheterna från socialtjänstens handläggare", local_today()),
        ]
    ):
        page.locator(f"#follow_ups-{index}-title").fill(title)
        page.locator(f"#follow_ups-{index}-due_on").fill(due.isoformat())
    page.get_by_role("button", name="Spara").click()
    page.wait_for_url(meeting)
    follow_up = page.get_by_role("link", name="Skicka informationsmaterialet", exact=False)
    follow_up = follow_up.first.get_attribute("href")

    page.goto("/organisationer?q=skåne")
    page.get_by_role("link", name="Länsstyrelsen i Skåne län").first.click()
    county_board = page.url
    page.goto("/kontakter?q=lindqvist")
    page.get_by_role("link", name=re.compile("Lindqvist")).first.click()
    contact = page.url

    # A guide handed to Malmö (its coverage page), and a research reference discussed at the
    # meeting (the reference's page lists it; the meeting's page lists the reference).
    new_material(page, "Vägledning för kommuner om återvandringsstödet, version två", "Vägledning")
    page.get_by_label("Version", exact=True).select_option(label="Version 1")
    pick(page, "malmö kommun", "Malmö kommun")
    page.get_by_role("button", name="Registrera", exact=True).click()
    expect(page.get_by_role("status").filter(has_text="skickat till 1 mottagare")).to_be_visible()
    page.get_by_role("link", name=re.compile("Vilka kommuner har fått materialet")).click()
    coverage = page.url
    title = "Återvandring och återintegrering: en kunskapsöversikt om stödets betydelse"
    new_material(
        page,
        title,
        "Forskning",
        Författare="Lindqvist-Andersson, Maria; Ahmed, Omar; Nyström, Karin",
        År="2024",
    )
    reference = page.url
    page.goto(meeting)
    section = page.get_by_role("region", name="Forskning och material som diskuterades")
    section.get_by_label("Referens").select_option(
        label=f"{title} (Lindqvist-Andersson, Maria, 2024)"
    )
    section.get_by_role("button", name="Koppla referensen").click()
    expect(page.get_by_role("status").filter(has_text="kopplad till mötet")).to_be_visible()
    # A draft mailing to Malmö (its registry's mailbox) and its social services (no address).
    page.goto(municipality.rstrip("/") + "/redigera")
    page.get_by_label("Funktionsbrevlåda").fill("registrator.kommunstyrelsen@malmo.example.se")
    page.get_by_role("button", name=re.compile("^Spara")).click()
    page.wait_for_url(municipality)
    page.goto("/utskick/nytt?mottagare=organisationer&q=malmö")
    page.get_by_label("Ämnesrad").fill(
        "Informationsmaterial om återvandringsbidraget till {organisation}"
    )
    page.get_by_role("button", name="Förhandsgranska").click()
    expect(page.get_by_role("heading", name="Utan adress")).to_be_visible()
    mailing = page.url
    return {
        "coverage": coverage,
        "reference": reference,
        "mailing": mailing,
        "organisation": organisation,
        "municipality": municipality,
        "county board": county_board,
        "contact": contact,
        "meeting": meeting,
        "follow-up": follow_up,
    }


def test_every_page_fits_every_width(page, detail_pages):
    """No page scrolls sideways at 320, 1280 or 1920 px, a wide table scrolls only inside its
    own labelled region, and from 1280 px every row action is inside the visible table."""
    problems = []
    for path in [*PAGES, *detail_pages.values()]:
        page.set_viewport_size({"width": WIDTHS[0], "height": 900})
        response = page.goto(path)
        assert response.status == 200, path
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            found = page.evaluate(LAYOUT_PROBLEMS, width >= DESKTOP)
            problems += [f"{path} at {width} px: {problem}" for problem in found]
    assert not problems, "\n".join(problems)


def test_start_page_klar_is_in_view_and_works(page, detail_pages):
    """The one-click "Klar" of an overdue follow-up on the start page is visible at 1280 px
    and completes it; the overdue link leads to my overdue follow-ups."""
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/")
    row = page.locator(".dashboard__followups tr", has_text="Boka ett uppföljande")
    button = row.get_by_role("button", name="Klar")
    expect(button).to_be_in_viewport()
    screenshot(page, "layout-start-1280")
    button.click()
    expect(page.locator(".dashboard__followups", has_text="Boka ett uppföljande")).to_have_count(0)
    page.get_by_role("link", name="Visa alla mina försenade").click()
    expect(page.get_by_role("link", name="Skicka informationsmaterialet")).to_be_visible()
    page.get_by_role("link", name="Teamets försenade").click()
    expect(page.get_by_role("link", name="Skicka informationsmaterialet")).to_be_visible()


def test_printing_keeps_every_column_on_a4(page, detail_pages):
    """The printable pages lay out on their @page's A4 with every column inside the printable
    width, and page 1 is not left nearly empty; the lägesbild prints Utmaningar."""
    problems = []
    try:
        for path in PRINTED:
            page.emulate_media(media="screen")
            page.set_viewport_size({"width": 1280, "height": 900})
            page.goto(path)
            page.emulate_media(media="print")
            area = page.evaluate(PRINTABLE_AREA)
            assert area, f"{path} has no @page rule"
            width, height = area
            page.set_viewport_size({"width": int(width), "height": int(height)})
            if path == "/rapporter/lagesbild":
                columns = page.locator("main table thead th").all_inner_texts()
                assert "Utmaningar" in columns and "Möjligheter" in columns
                screenshot(page, "layout-situation-print")
            problems += [f"{path}: {problem}" for problem in page.evaluate(PRINT_PROBLEMS, area)]
    finally:
        page.emulate_media(media="screen")
    assert not problems, "\n".join(problems)


#: The pages with charts (the start page has none).
CHARTED = ["/rapporter/sammanstallning", "/rapporter/slutredovisning"]
NARROW_TEXT = 11  #: px: the smallest chart text on screen, at any width

#: Every text of every chart as drawn on screen: its computed font size times the chart's
#: scale (rendered width over viewBox width), its box (getBoundingClientRect), the chart's
#: index, and whether its scrolling region is labelled and focusable.
CHART_TEXTS = """() => [...document.querySelectorAll('main svg.chart')].flatMap((svg, chart) => {
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  const region = svg.closest('[role=region]');
  const labelled = !!(region && region.getAttribute('aria-label') && region.tabIndex === 0);
  return [...svg.querySelectorAll('text')].map(text => {
    const box = text.getBoundingClientRect();
    return {chart, labelled, text: text.textContent,
      size: parseFloat(getComputedStyle(text).fontSize) * scale,
      box: [box.left, box.top, box.right, box.bottom]};
  });
})"""


def chart_text_problems(texts: list[dict]) -> list[str]:
    """Texts drawn smaller than NARROW_TEXT px, or touching another text of their chart."""
    problems = []
    for item in texts:
        _left, top, _right, bottom = item["box"]
        if item["size"] < NARROW_TEXT or bottom - top < NARROW_TEXT:
            problems.append(
                f"{item['text']!r} is {item['size']:.1f} px ({bottom - top:.1f} px high)"
            )
        unlabelled = f"chart {item['chart']} is not in a labelled, focusable region"
        if not item["labelled"] and unlabelled not in problems:
            problems.append(unlabelled)
    for index, a in enumerate(texts):
        for b in texts[index + 1 :]:
            if a["chart"] != b["chart"]:
                continue
            ax0, ay0, ax1, ay1 = a["box"]
            bx0, by0, bx1, by1 = b["box"]
            if ax0 < bx1 and bx0 < ax1 and ay0 < by1 and by0 < ay1:
                problems.append(f"{a['text']!r} and {b['text']!r} overlap")
    return problems


@pytest.mark.parametrize("width", [320, 1280])
def test_chart_text_is_legible_and_apart(page, detail_pages, width):
    """At 320 px (and at 1280) every chart's text is at least 11 px on screen, no two of a
    chart's labels touch, and the page itself does not scroll sideways: a chart narrower
    than its text allows scrolls inside its own labelled region."""
    problems = []
    for path in CHARTED:
        page.set_viewport_size({"width": width, "height": 900})
        assert page.goto(path).status == 200, path
        texts = page.evaluate(CHART_TEXTS)
        assert len(texts) > 10, (path, texts)
        problems += [f"{path} at {width} px: {p}" for p in chart_text_problems(texts)]
        page_width = page.evaluate("document.documentElement.scrollWidth")
        if page_width > width:
            problems.append(f"{path} at {width} px scrolls sideways ({page_width} px)")
        screenshot(page, f"layout-charts-{path.rsplit('/', 1)[1]}-{width}")
    assert not problems, "\n".join(problems)


def pdf_text(data: bytes) -> list[str]:
    """Each page's text, as pypdf extracts it."""
    from pypdf import PdfReader

    return [p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages]


def page_one_reach(data: bytes) -> float:
    """How far down page 1 its text reaches, as a share of the page's height."""
    from pypdf import PdfReader

    first = PdfReader(io.BytesIO(data)).pages[0]
    heights: list[float] = []

    def visit(text, cm, tm, _font, _size) -> None:
        if text.strip():  # the text's baseline in page space (tm, then cm)
            heights.append(tm[4] * cm[1] + tm[5] * cm[3] + cm[5])

    first.extract_text(visitor_text=visit)
    height = float(first.mediabox.height)
    return (height - min(heights)) / height if heights else 0.0


def squeezed(text: str) -> str:
    """Text without white space or hyphens: a header wrapped over two lines still matches."""
    return re.sub(r"[\s\u00ad-]+", "", text)


@pytest.mark.parametrize(
    "path, landscape",
    [
        ("/rapporter/lagesbild", True),
        ("/rapporter/sammanstallning/utskrift", True),
        ("/rapporter/sammanstallning/utskrift", False),
    ],
)
def test_printed_pdf_holds_every_column_and_fills_page_one(page, detail_pages, path, landscape):
    """A real PDF from headless Chromium (page.pdf, A4; the lägesbild landscape, as its
    @page asks): every column header of the page's tables, "Utmaningar" among the
    lägesbild's, is in the PDF's text, and page 1 is not left nearly empty."""
    page.set_viewport_size({"width": 1280, "height": 900})
    assert page.goto(path).status == 200
    headers = [" ".join(h.split()) for h in page.locator("main table thead th").all_inner_texts()]
    headers = [h for h in headers if h]
    assert headers, path
    # Printing lays the page out for print; an earlier test may have left "screen" emulated,
    # which page.pdf would keep.
    page.emulate_media(media="print")
    try:
        data = page.pdf(format="A4", landscape=landscape, prefer_css_page_size=False)
    finally:
        page.emulate_media(media="screen")
    name = f"print-{path.strip('/').replace('/', '-')}-{'landscape' if landscape else 'portrait'}"
    (ARTIFACTS_DIR / f"{name}.pdf").write_bytes(data)
    pages = pdf_text(data)
    assert pages and data.startswith(b"%PDF")
    everything = squeezed("".join(pages))
    missing = [h for h in headers if squeezed(h) not in everything]
    assert not missing, f"{path}: not in the PDF: {missing}"
    if path == "/rapporter/lagesbild":
        assert "Utmaningar" in headers and "Möjligheter" in headers
    # Page 1 is filled: its lowest line of text is in the last quarter of the page (a
    # picture has no text, so the text's reach is measured, not its amount).
    assert pages[0].strip()
    assert len(pages) == 1 or page_one_reach(data) >= 0.75, page_one_reach(data)
