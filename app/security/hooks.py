"""The security log's listeners: exports started through app/common/downloads.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, Response, g, has_request_context, request
from flask_login import current_user

from app.common.downloads import export_started

from .models import SecurityKind
from .services import record_download, start_export


def log_export(_stem: Any, *, title: str, fmt: str) -> Callable[[int], None] | None:
    """Record who started which export with which filter; complete it with the row count."""
    if not has_request_context():
        return None
    user = current_user if current_user.is_authenticated else None
    g.security_export_logged = True
    detail = request.query_string.decode("utf-8", "replace")
    contact_id = (request.view_args or {}).get("contact_id")
    if not detail and contact_id is not None:
        detail = f"contact_id={contact_id}"  # one contact's card
    return start_export(
        SecurityKind.EXPORT,
        user=user,
        address=request.remote_addr,
        subject=f"{request.endpoint} ({fmt})",
        detail=detail or None,
    )


def log_other_downloads(response: Response) -> Response:
    """Record every other file download (a report's workbook, a vCard list, an invitation)
    with who, what and which filter; its row count is not known here. Register extracts are
    recorded by their views with their row counts."""
    disposition = response.headers.get("Content-Disposition", "")
    endpoint = request.endpoint or ""
    if (
        not disposition.startswith("attachment")
        or g.get("security_export_logged")
        or endpoint.startswith("privacy.")
        or response.status_code != 200
    ):
        return response
    try:
        user = current_user if current_user.is_authenticated else None
        record_download(
            user=user,
            address=request.remote_addr,
            subject=endpoint,
            detail=request.query_string.decode("utf-8", "replace") or None,
        )
    except Exception:  # the download still goes out
        from flask import current_app

        current_app.logger.exception("Could not write the security log")
    return response


def install(app: Flask) -> None:
    """Connect the listeners (once per process; connecting again changes nothing)."""
    export_started.connect(log_export, weak=False)
    app.after_request(log_other_downloads)
