"""File downloads: the response for an export or a card."""

from __future__ import annotations

import re
from urllib.parse import quote

from flask import Response

from app.common.text import one_line

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
