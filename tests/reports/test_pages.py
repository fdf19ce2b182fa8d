"""The report pages: readers see them all, bad input gets a Swedish message (never a 500),
exports download, and every page runs a fixed number of SQL statements."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from app.common.time import local_today
from app.extensions import db
from app.reports.periods import last_month

from .conftest import add_more

PAGES = [
    "/rapporter",
    "/rapporter/sammanstallning",
    "/rapporter/sammanstallning?manad=2026-10",
    "/rapporter/sammanstallning?fran=2026-01-01&till=2026-12-31",
    "/rapporter/sammanstallning/utskrift?manad=2026-10",
    "/rapporter/lagesbild",
    "/rapporter/lagesbild?lan=12&steg=i_dialog",
    "/rapporter/tystnad",
    "/rapporter/tystnad?manader=12&typ=lansstyrelse",
    "/rapporter/slutredovisning",
    "/rapporter/slutredovisning?till=2026-11-30",
    "/rapporter/slutredovisning/utskrift?till=2026-11-30",
]
EXPORTS = {
    "/rapporter/sammanstallning.xlsx?manad=2026-10": "sammanstallning-2026-10.xlsx",
    "/rapporter/sammanstallning.csv?fran=2026-10-01&till=2026-12-31": (
        "sammanstallning-2026-10-01--2026-12-31.csv"
    ),
    "/rapporter/lagesbild.xlsx": "lagesbild-",
    "/rapporter/tystnad.xlsx?manader=3": "tystnadslista-",
    "/rapporter/slutredovisning.xlsx?till=2026-11-30": "slutredovisning-2025-06-05--2026-11-30",
}


@pytest.mark.parametrize("url", PAGES)
def test_readers_see_every_report(world, reader, url):
    response = reader.get(url)
    assert response.status_code == 200, response.text
    assert 'href="/static/css/reports.css"' in response.text


@pytest.mark.parametrize(("url", "filename"), EXPORTS.items())
def test_readers_download_every_export(world, reader, url, filename):
    response = reader.get(url)
    assert response.status_code == 200
    assert filename in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    if ".xlsx" in url:
        assert load_workbook(io.BytesIO(response.data)).sheetnames
    else:
        assert response.data.startswith(b"\xef\xbb\xbf")


def test_the_landing_page_links_every_report(reader):
    page = reader.get("/rapporter").text
    for path in ("sammanstallning", "lagesbild", "tystnad", "slutredovisning"):
        assert f'href="/rapporter/{path}"' in page


def test_the_summary_page_shows_the_figures(world, reader):
    page = reader.get("/rapporter/sammanstallning?manad=2026-10").text
    assert "2026-10" in page
    assert re.search(r'stat__value">6</span>\s*<span class="stat__label">genomförda möten', page)
    assert "Kiruna sent" in page and "Göteborg vid midnatt" not in page
    assert "Inställt" not in page and "Planerat" not in page
    assert 'href="/rapporter/sammanstallning.xlsx?manad=2026-10"' in page
    assert 'href="/rapporter/sammanstallning?manad=2026-09"' in page  # previous month
    assert page.count('role="img"') == 2  # the two charts
    assert "&lt;title&gt;" not in page  # the SVG is markup, not escaped text
    assert 'name="manad" type="month" value="2026-10"' in page


def test_the_summary_defaults_to_last_month(reader, seeded):
    page = reader.get("/rapporter/sammanstallning").text
    month = last_month(local_today()).month_key
    assert f'name="manad" type="month" value="{month}"' in page
    assert f'<span class="report-period">{month}</span>' in page


def test_the_print_page_is_made_for_a4():
    css = (Path(__file__).parents[2] / "app/static/css/reports.css").read_text()
    assert re.search(r"@page\s*{\s*size:\s*A4", css)
    assert "@media print" in css


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/rapporter/sammanstallning?manad=2026-13", "Ange månaden som ÅÅÅÅ-MM"),
        ("/rapporter/sammanstallning?manad=%00", "Ange månaden som ÅÅÅÅ-MM"),
        ("/rapporter/sammanstallning?fran=2026-10-01", "Ange både från- och till-datum"),
        ("/rapporter/sammanstallning?fran=2026-10-31&till=2026-10-01", "före startdatumet"),
        ("/rapporter/sammanstallning?fran=2001-01-01&till=2026-10-01", "högst tio år"),
        ("/rapporter/sammanstallning?fran=2026-02-30&till=2026-03-01", "Ange datumet som"),
        ("/rapporter/sammanstallning.xlsx?manad=9999-01", "Ange månaden som ÅÅÅÅ-MM"),
        ("/rapporter/sammanstallning/utskrift?till=x", "Ange datumet som"),
        ("/rapporter/tystnad?manader=0", "Ange ett antal månader mellan 1 och 60"),
        ("/rapporter/tystnad?manader=abc", "Ange ett antal månader mellan 1 och 60"),
        ("/rapporter/tystnad.xlsx?manader=999", "Ange ett antal månader mellan 1 och 60"),
        ("/rapporter/slutredovisning?till=2026-13-01", "Ange datumet som"),
        ("/rapporter/slutredovisning?till=2020-01-01", "före uppdragets start, 2025-06-05"),
        ("/rapporter/slutredovisning.xlsx?till=nej", "Ange datumet som"),
        ("/rapporter/slutredovisning/utskrift?till=2020-01-01", "före uppdragets start"),
    ],
)
def test_bad_input_shows_a_swedish_message(reader, seeded, url, message):
    response = reader.get(url)
    assert response.status_code == 400
    assert message in response.text
    assert 'class="error-summary"' in response.text


def test_unknown_filters_on_the_lagesbild_mean_all(world, reader):
    page = reader.get("/rapporter/lagesbild?lan=99&steg=inget").text
    assert "Visar 290 av 290 kommuner." in page


def test_the_assignment_start_comes_from_the_config(world, seeded, reader):
    seeded.config["ASSIGNMENT_START"] = "2026-01-01"
    page = reader.get("/rapporter/slutredovisning?till=2026-11-30").text
    assert "2026-01-01 – 2026-11-30" in page
    assert "2025K4" not in page and "2026K1" in page


def test_the_silence_page_lists_the_never_met_first(world, reader):
    page = reader.get("/rapporter/tystnad?manader=1&typ=kommun").text
    assert page.index("Ale kommun") < page.index("Uppsala kommun")
    assert "Länsstyrelsen i Skåne län" not in page


COUNTED = [
    "/rapporter",
    "/rapporter/sammanstallning?manad=2026-10",
    "/rapporter/sammanstallning?manad=2026-10&sida=2",
    "/rapporter/sammanstallning?fran=2026-10-01&till=2026-12-31",
    "/rapporter/sammanstallning/utskrift?manad=2026-10",
    "/rapporter/sammanstallning.xlsx?manad=2026-10",
    "/rapporter/sammanstallning.csv?manad=2026-10",
    "/rapporter/lagesbild",
    "/rapporter/lagesbild?lan=12",
    "/rapporter/lagesbild.xlsx",
    "/rapporter/tystnad",
    "/rapporter/tystnad.xlsx",
    "/rapporter/slutredovisning?till=2026-11-30",
    "/rapporter/slutredovisning/utskrift?till=2026-11-30",
    "/rapporter/slutredovisning.xlsx?till=2026-11-30",
]


def statement_counts(client, count_statements) -> dict[str, int]:
    counts = {}
    for url in COUNTED:
        with count_statements() as counter:
            response = client.get(url)
        assert response.status_code == 200
        counts[url] = counter.count
    return counts


def test_statement_counts_do_not_grow_with_the_data(
    world, seeded, reader, count_statements, monkeypatch
):
    # Four meetings to a page: the meeting list has a second page at both sizes.
    monkeypatch.setattr("app.reports.summary.MEETINGS_PER_PAGE", 4)
    small = statement_counts(reader, count_statements)
    with seeded.app_context():
        add_more(world, 30)
        db.session.commit()
    large = statement_counts(reader, count_statements)
    assert large == small
    # 19: a report's file download adds the security log's row, started and completed
    # (app/security), and its heavy-work slot, taken and given back
    # (app/common/heavy_work.py), to its 12; "Information som skickats" adds three
    # (app/library/coverage.py: information_sent), on the pages as in the downloads.
    assert max(small.values()) <= 19, small
