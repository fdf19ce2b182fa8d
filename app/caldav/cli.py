"""`flask --app wsgi caldav sync`: the two-way sync with the CalDAV server (README,
"CalDAV (valfritt)"). Run it from cron or a systemd timer, or let the task workers run it
every CALDAV_SYNC_MINUTES (app/tasks/jobs.py)."""

from __future__ import annotations

import click
from flask.cli import AppGroup


@click.group(cls=AppGroup)
def caldav() -> None:
    """Sync the team calendar with a CalDAV server (CALDAV_URL)."""


@caldav.command("sync")
def sync() -> None:
    """Read changes made on the server into proposals, then publish what changed here.

    Exits with status 1 when the server fails (what was done until then is kept), and
    when another sync is running (it does not wait: the next run of the timer tries again)."""
    # Imported when run: the CalDAV library (with lxml) is not loaded in the web workers.
    from .client import CaldavFailed
    from .run import SyncBusy, run_sync

    try:
        report = run_sync()
    except (SyncBusy, CaldavFailed) as error:
        raise click.ClickException(str(error)) from None
    if report is None:
        click.echo("CalDAV sync is off: CALDAV_URL is not set.")
        return
    click.echo(report.summary())
