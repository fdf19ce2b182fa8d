"""The exports, opened again and read cell by cell: XLSX with openpyxl, CSV with csv.

Real dates and whole numbers, Swedish headers, frozen headers and filters; no formula
anywhere (a meeting titled "=HYPERLINK(...)" comes back as text); CSV in UTF-8 with a BOM,
semicolon-separated, each table under a title row.
"""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from app.common.time import utcnow
from app.reports import exporters, situation_exports
from app.reports.final import build_final
from app.reports.meeting_list import held_meeting_rows
from app.reports.situation import county_rollup, municipality_statuses
from app.reports.summary import monthly_summary

from .conftest import HYPERLINK, OCTOBER, WHOLE

GENERATED = datetime(2026, 11, 2, 8, 15).astimezone()
LINKS = exporters.MeetingListLinks(
    xlsx="https://samverkan.example.se/moten/export.xlsx?status=genomfort",
    csv="https://samverkan.example.se/moten/export.csv?status=genomfort",
)


def workbook(data: bytes):
    return load_workbook(io.BytesIO(data))


def assert_no_formulas(data: bytes) -> None:
    """Neither openpyxl nor the raw sheet XML holds a formula."""
    book = workbook(data)
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name)


def rows_of(sheet) -> list[list]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


@pytest.fixture
def summary_xlsx(world, seeded) -> bytes:
    with seeded.app_context():
        summary = monthly_summary(OCTOBER)
        sheets = exporters.summary_sheets(
            summary, meetings=held_meeting_rows(OCTOBER), generated_at=utcnow()
        )
        return exporters.xlsx(sheets)


def test_summary_workbook_sheets_and_headers(summary_xlsx):
    book = workbook(summary_xlsx)
    assert book.sheetnames == [
        "Sammanfattning",
        "Möten per typ",
        "Möten per organisationstyp",
        "Möten per län",
        "Möte hållet per typ",
        "Uppföljningar",
        "Ämnen",
        "Målgrupper",
        "Perspektiv",
        "Per månad",
        "Genomförda möten",
    ]
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref and sheet.auto_filter.ref.startswith("A1:")
        assert all(cell.font.bold for cell in sheet[1])
        assert sheet.column_dimensions["A"].width >= 8
    assert rows_of(book["Uppföljningar"]) == [
        ["Ansvarig", "Skapade", "Klara", "Försenade vid periodens slut"],
        ["Anna Andersson", 2, 1, 1],
        ["Bertil Berg", 1, 0, 1],
    ]
    assert rows_of(book["Möten per län"]) == [
        ["Län", "Antal möten"],
        ["Skåne län", 3],
        ["Norrbottens län", 1],
        ["Utan län (nationella organisationer)", 2],
    ]
    reach = rows_of(book["Möte hållet per typ"])
    assert reach[0][0] == "Organisationstyp" and reach[1] == ["Kommun", 3, 2, 3, 290]


def test_summary_figures_are_real_numbers_and_dates(summary_xlsx):
    book = workbook(summary_xlsx)
    facts = {row[0]: row[1] for row in rows_of(book["Sammanfattning"])[1:]}
    assert facts["Period från och med"] == datetime(2026, 10, 1)
    assert facts["Period till och med"] == datetime(2026, 10, 31)
    assert isinstance(facts["Skapad"], datetime)
    assert facts["Genomförda möten"] == 6 and isinstance(facts["Genomförda möten"], int)
    assert facts["Kommuner med möte hållet under perioden"] == 3
    assert facts["Antal kommuner"] == 290 and facts["Antal länsstyrelser"] == 21
    assert facts["Nya kontakter"] == 1
    assert facts["Uppföljningar försenade vid periodens slut"] == 2
    sheet = book["Sammanfattning"]
    assert sheet["B2"].number_format == "General"  # the report's name, text
    assert sheet["B3"].is_date and sheet["B3"].number_format == "yyyy-mm-dd"
    months = rows_of(book["Per månad"])
    assert months[0][:3] == ["Månad", "Från och med", "Till och med"]
    assert months[-1] == ["2026-10", datetime(2026, 10, 1), datetime(2026, 10, 31), 6, 3, 2, 3]


