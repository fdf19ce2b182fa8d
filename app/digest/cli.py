"""`flask digest send`: today's digests now, for cron or a systemd timer (README)."""

from __future__ import annotations

import click
from flask.cli import AppGroup, with_appcontext

from .sending import send_digests


@click.group(cls=AppGroup)
def digest() -> None:
    """The daily digest by e-mail."""


@digest.command()
@click.option(
    "--at-hour/--now",
    "at_hour",
    default=False,
    help="Only from DIGEST_HOUR (Europe/Stockholm); by default at once.",
)
@with_appcontext
def send(at_hour: bool) -> None:
    """Send today's digest to each user who wants one and has not had it today."""
    run = send_digests(ignore_hour=not at_hour)
    click.echo(run.summary())
