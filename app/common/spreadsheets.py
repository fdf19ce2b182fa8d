"""CSV and XLSX from rows of values: pure functions returning bytes, no Flask.

Both are made for Swedish Excel: CSV in UTF-8 with a BOM, semicolon-separated, CRLF lines;
XLSX with real dates and numbers, a bold frozen header row, filters and sensible widths,
and a print setup (A4, fit to the page's width, landscape when wide, the header row on every
page). Codes (`Code`: kommunkod 0764, länskod 07, organisation numbers, postal codes, phone
numbers) are text cells formatted as text, so no spreadsheet turns 0764 into 764.
Every text cell is defused against formula injection: in CSV a text starting with = + - @
(or a tab or carriage return) gets a leading apostrophe, unless it is only a number written
with digits, spaces and dashes (a phone number such as +46 70-123 45 67, which no spreadsheet
can run); `undefuse` takes the apostrophe off again when such a CSV is read back. In XLSX
text is always stored as text, never as a formula.

Large exports never sit whole in memory: `csv_chunks` yields the CSV a few hundred rows at a
time (for a streamed response), and `xlsx_file` writes the workbook in XlsxWriter's
constant-memory mode to a temporary file that the response then sends.
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO, Any

import xlsxwriter

from app.common.text import remove_control_characters

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MAX_COLUMN_WIDTH = 60
#: A date and time's width in characters (yyyy-mm-dd hh:mm).
DATETIME_WIDTH = 16
#: Excel's limit on a cell's text.
MAX_CELL_TEXT = 32_767


class Code(str):
    """Digits that are text, not a number: kommunkod 0764, länskod 07, an organisation
    number, a postal code, a phone number. XLSX writes it as a text cell formatted as text
    ("@"), so the leading zero stays, also when the cell is edited."""

    __slots__ = ()


def code(value: str | None) -> Code | None:
    """`value` as a Code; None (an empty cell) for no value."""
    return Code(value) if value else None


@dataclass(frozen=True)
class Link:
    """A cell that links somewhere: `text` shown, `url` followed (a hyperlink in XLSX, the
    address itself in CSV)."""

    text: str
    url: str


Value = str | int | float | date | datetime | Link | None

#: A sheet is wide, and printed landscape, with more columns than this.
PORTRAIT_COLUMNS = 6
#: XlsxWriter's paper size number for A4.
A4 = 9


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


#: A number written with a sign, digits, spaces, dashes, dots or brackets (+46 70-123 45 67,
#: -12,5): a spreadsheet may compute it, but it holds no function, reference or command, so
#: it is left as it is rather than given an apostrophe.
_PLAIN_NUMBER = re.compile(r"[+-]?[0-9][0-9 ()./,-]*")


def defuse(text: str) -> str:
    """Make text that a spreadsheet would read as a formula plain text."""
    if text.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def undefuse(text: str) -> str:
    """A cell of a CSV this app exported as it was before `defuse`: the leading apostrophe
    taken off where `defuse` adds one (before = + - @, a tab or a carriage return), so an
    export imports back unchanged."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_STARTS) else text


def _csv_value(value: Value) -> str:
    # The commonest types first: this runs for every cell of exports of 100,000s of rows.
    kind = type(value)
    if kind is str:
        return defuse(value)  # type: ignore[arg-type]
    if value is None:
        return ""
    if kind is datetime and value.tzinfo is None:  # type: ignore[union-attr]
        return value.isoformat(" ", "minutes")  # type: ignore[union-attr,call-arg]
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value}".replace(".", ",")  # Swedish decimal comma
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Link):
        return defuse(value.url)
    return defuse(str(value))


#: Rows of CSV put together before they are handed on (to a streamed response).
CSV_CHUNK_ROWS = 500


