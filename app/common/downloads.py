"""File downloads: the response for an export or a card.

Small files are sent from memory (`attachment`). A list's export may hold hundreds of
thousands of rows: its CSV is streamed as it is written (`streamed_attachment`, the first
rows leave before the last are read), its XLSX is written to a temporary file and sent from
there (`file_attachment`), so neither sits whole in a worker's memory.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from typing import IO
from urllib.parse import quote

from blinker import Namespace
from flask import Response, stream_with_context

from app.common.spreadsheets import (
    Sheet,
    Value,
    csv_bytes,
    csv_chunks,
    export_filename,
    xlsx_file,
)
from app.common.text import one_line
from app.common.time import local_today

CSV = "text/csv; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
VCARD = "text/vcard; charset=utf-8"


def _as_attachment(response: Response, filename: str) -> Response:
    """A file to save, named `filename`; never cached (exports hold personal data)."""
    # A name comes from user text: no line breaks, quotes or backslashes in the header.
    filename = one_line(re.sub(r'[\x00-\x1f\x7f"\\/]', " ", filename)) or "fil"
    ascii_name = filename.encode("ascii", "replace").decode().replace("?", "_")
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def attachment(data: bytes, *, filename: str, mimetype: str) -> Response:
    """Send `data` as a file to save; never cached (exports hold personal data).

    `mimetype` is the whole Content-Type, sent as it is: Werkzeug would add a second
    "; charset=utf-8" to a text type that already names its charset."""
    return _as_attachment(Response(data, content_type=mimetype), filename)


def streamed_attachment(chunks: Iterator[bytes], *, filename: str, mimetype: str) -> Response:
    """Send the pieces as one file, each as soon as it is made. The request (its database
    session included) lasts until the last piece is sent."""
    response = Response(stream_with_context(chunks), content_type=mimetype)
    return _as_attachment(response, filename)


#: Sent when a list's export starts (sender: the file's stem; `title`, `fmt`). A receiver may
#: return a function, called with the number of rows once the last row is written: the
#: security log (app/security/hooks.py) records who exported what this way.
export_started = Namespace().signal("export-started")


def _counted(rows: Iterable[Sequence[Value]], done: list[Callable[[int], None]]):
    """The rows as they are; after the last, each of `done` is called with their number."""
    number = 0
    for row in rows:
        number += 1
        yield row
    for call in done:
        call(number)


class ExportCount:
    """The rows of one download counted as they are written, for the export's listeners
    (the security log): `rows` and `sheets` count what passes through them, `finish` reports
    the total once (later calls do nothing), `streamed` finishes when the last piece of a
    streamed body has been made."""

    def __init__(self, done: list[Callable[[int], None]]) -> None:
        self.done = done
        self.number = 0
        self.finished = False

    def rows(self, rows: Iterable[Sequence[Value]]) -> Iterator[Sequence[Value]]:
        for row in rows:
            self.number += 1
            yield row

    def sheets(self, sheets: Sequence[Sheet]) -> list[Sheet]:
        """The sheets with their rows counted as they are written (headers not counted)."""
        return [replace(sheet, rows=self.rows(sheet.rows)) for sheet in sheets]

    def streamed(self, pieces: Iterable[bytes]) -> Iterator[bytes]:
        """The pieces as they are; the count is reported after the last."""
        yield from pieces
        self.finish()

    def finish(self, *, rows: int | None = None) -> None:
        """Report the rows counted (or `rows`, for a download counted by its maker)."""
        if self.finished:
            return
        self.finished = True
        for call in self.done:
            call(self.number if rows is None else rows)


def export_begun(stem: str, *, title: str, fmt: str) -> ExportCount:
    """Announce a download that starts now (`export_started`: the security log records who,
    what and which filter) and return its counter, to report the rows when it is written."""
    done = [r for _receiver, r in export_started.send(stem, title=title, fmt=fmt) if callable(r)]
    return ExportCount(done)


#: Bytes read from a file at a time when sending it.
FILE_BLOCK = 64 * 1024


def _blocks(handle: IO[bytes]) -> Iterator[bytes]:
    """The file's blocks to its end; closed at the end, or when the client goes away (the
    server closes the response, which closes this generator)."""
    try:
        while block := handle.read(FILE_BLOCK):
            yield block
    finally:
        handle.close()


def file_attachment(handle: IO[bytes], *, filename: str, mimetype: str) -> Response:
    """Send an open file from its current position to its end, then close it (a temporary
    file is then gone); it is read in blocks, never whole."""
    start = handle.tell()
    handle.seek(0, 2)
    length = handle.tell() - start
    handle.seek(start)
    response = Response(_blocks(handle), content_type=mimetype, direct_passthrough=True)
    response.content_length = length
    return _as_attachment(response, filename)


def table_download(
    fmt: str,
    *,
    stem: str,
    title: str,
    header: Sequence[str],
    rows: Iterable[Sequence[Value]] | Callable[[], Iterable[Sequence[Value]]],
    widths: Sequence[int] | None = None,
) -> Response:
    """A list's export as a CSV or XLSX attachment (`fmt`), named `<stem>-<today>.<fmt>`; the
    rows are written as they are read, so a generator keeps memory flat. The XLSX is written
    to a temporary file, then sent.

    `rows` given as a function (that reads the database only when called) makes the CSV
    streamed: the response starts at once and the function runs while it is sent, with a
    database session of its own (the view's is closed by then, so rows already being read
    from it could not go on). Rows given as an iterable are read before the response.
    """
    filename = export_filename(stem, local_today(), fmt)
    done = [r for _receiver, r in export_started.send(stem, title=title, fmt=fmt) if callable(r)]
    if done:
        if callable(rows):
            make = rows
            rows = lambda: _counted(make(), done)  # noqa: E731
        else:
            rows = _counted(rows, done)
    if fmt == "csv":
        if callable(rows):
            chunks = csv_chunks(header, _Deferred(rows))
            return streamed_attachment(chunks, filename=filename, mimetype=CSV)
        return attachment(csv_bytes(header, rows), filename=filename, mimetype=CSV)
    sheet = Sheet(
        title=title, header=header, rows=rows() if callable(rows) else rows, widths=widths
    )
    return file_attachment(xlsx_file([sheet]), filename=filename, mimetype=XLSX)


class _Deferred:
    """An iterable that calls `make` only when it is first iterated."""

    def __init__(self, make: Callable[[], Iterable[Sequence[Value]]]) -> None:
        self.make = make

    def __iter__(self) -> Iterator[Sequence[Value]]:
        return iter(self.make())
