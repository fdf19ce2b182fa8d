"""The meeting list's exports: the list as filtered, every page, as CSV or XLSX."""

from __future__ import annotations

from flask_babel import gettext as _

from app.common.downloads import table_download
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
    return table_download(
        fmt,
        stem=_("moten"),
        title=_("Möten"),
        header=meeting_header(),
        rows=meeting_rows(db.session.scalars(query)),
        widths=MEETING_WIDTHS,
    )
