"""CSV and XLSX: Swedish Excel conventions and formula defusing."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

from openpyxl import load_workbook

from app.common.spreadsheets import Sheet, csv_bytes, defuse, xlsx_bytes

DANGEROUS = ["=1+1", "+46701234567", "-2+3", "@SUM(A1)", "\tx", '=HYPERLINK("http://x")']


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
