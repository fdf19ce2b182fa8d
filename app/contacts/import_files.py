"""Reading contact files the way people actually have them. Pure: bytes in, rows out.

CSV separated by semicolons, commas or tabs; or an Excel workbook (first sheet). Every cell
comes back as stripped text: dates as YYYY-MM-DD, whole numbers without ".0", and without
the apostrophe this app's exports put before a formula-like text (`undefuse`), so an exported
list imports back as it was.

A CSV in UTF-8 (with or without BOM) is read at once. Any other file's encoding cannot be
known from its bytes (Windows-1252, Excel's "CSV" on Swedish Windows, and ISO-8859-1 accept
the same bytes and differ in some letters), so guessing would show some people mojibake:
such a table comes back with the encoding UNDECIDED and each byte as the Latin-1 character
of the same number, which loses nothing, and `recode` turns it into text once the user has
chosen among CHOOSABLE_ENCODINGS, comparing `encoding_samples`.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from app.common.spreadsheets import undefuse
from app.common.text import remove_control_characters

XLSX_MAGIC = b"PK\x03\x04"
SEPARATORS = (";", ",", "\t")
#: A CSV that is not UTF-8, read before the user has said which encoding it has.
UNDECIDED = "undecided"
#: What a user may choose for a CSV that is not UTF-8 (Python codec → label), likeliest first.
CHOOSABLE_ENCODINGS = {
    "cp1252": _l("Windows-1252 (Excel på Windows)"),
    "iso-8859-1": _l("ISO-8859-1 (Latin-1)"),
    "utf-8": _l("UTF-8"),
}


class UnreadableFile(ValueError):
    """The file cannot be read as a table; the message says why, for the user."""


@dataclass
class Table:
    """A file as a header row and data rows, all text. Row numbers count from the header (1)."""

    header: list[str]
    rows: list[list[str]]
    encoding: str
    separator: str


def decode(data: bytes) -> tuple[str, str]:
    """Text and encoding name: UTF-8 (BOM or not); anything else UNDECIDED, each byte as
    the Latin-1 character of the same number (see the module docstring)."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError:
            data = data[3:]
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("latin-1"), UNDECIDED


def recode_cell(raw: str, encoding: str) -> str:
    """A cell read as UNDECIDED, as text in `encoding`, cleaned like every cell. A byte the
    encoding has no letter for becomes "\ufffd" rather than an error, so the user sees it."""
    text = raw.encode("latin-1").decode(encoding, errors="replace")
    return remove_control_characters(undefuse(text)).strip()


def recode(rows: list[list[str]], encoding: str) -> list[list[str]]:
    """Rows read as UNDECIDED, as text in the encoding the user chose."""
    if encoding not in CHOOSABLE_ENCODINGS:
        raise ValueError(encoding)
    return [[recode_cell(cell, encoding) for cell in row] for row in rows]


def encoding_samples(rows: list[list[str]], limit: int = 4) -> list[dict[str, str]]:
    """A few cells of a table read as UNDECIDED that have letters outside ASCII, as each
    choosable encoding reads them: the user picks the one where the names look right."""
    cells: list[str] = []
    for row in rows:
        for cell in row:
            if not cell.isascii() and cell not in cells:
                cells.append(cell)
                if len(cells) == limit:
                    break
        if len(cells) == limit:
            break
    return [{code: recode_cell(cell, code) for code in CHOOSABLE_ENCODINGS} for cell in cells]


def sniff_separator(first_line: str) -> str:
    """The separator used most in the header line outside quotes (semicolon wins ties)."""
    counts = dict.fromkeys(SEPARATORS, 0)
    quoted = False
    for char in first_line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(SEPARATORS, key=lambda sep: counts[sep])
    return best if counts[best] else ";"


def looks_binary(text: str) -> bool:
    """True for content that is not text (control characters other than tab and newlines)."""
    sample = text[:4096]
    bad = sum(1 for char in sample if ord(char) < 32 and char not in "\t\r\n")
    return "\x00" in sample or bad > len(sample) // 100


def cell_text(value: object) -> str:
    """A spreadsheet cell as the text a user would see."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return (
            value.date().isoformat()
            if value.time() == datetime.min.time()
            else value.isoformat(" ", "minutes")
        )
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return undefuse(str(value).strip())


def trim(rows: list[list[str]]) -> list[list[str]]:
    """Drop empty rows at the end and blank-pad rows to the same width."""
    while rows and not any(rows[-1]):
        rows.pop()
    width = max((len(r) for r in rows), default=0)
    return [r + [""] * (width - len(r)) for r in rows]


def read_csv(data: bytes, *, max_rows: int) -> Table:
    text, encoding = decode(data)
    if looks_binary(text):
        raise UnreadableFile(_("Filen verkar inte vara en textfil (CSV) eller en Excel-fil."))
    first_line = text.split("\n", 1)[0]
    separator = sniff_separator(first_line)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    rows: list[list[str]] = []
    # Undecided cells are kept byte for byte (as Latin-1) and cleaned by `recode`.
    undecided = encoding == UNDECIDED
    try:
        for row in reader:
            rows.append(
                row if undecided else [remove_control_characters(undefuse(c)).strip() for c in row]
            )
            if len(rows) > max_rows + 1:
                raise UnreadableFile(too_many_rows(max_rows))
    except csv.Error as error:
        raise UnreadableFile(
            _("Filen kunde inte tolkas som CSV: %(error)s", error=str(error))
        ) from None
    return table_from(rows, encoding=encoding, separator=separator)


#: An .xlsx is a zip: refuse one that would unpack to more than this, or has more entries,
#: before anything is inflated (a "zip bomb" of a few hundred kB can unpack to gigabytes).
XLSX_MAX_UNPACKED = 100 * 1024 * 1024
XLSX_MAX_ENTRIES = 1000


def check_zip(data: bytes) -> None:
    """Refuse a zip whose declared contents are too large or too many."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise UnreadableFile(
            _("Excel-filen kunde inte öppnas. Spara den igen som .xlsx.")
        ) from None
    if len(entries) > XLSX_MAX_ENTRIES or sum(e.file_size for e in entries) > XLSX_MAX_UNPACKED:
        raise UnreadableFile(
            _(
                "Excel-filen är för stor när den packas upp. "
                "Spara bara raderna som ska läsas in i en ny fil."
            )
        )


