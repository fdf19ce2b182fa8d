"""File downloads: the response for an export or a card."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from urllib.parse import quote

from flask import Response

from app.common.spreadsheets import Sheet, Value, csv_bytes, export_filename, xlsx_bytes
from app.common.text import one_line
from app.common.time import local_today

CSV = "text/csv; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
VCARD = "text/vcard; charset=utf-8"


def attachment(data: bytes, *, filename: str, mimetype: str) -> Response:
    """Send `data` as a file to save; never cached (exports hold personal data).

    `mimetype` is the whole Content-Type, sent as it is: Werkzeug would add a second
    "; charset=utf-8" to a text type that already names its charset."""
    response = Response(data, content_type=mimetype)
    # A name comes from user text: no line breaks, quotes or backslashes in the header.
    filename = one_line(re.sub(r'[\x00-\x1f\x7f"\\/]', " ", filename)) or "fil"
    ascii_name = filename.encode("ascii", "replace").decode().replace("?", "_")
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def table_download(
    fmt: str,
    *,
    stem: str,
    title: str,
    header: Sequence[str],
    rows: Iterable[Sequence[Value]],
    widths: Sequence[int] | None = None,
) -> Response:
    """A list's export as a CSV or XLSX attachment (`fmt`), named `<stem>-<today>.<fmt>`; the
    rows are written as they are read, so a generator keeps memory flat."""
    filename = export_filename(stem, local_today(), fmt)
    if fmt == "csv":
        return attachment(csv_bytes(header, rows), filename=filename, mimetype=CSV)
    sheet = Sheet(title=title, header=header, rows=rows, widths=widths)
    return attachment(xlsx_bytes([sheet]), filename=filename, mimetype=XLSX)
