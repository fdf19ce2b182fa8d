"""The summary's list of held meetings: a page at a time on the page, the first ones on the
printable page, every one in the exports (see conftest.py for the six October meetings)."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook

from app.reports import routes, summary
from app.reports.meeting_list import held_meeting_rows

from .conftest import OCTOBER

IN_ORDER = [
    "Malmö, Lund och länsstyrelsen",
    "Socialtjänsten i Malmö",
    "=HYPERLINK",
    "Malmö igen",
    "Till Migrationsverket",
    "Kiruna sent",
]
NAV = 'aria-label="Sidor med genomförda möten"'


def listed(page: str) -> list[str]:
    """The titles in the meeting table, in the order shown."""
    table = page[page.index('id="meetings-heading"') :]
    return [title for title in IN_ORDER if title in table]


@pytest.fixture
def four_per_page(monkeypatch):
    monkeypatch.setattr(summary, "MEETINGS_PER_PAGE", 4)


def test_the_first_page_says_how_many_and_links_the_exports(world, reader, four_per_page):
    page = reader.get("/rapporter/sammanstallning?manad=2026-10").text
    assert "Visar 1–4 av 6 genomförda möten." in page
    assert listed(page) == IN_ORDER[:4]
    assert re.search(r'meetings-heading"[^>]*>Genomförda möten <span class="badge">6</span>', page)
    # Everything is in the exports, linked next to the count.
    count = page[page.index("Visar 1–4 av 6") :]
    assert count.index('href="/rapporter/sammanstallning.xlsx?manad=2026-10"') < 400
    assert 'href="/rapporter/sammanstallning.csv?manad=2026-10"' in count
    # The pages link back to the list, not to the top of the report.
    assert NAV in page
    assert 'href="/rapporter/sammanstallning?sida=2&amp;manad=2026-10#meetings-heading"' in page
    assert "Sida 1 av 2" in page


def test_the_next_page_and_beyond(world, reader, four_per_page):
    second = reader.get("/rapporter/sammanstallning?manad=2026-10&sida=2").text
    assert "Visar 5–6 av 6 genomförda möten." in second
    assert listed(second) == IN_ORDER[4:]
    pages = second[second.index(NAV) :]
    assert 'rel="prev"' in pages and 'rel="next"' not in pages
    # Past the end: the last page; nonsense: the first.
    assert (
        listed(reader.get("/rapporter/sammanstallning?manad=2026-10&sida=99").text)
        == (IN_ORDER[4:])
    )
    assert (
        listed(reader.get("/rapporter/sammanstallning?manad=2026-10&sida=x").text) == (IN_ORDER[:4])
    )
    # The figures above the list are the whole month's on every page.
    assert re.search(r'stat__value">6</span>\s*<span class="stat__label">genomförda', second)


def test_a_free_period_keeps_its_dates_from_page_to_page(world, reader, four_per_page):
    page = reader.get("/rapporter/sammanstallning?fran=2026-10-01&till=2026-12-31").text
    assert "Visar 1–4 av 7 genomförda möten." in page  # and Göteborg in November
    assert "sida=2&amp;fran=2026-10-01&amp;till=2026-12-31#meetings-heading" in page


def test_one_page_needs_no_page_links(world, reader):
    page = reader.get("/rapporter/sammanstallning?manad=2026-10").text
    assert "Visar 1–6 av 6 genomförda möten." in page
    assert listed(page) == IN_ORDER
    assert NAV not in page and "Alla finns i exporten" not in page


def test_an_empty_month(seeded, reader):
    page = reader.get("/rapporter/sammanstallning?manad=2026-10").text
    assert "Inga genomförda möten under perioden." in page and "Visar" not in page


def test_the_printable_page_shows_the_first_ones(world, reader, monkeypatch):
    monkeypatch.setattr(routes, "MEETINGS_PRINTED", 4)
    page = reader.get("/rapporter/sammanstallning/utskrift?manad=2026-10").text
    assert "Visar 1–4 av 6 genomförda möten." in page
    assert "Utskriften visar de 4 första mötena." in page
    assert listed(page) == IN_ORDER[:4] and NAV not in page


def test_the_exports_hold_every_meeting_whatever_the_page_shows(world, reader, four_per_page):
    data = reader.get("/rapporter/sammanstallning.xlsx?manad=2026-10").data
    rows = list(load_workbook(io.BytesIO(data))["Genomförda möten"].iter_rows(values_only=True))
    assert [row[1] for row in rows[1:]][-1] == "Kiruna sent" and len(rows) == 1 + 6
    text = reader.get("/rapporter/sammanstallning.csv?manad=2026-10").data.decode("utf-8-sig")
    assert all(title in text for title in IN_ORDER)


def test_the_export_stream_runs_only_when_read(world, seeded, count_statements):
    with seeded.app_context(), count_statements() as counter:
        rows = held_meeting_rows(OCTOBER)
        assert counter.count == 0
        assert [m.title for m in rows][-1] == "Kiruna sent"
        assert counter.count == 1  # every meeting and its organisations: one statement