class HostileFile(UnreadableFile):
    """A file built to harm the reader rather than a user's mistake: answered with a 400."""


#: How much of each XML part is read for its prologue, where a DTD would have to be.
XML_PROLOGUE_BYTES = 64 * 1024


class _RootReached(Exception):
    """The first element started: the prologue, the only place for a DTD, is over."""


class _StopAtRoot:
    def start(self, *_args: object) -> None:
        raise _RootReached

    def close(self) -> None:
        return None


def check_xml_parts(data: bytes) -> None:
    """Refuse a workbook whose XML parts declare a DTD or entities (a "billion laughs" part
    expands a few hundred bytes into gigabytes): an Excel file never has one. Each part's
    prologue is read with defusedxml, which forbids both, stopping at the first element."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for entry in archive.infolist():
            if not entry.filename.lower().endswith((".xml", ".rels", ".vml")):
                continue
            parser = DefusedXMLParser(target=_StopAtRoot(), forbid_dtd=True, forbid_entities=True)
            try:
                with archive.open(entry) as part:
                    parser.feed(part.read(XML_PROLOGUE_BYTES))
            except _RootReached:
                continue
            except DefusedXmlException:
                raise HostileFile(
                    _(
                        "Excel-filen innehåller otillåtna XML-konstruktioner (DTD eller "
                        "entiteter) och lästes inte. Spara kontakterna i en ny fil i Excel."
                    )
                ) from None
            # A part that is not well-formed XML: openpyxl says so when it reads it.
            except Exception:  # nosec B112
                continue


def read_xlsx(data: bytes, *, max_rows: int) -> Table:
    # Imported here: only an import of an Excel file needs it, not every worker (5 MB).
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    check_zip(data)
    check_xml_parts(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise UnreadableFile(
            _("Excel-filen kunde inte öppnas. Spara den igen som .xlsx.")
        ) from None
    try:
        sheet = workbook.worksheets[0]
        rows: list[list[str]] = []
        for values in sheet.iter_rows(values_only=True):
            rows.append([cell_text(v) for v in values])
            if len(rows) > max_rows + 1:
                raise UnreadableFile(too_many_rows(max_rows))
    finally:
        workbook.close()
    return table_from(rows, encoding="xlsx", separator="")


def too_many_rows(max_rows: int) -> str:
    return ngettext(
        "Filen har fler än %(num)d rad. Dela upp den i flera filer.",
        "Filen har fler än %(num)d rader. Dela upp den i flera filer.",
        max_rows,
    )


def table_from(rows: list[list[str]], *, encoding: str, separator: str) -> Table:
    rows = trim(rows)
    if not rows or not any(rows[0]):
        raise UnreadableFile(_("Filen är tom eller saknar rubrikrad."))
    header, data = rows[0], rows[1:]
    if not data:
        raise UnreadableFile(_("Filen har en rubrikrad men inga rader under den."))
    return Table(header=header, rows=data, encoding=encoding, separator=separator)


def read_upload(upload: Any) -> Table:
    """An uploaded file (the form's FileStorage) as a table, within the configured
    IMPORT_MAX_BYTES and IMPORT_MAX_ROWS: at most one byte over the limit is read from it.
    The contact import and the indicator import both start here."""
    max_bytes = current_app.config["IMPORT_MAX_BYTES"]
    return read_table(
        upload.read(max_bytes + 1),
        filename=upload.filename or "",
        max_bytes=max_bytes,
        max_rows=current_app.config["IMPORT_MAX_ROWS"],
    )


def uploaded_table(field: Any) -> tuple[Table | None, int]:
    """The upload form's file field read as a table (`read_upload`), and the status to answer
    with: (table, 200); or, refused, (None, status) with the message put on the field — 400 for
    a hostile file, else 200 (the form again, with the message). Both imports start here."""
    try:
        return read_upload(field.data), 200
    except UnreadableFile as error:
        field.errors.append(str(error))
        return None, 400 if isinstance(error, HostileFile) else 200


def read_table(data: bytes, *, filename: str, max_bytes: int, max_rows: int) -> Table:
    """Read an uploaded file; raise UnreadableFile with a message for anything unusable."""
    if not data:
        raise UnreadableFile(_("Filen är tom."))
    if len(data) > max_bytes:
        raise UnreadableFile(
            _("Filen är för stor (högst %(n)d MB).", n=max(1, max_bytes // 1_000_000))
        )
    if data.startswith(XLSX_MAGIC) or filename.lower().endswith((".xlsx", ".xlsm")):
        return read_xlsx(data, max_rows=max_rows)
    if filename.lower().endswith(".xls"):
        raise UnreadableFile(_("Gamla Excel-filer (.xls) stöds inte. Spara som .xlsx eller CSV."))
    return read_csv(data, max_rows=max_rows)
