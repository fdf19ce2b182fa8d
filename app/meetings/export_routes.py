"""The meeting list's exports: the list as filtered, every page, as CSV or XLSX."""

from __future__ import annotations

from flask_babel import gettext as _

from app.common.downloads import CSV, XLSX, attachment
from app.common.spreadsheets import Sheet, csv_bytes, export_filename, xlsx_bytes
from app.common.time import local_today
from app.extensions import db

from . import queries
from .exports import MEETING_WIDTHS, meeting_header, meeting_rows
from .routes import bp, list_filters

#: Meetings read from the database at a time: memory stays flat however many are exported.
STREAM_BATCH = 500


@bp.get("/export.<any(csv, xlsx):fmt>")
def export(fmt: str):
    """The filtered list, every row, read in batches and written as it is read."""
    _form, filters = list_filters()
    query = queries.meeting_query(filters).execution_options(yield_per=STREAM_BATCH)
    rows = meeting_rows(db.session.scalars(query))
    header = meeting_header()
    filename = export_filename(_("moten"), local_today(), fmt)
    if fmt == "csv":
        return attachment(csv_bytes(header, rows), filename=filename, mimetype=CSV)
    sheet = Sheet(title=_("Möten"), header=header, rows=rows, widths=MEETING_WIDTHS)
    return attachment(xlsx_bytes([sheet]), filename=filename, mimetype=XLSX)
