"""CSV and XLSX: Swedish Excel conventions and formula defusing."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

from openpyxl import load_workbook

from app.common.spreadsheets import Code, Sheet, code, csv_bytes, defuse, undefuse, xlsx_bytes

DANGEROUS = ["=1+1", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\tx", '=HYPERLINK("http://x")']


def test_defuse():
    assert [defuse(v) for v in DANGEROUS] == ["'" + v for v in DANGEROUS]
    assert defuse("Malmö") == "Malmö" and defuse("a=b") == "a=b"


def test_csv_is_bom_utf8_semicolon_crlf():
    data = csv_bytes(
        ["Namn", "Antal", "Datum"], [["Åsa; Öberg", 3, date(2026, 11, 23)], ["=1+1", 2.5, None]]
    )
    assert data.startswith("\ufeff".encode())
    text = data.decode("utf-8-sig")
    assert "\r\n" in text
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows == [
        ["Namn", "Antal", "Datum"],
        ["Åsa; Öberg", "3", "2026-11-23"],
        ["'=1+1", "2,5", ""],
    ]


def test_xlsx_has_real_values_frozen_bold_header_filters_and_no_formulas():
    rows = [[v, 1, date(2026, 1, 2), datetime(2026, 1, 2, 13, 5)] for v in DANGEROUS]
    data = xlsx_bytes(
        [Sheet("Kontakter", ["Text", "Tal", "Dag", "Tid"], rows), Sheet("Kontakter", ["A"], [])]
    )
    workbook = load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == ["Kontakter", "Kontakter (2)"]
    sheet = workbook["Kontakter"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:D7"
    assert sheet["A1"].font.bold
    assert [sheet.cell(row=r, column=1).value for r in range(2, 8)] == DANGEROUS
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f"
    assert sheet["B2"].value == 1 and isinstance(sheet["C2"].value, datetime)
    assert sheet["C2"].number_format == "yyyy-mm-dd"
    assert sheet.column_dimensions["A"].width >= 10


def test_a_number_keeps_its_digits_and_undefuse_reverses_the_guard():
    # A phone number or a signed number holds nothing a spreadsheet could run: no apostrophe.
    for number in ("+46 70-123 45 67", "+46701234567", "-12,5", "0764"):
        assert defuse(number) == number
    for value in [*DANGEROUS, "0764", "'quoted'", "'", "Malmö"]:
        assert undefuse(defuse(value)) == value
    assert undefuse("'Bo") == "'Bo"  # an apostrophe the exporter never adds stays
    data = csv_bytes(["Kommunkod", "Telefon"], [[Code("0764"), Code("+46 70-123 45 67")]])
    assert b"\r\n0764;+46 70-123 45 67\r\n" in data


def test_codes_are_text_cells_formatted_as_text():
    rows = [[code("0764"), code("07"), code("212000-0795"), code(None), 764]]
    data = xlsx_bytes([Sheet("Koder", ["Kommunkod", "Länskod", "Orgnr", "Tom", "Tal"], rows)])
    sheet = load_workbook(io.BytesIO(data))["Koder"]
    cells = sheet[2]
    assert [c.value for c in cells] == ["0764", "07", "212000-0795", None, 764]
    assert [c.data_type for c in cells[:3]] == ["s", "s", "s"]
    assert all(c.number_format == "@" for c in cells[:3])  # stays text when edited
    assert cells[4].data_type == "n" and cells[4].number_format == "General"


def test_every_sheet_prints_on_a4_fit_to_width_with_the_header_on_each_page():
    narrow = Sheet("Smal", ["A", "B", "C"], [[1, 2, 3]])
    wide = Sheet("Bred", [f"K{n}" for n in range(9)], [list(range(9))] * 3)
    workbook = load_workbook(io.BytesIO(xlsx_bytes([narrow, wide])))
    for sheet in workbook.worksheets:
        assert sheet.page_setup.paperSize == 9  # A4
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        # One page wide (1 is the file format's default, which XlsxWriter leaves out), as
        # many pages down as it takes.
        assert int(sheet.page_setup.fitToWidth or 1) == 1
        assert int(sheet.page_setup.fitToHeight) == 0
        assert sheet.print_title_rows == "$1:$1"
    assert workbook["Smal"].page_setup.orientation == "portrait"
    assert workbook["Bred"].page_setup.orientation == "landscape"
