"""The security log's listeners: exports started through app/common/downloads.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import has_request_context, request
from flask_login import current_user

from app.common.downloads import export_started

from .models import SecurityKind
from .services import start_export


def log_export(_stem: Any, *, title: str, fmt: str) -> Callable[[int], None] | None:
    """Record who started which export with which filter; complete it with the row count."""
    if not has_request_context():
        return None
    user = current_user if current_user.is_authenticated else None
    return start_export(
        SecurityKind.EXPORT,
        user=user,
        address=request.remote_addr,
        subject=f"{request.endpoint} ({fmt})",
        detail=request.query_string.decode("utf-8", "replace") or None,
    )


def install() -> None:
    """Connect the listeners (once per process; connecting again changes nothing)."""
    export_started.connect(log_export, weak=False)
