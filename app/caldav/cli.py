"""`flask --app wsgi caldav sync`: the two-way sync with the CalDAV server (README,
"CalDAV (valfritt)"). Run it from cron or a systemd timer."""

from __future__ import annotations

from datetime import timedelta

import click
from flask import current_app, url_for
from flask.cli import AppGroup

from app.extensions import db

from .client import CaldavFailed, CaldavSettings, connect
from .lock import DEFAULT_LEASE, take_sync_lock
from .sync import sync_calendar

#: Where the events' links point when CALDAV_APP_URL is not set.
DEFAULT_APP_URL = "http://localhost/"


@click.group(cls=AppGroup)
def caldav() -> None:
    """Sync the team calendar with a CalDAV server (CALDAV_URL)."""


@caldav.command("sync")
def sync() -> None:
    """Read changes made on the server into proposals, then publish what changed here.

    Exits with status 1 when the server fails (what was done until then is kept), and
    when another sync is running (it does not wait: the next run of the timer tries again)."""
    settings = CaldavSettings.from_config(current_app.config)
    if settings is None:
        click.echo("CalDAV sync is off: CALDAV_URL is not set.")
        return
    base_url = current_app.config.get("CALDAV_APP_URL") or DEFAULT_APP_URL
    seconds = current_app.config.get("CALDAV_SYNC_LEASE_SECONDS")
    lease = timedelta(seconds=int(seconds)) if seconds else DEFAULT_LEASE
    lock = take_sync_lock(db.engine, lease=lease)
    if lock is None:
        raise click.ClickException("Another CalDAV sync is running; this one did nothing.")
    with lock:
        _sync(settings, base_url)


def _sync(settings: CaldavSettings, base_url: str) -> None:
    # The events link to the meetings' pages: a command knows no host name but this one.
    with current_app.test_request_context(base_url=base_url):
        try:
            remote = connect(settings)
            report = sync_calendar(
                remote,
                config=current_app.config,
                url=lambda meeting_id: url_for(
                    "meetings.detail", meeting_id=meeting_id, _external=True
                ),
            )
        except CaldavFailed as error:
            db.session.commit()  # the kept state matches what reached the server
            raise click.ClickException(str(error)) from None
        db.session.commit()
    click.echo(report.summary())
