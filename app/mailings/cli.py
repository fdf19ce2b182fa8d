"""`flask mailings send`: send every mailing that is being sent, in this process, for those
who run no worker and call it from cron (a worker does the same by itself)."""

from __future__ import annotations

import click
from flask.cli import AppGroup, with_appcontext

from . import sending


@click.group(cls=AppGroup)
def mailings() -> None:
    """Mailings (utskick)."""


@mailings.command("send")
@with_appcontext
def send() -> None:
    """Send what is queued in every mailing no live worker is sending."""
    for mailing_id, wait in sending.abandoned():
        if wait:
            click.echo(f"mailing {mailing_id}: a worker holds it for {wait:.0f} s more; skipped")
            continue
        result = sending.send_all(mailing_id)
        click.echo(
            f"mailing {mailing_id}: {result.sent} sent, {result.failed} failed, "
            f"{result.uncertain} uncertain"
        )
