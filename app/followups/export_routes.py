"""The follow-up list's exports: the list as chosen (mine, the team's, overdue, this week,
done), every page, as CSV or XLSX."""

from __future__ import annotations

from flask_babel import gettext as _

from app.common.downloads import table_download
from app.common.heavy_work import bounded
from app.common.time import local_today
from app.extensions import db

from . import services
from .exports import FOLLOW_UP_WIDTHS, follow_up_header, follow_up_rows
from .routes import bp, list_filters

#: Follow-ups read from the database at a time: memory stays flat however many are exported.
STREAM_BATCH = 500


@bp.get("/export.<any(csv, xlsx):fmt>")
@bounded("export")
def export(fmt: str):
    """The chosen list, every row, read in batches and written as it is read."""
    query = services.follow_up_query(
        list_filters(), today=local_today(), options=services.EXPORT_OPTIONS
    )
    rows = follow_up_rows(db.session.scalars(query.execution_options(yield_per=STREAM_BATCH)))
    return table_download(
        fmt,
        stem=_("uppfoljningar"),
        title=_("Uppföljningar"),
        header=follow_up_header(),
        rows=rows,
        widths=FOLLOW_UP_WIDTHS,
    )
