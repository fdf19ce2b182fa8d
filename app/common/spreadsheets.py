"""CSV and XLSX from rows of values: pure functions returning bytes, no Flask.

Both are made for Swedish Excel: CSV in UTF-8 with a BOM, semicolon-separated, CRLF lines;
XLSX with real dates and numbers, a bold frozen header row, filters and sensible widths.
Every text cell is defused against formula injection: in CSV a text starting with = + - @
(or a tab or carriage return) gets a leading apostrophe, and in XLSX text is always stored as
text, never as a formula.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, TYPE_STRING
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MAX_COLUMN_WIDTH = 60
#: A date and time's width in characters (yyyy-mm-dd hh:mm).
DATETIME_WIDTH = 16
#: Excel's limit on a cell's text.
MAX_CELL_TEXT = 32_767

Value = str | int | float | date | datetime | None


@dataclass
class Sheet:
    """One table: a title (the sheet's name), column headers and rows.

    With `widths` given, the rows are read once, as they are written (a generator over a
    query of hundreds of thousands of rows never sits in memory); without, the widths come
    from the contents.
    """

    title: str
    header: Sequence[str]
    rows: Iterable[Sequence[Value]]
    widths: Sequence[int] | None = None


def defuse(text: str) -> str:
    """Make text that a spreadsheet would read as a formula plain text."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _csv_value(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value}".replace(".", ",")  # Swedish decimal comma
    if isinstance(value, int):
        return str(value)
    return defuse(str(value))


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Value]]) -> bytes:
    """A CSV file that Swedish Excel opens directly, without mojibake."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([defuse(h) for h in header])
    for row in rows:
        writer.writerow([_csv_value(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _sheet_title(title: str, taken: set[str]) -> str:
    cleaned = "".join("_" if c in "[]:*?/\\" else c for c in title)[:31] or "Blad"
    name, number = cleaned, 2
    while name in taken:
        suffix = f" ({number})"
        name, number = cleaned[: 31 - len(suffix)] + suffix, number + 1
    taken.add(name)
    return name


def content_widths(header: Sequence[str], rows: Iterable[Sequence[Value]]) -> list[int]:
    """Each column's width: its longest value or header (capped), plus a margin."""
    widths = [len(str(h)) for h in header]
    for row in rows:
        for column, value in enumerate(row[: len(widths)]):
            length = DATETIME_WIDTH if isinstance(value, datetime) else len(str(value or ""))
            widths[column] = max(widths[column], min(length, MAX_COLUMN_WIDTH))
    return [max(8, width + 2) for width in widths]


def _cell(worksheet: Any, value: Value, font: Font | None = None) -> WriteOnlyCell:
    if isinstance(value, str):
        cell = WriteOnlyCell(worksheet, value=ILLEGAL_CHARACTERS_RE.sub("", value[:MAX_CELL_TEXT]))
        cell.data_type = TYPE_STRING  # never a formula, whatever it starts with
    else:
        cell = WriteOnlyCell(worksheet, value=value)
        if isinstance(value, datetime):
            cell.number_format = "yyyy-mm-dd hh:mm"
        elif isinstance(value, date):
            cell.number_format = "yyyy-mm-dd"
    if font is not None:
        cell.font = font
    return cell


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    """A workbook with one sheet per table, written row by row (openpyxl's write-only mode:
    memory stays flat however many rows there are)."""
    workbook = Workbook(write_only=True)
    taken: set[str] = set()
    bold = Font(bold=True)
    for sheet in sheets:
        worksheet = workbook.create_sheet(_sheet_title(sheet.title, taken))
        rows = sheet.rows
        widths = sheet.widths
        if widths is None:
            rows = list(rows)
            widths = content_widths(sheet.header, rows)
        # Widths and the frozen header come before the rows in the file.
        for column, width in enumerate(widths, start=1):
            worksheet.column_dimensions[get_column_letter(column)].width = width
        worksheet.freeze_panes = "A2"
        worksheet.append([_cell(worksheet, str(h), bold) for h in sheet.header])
        row_count = 1
        for row in rows:
            worksheet.append([_cell(worksheet, value) for value in row])
            row_count += 1
        if sheet.header:
            last = get_column_letter(len(sheet.header))
            worksheet.auto_filter.ref = f"A1:{last}{row_count}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_filename(stem: str, day: date, extension: str) -> str:
    """`kontakter-2026-11-23.xlsx`: readable and sortable."""
    return f"{stem}-{day.isoformat()}.{extension}"
