"""A report says what it describes: the lägesbild its day (page and XLSX), the silence list
the number of months it applied (page and XLSX)."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from app.common.time import local_today


def workbook(response):
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.data))


def test_the_lagesbild_says_its_day_on_the_page_and_in_the_workbook(seeded, as_role):
    client = as_role("reader")
    today = local_today().isoformat()
    page = client.get("/rapporter/lagesbild").text
    assert f'<p class="report-date">Läget {today}</p>' in page
    book = workbook(client.get("/rapporter/lagesbild.xlsx"))
    assert book.sheetnames[0] == "Lägesbild"
    assert book["Lägesbild"]["A1"].value == f"Läget {today}"
    # The tables keep their columns.
    assert book["Kommuner"]["A1"].value == "Kommun" and book["Kommuner"].max_row == 291


def test_the_lagesbild_workbook_for_a_given_day(seeded):
    from app.reports import situation_exports
    from app.reports.situation import county_rollup, municipality_statuses

    with seeded.app_context():
        rollup, national = county_rollup()
        sheets = situation_exports.situation_sheets(
            municipality_statuses(), rollup, national, on=date(2026, 12, 5)
        )
    assert sheets[0].header == ["Läget 2026-12-05"]
    assert [sheet.title for sheet in sheets] == ["Lägesbild", "Kommuner", "Per län", "Definitioner"]


@pytest.mark.parametrize(("months", "words"), [(1, "1 månad"), (6, "6 månader")])
def test_the_silence_list_says_how_many_months(seeded, as_role, months, words):
    client = as_role("reader")
    page = client.get(f"/rapporter/tystnad?manader={months}").text
    assert f"utan genomfört möte på {words}, sedan" in page
    book = workbook(client.get(f"/rapporter/tystnad.xlsx?manader={months}"))
    assert book.sheetnames == [f"Tystnad {words}", "Definitioner"]