def test_the_meeting_list_in_stockholm_time(summary_xlsx):
    book = workbook(summary_xlsx)
    rows = rows_of(book["Genomförda möten"])
    assert rows[0] == ["Början", "Rubrik", "Typ", "Organisationer", "Ansvarig", "Resultat"]
    assert rows[1] == [
        datetime(2026, 10, 5, 10, 0),
        "Malmö, Lund och länsstyrelsen",
        "Digitalt möte",
        "Lunds kommun; Länsstyrelsen i Skåne län; Malmö kommun",  # Swedish order
        "Anna Andersson",
        "Överens om att ses igen.",
    ]
    assert rows[-1][:2] == [datetime(2026, 10, 31, 23, 30), "Kiruna sent"]
    sheet = book["Genomförda möten"]
    assert sheet["A2"].number_format == "yyyy-mm-dd hh:mm"


def test_no_formula_in_any_export(world, seeded, summary_xlsx):
    assert_no_formulas(summary_xlsx)
    title = next(
        cell
        for row in workbook(summary_xlsx)["Genomförda möten"].iter_rows(min_row=2)
        for cell in row[1:2]
        if cell.value == HYPERLINK
    )
    assert title.data_type == "s"
    with seeded.app_context():
        final = exporters.xlsx(
            exporters.final_sheets(build_final(WHOLE), meeting_list=LINKS, generated_at=utcnow())
        )
        rollup, national = county_rollup()
        situation = exporters.xlsx(
            situation_exports.situation_sheets(municipality_statuses(), rollup, national)
        )
    assert_no_formulas(final)
    assert_no_formulas(situation)


def test_summary_csv(world, seeded):
    with seeded.app_context():
        sheets = exporters.summary_sheets(
            monthly_summary(OCTOBER), meetings=held_meeting_rows(OCTOBER), generated_at=GENERATED
        )
        data = exporters.csv_tables(sheets)
    assert data.startswith(b"\xef\xbb\xbf") and data.count(b"\xef\xbb\xbf") == 1
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    # Each table: its title, its header, its rows, a blank line.
    titles = [rows[0][0]] + [rows[i + 1][0] for i, row in enumerate(rows[:-1]) if row == []]
    assert titles == [sheet.title for sheet in sheets]
    start = rows.index(["Uppföljningar"])
    assert rows[start + 1 : start + 4] == [
        ["Ansvarig", "Skapade", "Klara", "Försenade vid periodens slut"],
        ["Anna Andersson", "2", "1", "1"],
        ["Bertil Berg", "1", "0", "1"],
    ]
    assert ["Period från och med", "2026-10-01"] in rows
    meetings = rows[rows.index(["Genomförda möten"]) + 2 :]
    assert meetings[-1][:2] == ["2026-10-31 23:30", "Kiruna sent"]
    # Formula injection: the title starts with an apostrophe, so Excel shows it as text.
    assert [row[1] for row in meetings if "HYPERLINK" in row[1]] == ["'" + HYPERLINK]


