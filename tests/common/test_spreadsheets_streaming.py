"""XLSX written row by row (openpyxl write-only), read back cell by cell with openpyxl."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime

from openpyxl import load_workbook

from app.common.spreadsheets import MAX_CELL_TEXT, Sheet, content_widths, xlsx_bytes


def book(data: bytes):
    return load_workbook(io.BytesIO(data))


def test_values_come_back_with_their_types():
    rows = [
        ["Text", 3, 2.5, datetime(2026, 10, 31, 23, 30), date(2026, 10, 1), None],
        ['=HYPERLINK("x")', -1, 0.1, datetime(2025, 6, 5, 0, 0), date(2027, 6, 4), "sist"],
    ]
    data = xlsx_bytes([Sheet(title="Blad", header=["A", "B", "C", "D", "E", "F"], rows=rows)])
    sheet = book(data)["Blad"]
    assert [list(r) for r in sheet.iter_rows(values_only=True)] == [
        ["A", "B", "C", "D", "E", "F"],
        ["Text", 3, 2.5, datetime(2026, 10, 31, 23, 30), datetime(2026, 10, 1), None],
        ['=HYPERLINK("x")', -1, 0.1, datetime(2025, 6, 5), datetime(2027, 6, 4), "sist"],
    ]
    assert sheet["A3"].data_type == "s"  # a formula-looking text stays text
    assert sheet["D2"].number_format == "yyyy-mm-dd hh:mm" and sheet["D2"].is_date
    assert sheet["E2"].number_format == "yyyy-mm-dd" and sheet["E2"].is_date
    assert sheet["A2"].number_format == "General"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert b"<f>" not in archive.read("xl/worksheets/sheet1.xml")


def test_header_filter_freeze_and_widths():
    rows = [["kort", "en mycket längre text än rubriken"], ["x" * 100, 7]]
    sheet = book(xlsx_bytes([Sheet(title="T", header=["Namn", "Text"], rows=rows)]))["T"]
    assert all(cell.font.bold for cell in sheet[1])
    assert not sheet["A2"].font.bold
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:B3"
    # From the contents, capped at 60 characters, plus a margin.
    # Excel's column width in characters, stored with the padding Excel adds (62 → 62.71)
    assert int(sheet.column_dimensions["A"].width) == 62
    assert int(sheet.column_dimensions["B"].width) == len(rows[0][1]) + 2
    assert content_widths(["Ab"], [[None]]) == [8]  # never narrower than 8


def test_text_is_kept_as_it_can_be():
    rows = [["rad 1\r\nrad 2", "a\x00b\x1fc", "<&>", "x" * (MAX_CELL_TEXT + 10), "  luft  "]]
    sheet = book(xlsx_bytes([Sheet(title="T", header=list("ABCDE"), rows=rows)]))["T"]
    a, b, c, d, e = (cell.value for cell in sheet[2])
    assert a == "rad 1\nrad 2"  # the line break survives (XML turns CR LF into LF)
    assert b == "abc"  # characters XML cannot hold are dropped
    assert c == "<&>" and len(d) == MAX_CELL_TEXT and e == "  luft  "


def test_sheet_names_are_cleaned_and_unique():
    sheets = [
        Sheet(title="Möten: per län/kommun", header=["A"], rows=[]),
        Sheet(title="Möten: per län/kommun", header=["A"], rows=[]),
        Sheet(title="Kvinnors & mäns 'möten'", header=["A"], rows=[[1]]),
    ]
    workbook = book(xlsx_bytes(sheets))
    assert workbook.sheetnames == [
        "Möten_ per län_kommun",
        "Möten_ per län_kommun (2)",
        "Kvinnors & mäns 'möten",  # Excel refuses an apostrophe at either end
    ]
    assert workbook["Möten_ per län_kommun"].auto_filter.ref == "A1"  # the header alone
    assert workbook.worksheets[2]["A2"].value == 1


def test_a_streamed_sheet_is_read_once_when_written():
    read = []

    def rows():
        for number in range(5000):
            read.append(number)
            yield [number, f"Möte {number}", datetime(2026, 10, 1, 8, 0)]

    sheets = [
        Sheet(title="Först", header=["A"], rows=[["a"]]),
        Sheet(title="Möten", header=["Nr", "Rubrik", "Början"], rows=rows(), widths=[8, 40, 18]),
    ]
    assert read == []
    workbook = book(xlsx_bytes(sheets))
    assert len(read) == 5000
    sheet = workbook["Möten"]
    assert sheet.max_row == 5001 and sheet["B5001"].value == "Möte 4999"
    assert int(sheet.column_dimensions["B"].width) == 40
    assert sheet.auto_filter.ref == "A1:C5001"
