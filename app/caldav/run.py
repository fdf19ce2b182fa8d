"""One sync run, as `flask caldav sync` and the scheduled task (app/tasks/jobs.py) do it:
under the sync lock (a second run while one runs does nothing), inside the current app."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import current_app, url_for

from app.extensions import db

from .client import CaldavFailed, CaldavSettings, connect
from .lock import DEFAULT_LEASE, take_sync_lock
from .sync import sync_calendar

#: Where the events' links point when CALDAV_APP_URL is not set.
DEFAULT_APP_URL = "http://localhost/"


class SyncBusy(Exception):
    """Another sync holds the lock; this run did nothing."""


def run_sync() -> Any | None:
    """Sync once; the report, or None when CALDAV_URL is unset. Raises SyncBusy while
    another sync runs, and CaldavFailed when the server fails (what was done is kept)."""
    settings = CaldavSettings.from_config(current_app.config)
    if settings is None:
        return None
    seconds = current_app.config.get("CALDAV_SYNC_LEASE_SECONDS")
    lease = timedelta(seconds=int(seconds)) if seconds else DEFAULT_LEASE
    lock = take_sync_lock(db.engine, lease=lease)
    if lock is None:
        raise SyncBusy("Another CalDAV sync is running; this one did nothing.")
    base_url = current_app.config.get("CALDAV_APP_URL") or DEFAULT_APP_URL
    with lock, current_app.test_request_context(base_url=base_url):
        # The events link to the meetings' pages: a command knows no host name but this one.
        try:
            report = sync_calendar(
                connect(settings),
                config=current_app.config,
                url=lambda meeting_id: url_for(
                    "meetings.detail", meeting_id=meeting_id, _external=True
                ),
            )
        except CaldavFailed:
            db.session.commit()  # the kept state matches what reached the server
            raise
        db.session.commit()
    return report