def test_final_workbook(world, seeded):
    with seeded.app_context():
        report = build_final(WHOLE)
        sheets = exporters.final_sheets(report, meeting_list=LINKS, generated_at=utcnow())
        book = workbook(exporters.xlsx(sheets))
    assert book.sheetnames[:4] == [
        "Sammanfattning",
        "Per kvartal",
        "Möten per typ och kvartal",
        "Lägesbild per kvartal",
    ]
    quarters = rows_of(book["Per kvartal"])
    assert quarters[0][:4] == ["Kvartal", "Från och med", "Till och med", "Genomförda möten"]
    assert quarters[1][:4] == ["2025K2", datetime(2025, 6, 5), datetime(2025, 6, 30), 0]
    assert quarters[-1] == [
        "2026K4",
        datetime(2026, 10, 1),
        datetime(2026, 11, 30),
        7,
        7,
        4,
        3,
        4,
        1,
        2,
        3,
        2,
    ]
    stages = rows_of(book["Lägesbild per kvartal"])
    assert stages[0] == [
        "Kvartal",
        "Till och med",
        "Ej kontaktad",
        "Kontaktad",
        "Informerad",
        "I dialog",
        "Arbetar aktivt",
        "Avböjt",
        "Totalt",
    ]
    assert stages[3] == ["2025K4", datetime(2025, 12, 31), 288, 1, 1, 0, 0, 0, 290]
    kinds = rows_of(book["Möten per typ och kvartal"])
    assert kinds[-1][0] == "2026K4" and kinds[-1][-1] == 7
    # Figures and tables only: the held meetings are in the meeting list's export.
    assert "Genomförda möten" not in book.sheetnames
    assert book.sheetnames[-1] == "Möteslista"
    about, xlsx_link, csv_link = rows_of(book["Möteslista"])[1:]
    assert "möteslistans export" in about[1]
    assert xlsx_link[1] == LINKS.xlsx and csv_link[1] == LINKS.csv
    assert book["Möteslista"]["B3"].hyperlink.target == LINKS.xlsx


def test_situation_workbook(world, seeded):
    with seeded.app_context():
        rollup, national = county_rollup()
        book = workbook(
            exporters.xlsx(
                situation_exports.situation_sheets(municipality_statuses(), rollup, national)
            )
        )
    rows = rows_of(book["Kommuner"])
    assert rows[0] == [
        "Kommun",
        "Kommunkod",
        "Län",
        "Engagemangssteg",
        "Senaste genomförda möte",
        "Genomförda möten",
        "Öppna uppföljningar",
        "Möjligheter",
        "Utmaningar",
    ]
    assert len(rows) == 291
    malmo = next(row for row in rows if row[1] == "1280")
    assert malmo == [
        "Malmö kommun",
        "1280",
        "Skåne län",
        "I dialog",
        datetime(2026, 10, 20),
        3,
        2,
        "Stort intresse",
        "Tolkar saknas",
    ]
    counties = rows_of(book["Per län"])
    assert counties[-1] == ["Hela landet", 287, 0, 0, 1, 1, 1, 3, 4, 290]
    assert len(counties) == 1 + 21 + 1


def test_silence_sheet_counts_days(world, seeded):
    from app.common.time import local_midnight
    from app.reports.situation import silent_organisations

    with seeded.app_context():
        rows = silent_organisations(local_midnight(date(2026, 11, 2)))
        sheet = situation_exports.silence_sheets(rows, today=date(2026, 11, 2))[0]
    data = list(sheet.rows)
    assert data[0][3] is None and data[0][4] is None  # never met
    assert data[-1][3:5] == [date(2026, 11, 1), 1]


def test_the_whole_period_download_points_to_the_meeting_lists_export(world, seeded, reader):
    """The workbook's link is the meeting list's export filtered to the period's held
    meetings, and following it gives exactly the meetings the report counts."""
    response = reader.get("/rapporter/slutredovisning.xlsx?till=2026-11-30")
    assert response.status_code == 200
    book = workbook(response.data)
    assert "Genomförda möten" not in book.sheetnames
    assert {"Sammanfattning", "Per kvartal", "Möten per typ och kvartal"} <= set(book.sheetnames)
    cell = book["Möteslista"]["B3"]
    query = "status=genomfort&fran=2025-06-05&till=2026-11-30"
    assert cell.hyperlink.target == f"http://localhost/moten/export.xlsx?{query}"
    listed = reader.get(f"/moten/export.csv?{query}")
    rows = list(csv.reader(io.StringIO(listed.data.decode("utf-8-sig")), delimiter=";"))
    quarters = rows_of(book["Per kvartal"])[1:]
    assert len(rows) - 1 == sum(q[3] for q in quarters) == 8
    assert {row[4] for row in rows[1:]} == {"Genomfört"}
    page = reader.get("/rapporter/slutredovisning?till=2026-11-30").text
    assert f'href="/moten?{query}"'.replace("&", "&amp;") in page
    assert f'href="/moten/export.csv?{query}"'.replace("&", "&amp;") in page