def csv_chunks(
    header: Sequence[str], rows: Iterable[Sequence[Value]], *, chunk_rows: int = CSV_CHUNK_ROWS
) -> Iterator[bytes]:
    """A CSV file that Swedish Excel opens directly, as UTF-8 pieces of `chunk_rows` rows (the
    first with the BOM and the header): the rows are read as the pieces are asked for."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    buffer.write("\ufeff")
    writer.writerow([defuse(h) for h in header])
    yield _take(buffer)  # the header leaves before the first row is read
    pending = 0
    for row in rows:
        writer.writerow([_csv_value(v) for v in row])
        pending += 1
        if pending >= chunk_rows:
            yield _take(buffer)
            pending = 0
    if pending:
        yield _take(buffer)


def _take(buffer: io.StringIO) -> bytes:
    """What the buffer holds, as UTF-8; the buffer emptied."""
    data = buffer.getvalue().encode("utf-8")
    buffer.seek(0)
    buffer.truncate()
    return data


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Value]]) -> bytes:
    """A CSV file that Swedish Excel opens directly, without mojibake."""
    return b"".join(csv_chunks(header, rows))


def _sheet_title(title: str, taken: set[str]) -> str:
    # Excel refuses []:*?/\ in a sheet's name, and an apostrophe at its start or end.
    cleaned = "".join("_" if c in "[]:*?/\\" else c for c in title)[:31].strip("'") or "Blad"
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
            if isinstance(value, Link):
                value = value.text
            length = DATETIME_WIDTH if isinstance(value, datetime) else len(str(value or ""))
            widths[column] = max(widths[column], min(length, MAX_COLUMN_WIDTH))
    return [max(8, width + 2) for width in widths]


#: Line breaks are stored as LF (a CR would be kept as the escape _x000D_).
_LINE_BREAK = re.compile(r"\r\n?")


def _cell_text(text: str) -> str:
    """Text as a cell can hold it: within Excel's length, without the control characters XML
    cannot hold, line breaks as LF."""
    return remove_control_characters(_LINE_BREAK.sub("\n", text[:MAX_CELL_TEXT]))


class _Writer:
    """Writes one sheet's cells with the workbook's formats."""

    def __init__(self, workbook: Any) -> None:
        self.bold = workbook.add_format({"bold": True})
        self.moment = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        self.day = workbook.add_format({"num_format": "yyyy-mm-dd"})
        self.text = workbook.add_format({"num_format": "@"})
        self.link = workbook.get_default_url_format()

    def row(self, worksheet: Any, number: int, values: Sequence[Value]) -> None:
        for column, value in enumerate(values):
            if value is None or value == "":  # an empty cell
                continue
            if isinstance(value, Link) and "://" in value.url:
                worksheet.write_url(number, column, value.url, self.link, string=value.text)
            elif isinstance(value, Link):  # a path without a host: no link to follow
                worksheet.write_string(number, column, _cell_text(value.url))
            elif isinstance(value, Code):  # text formatted as text: 0764 stays 0764
                worksheet.write_string(number, column, _cell_text(value), self.text)
            elif isinstance(value, str):  # always text, never a formula, whatever it starts with
                worksheet.write_string(number, column, _cell_text(value))
            elif isinstance(value, datetime):
                worksheet.write_datetime(number, column, value, self.moment)
            elif isinstance(value, date):
                worksheet.write_datetime(number, column, value, self.day)
            elif isinstance(value, bool):
                worksheet.write_boolean(number, column, value)
            else:
                worksheet.write_number(number, column, value)

    def header(self, worksheet: Any, names: Sequence[str]) -> None:
        for column, name in enumerate(names):
            worksheet.write_string(0, column, _cell_text(str(name)), self.bold)


def print_setup(worksheet: Any, columns: int) -> None:
    """A4, as wide as the page (as many pages down as it takes), landscape with more than
    `PORTRAIT_COLUMNS` columns, the header row repeated at the top of every page."""
    worksheet.set_paper(A4)
    worksheet.fit_to_pages(1, 0)
    if columns > PORTRAIT_COLUMNS:
        worksheet.set_landscape()
    else:
        worksheet.set_portrait()
    worksheet.repeat_rows(0)


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    """A workbook with one sheet per table, as bytes (for small workbooks; large ones:
    `xlsx_file`)."""
    buffer = io.BytesIO()
    _write_workbook(sheets, buffer)
    return buffer.getvalue()


def xlsx_file(sheets: Sequence[Sheet]) -> IO[bytes]:
    """The workbook written to an anonymous temporary file (gone when closed), positioned at
    its start: neither the rows nor the finished file are ever held in memory."""
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 (the caller closes it)
    try:
        _write_workbook(sheets, handle)
        handle.seek(0)
    except BaseException:
        handle.close()
        raise
    return handle


def _write_workbook(sheets: Sequence[Sheet], target: IO[bytes]) -> None:
    """Write the workbook to `target` row by row (XlsxWriter's constant-memory mode: memory
    stays flat however many rows there are, and it writes several times faster than
    openpyxl, which reads the imports)."""
    workbook = xlsxwriter.Workbook(
        target,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
            "remove_timezone": True,
        },
    )
    writer = _Writer(workbook)
    taken: set[str] = set()
    for sheet in sheets:
        worksheet = workbook.add_worksheet(_sheet_title(sheet.title, taken))
        rows = sheet.rows
        widths = sheet.widths
        if widths is None:
            rows = list(rows)
            widths = content_widths(sheet.header, rows)
        for column, width in enumerate(widths):
            worksheet.set_column(column, column, width)
        worksheet.freeze_panes(1, 0)
        print_setup(worksheet, len(sheet.header))
        # Codes are text on purpose: no "number stored as text" warning on them.
        worksheet.ignore_errors({"number_stored_as_text": "A1:XFD1048576"})
        writer.header(worksheet, sheet.header)
        last_row = 0
        for last_row, row in enumerate(rows, start=1):
            writer.row(worksheet, last_row, row)
        if sheet.header:
            worksheet.autofilter(0, 0, last_row, len(sheet.header) - 1)
    workbook.close()


def export_filename(stem: str, day: date, extension: str) -> str:
    """`kontakter-2026-11-23.xlsx`: readable and sortable."""
    return f"{stem}-{day.isoformat()}.{extension}"
