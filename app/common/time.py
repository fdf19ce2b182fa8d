"""Time: everything is stored in UTC and shown in Europe/Stockholm."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def utcnow() -> datetime:
    """Return the current time as an aware UTC datetime."""
    return datetime.now(UTC)


def to_local(moment: datetime) -> datetime:
    """Convert an aware datetime to Europe/Stockholm."""
    return moment.astimezone(STOCKHOLM)


def local_today() -> date:
    """Return today's date in Stockholm (not the server's or UTC's)."""
    return utcnow().astimezone(STOCKHOLM).date()
