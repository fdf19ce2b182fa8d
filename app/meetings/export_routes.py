"""The meeting list's exports: the list as filtered, every page, as CSV or XLSX."""

from __future__ import annotations

from flask_babel import gettext as _

from app.common.downloads import table_download
from app.common.heavy_work import bounded

from . import queries
from .exports import MEETING_WIDTHS, meeting_header, meeting_rows
from .routes import bp, list_filters


@bp.get("/export.<any(csv, xlsx):fmt>")
@bounded("export")
def export(fmt: str):
    """The filtered list, every row: the CSV streamed from the first row, the XLSX through
    a temporary file; the meetings read from a server-side cursor (meetings/exports.py)."""
    _form, filters = list_filters()
    query = queries.meeting_query(filters, for_list=False)
    return table_download(
        fmt,
        stem=_("moten"),
        title=_("Möten"),
        header=meeting_header(),
        rows=lambda: meeting_rows(query),
        widths=MEETING_WIDTHS,
    )
