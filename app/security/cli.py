"""`flask security prune`: delete security events older than SECURITY_LOG_DAYS."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from app.extensions import db

from .services import prune as prune_events


@click.group(cls=AppGroup)
def security() -> None:
    """The security event log."""


@security.command("prune")
@click.option("--days", type=int, default=None, help="Default: SECURITY_LOG_DAYS (365).")
def prune(days: int | None) -> None:
    """Delete events older than the retention period (run daily, e.g. from cron)."""
    days = days if days is not None else int(current_app.config["SECURITY_LOG_DAYS"])
    if days < 1:
        raise click.BadParameter("must be at least 1", param_hint="--days")
    deleted = prune_events(days=days)
    db.session.commit()
    click.echo(f"Deleted {deleted} security events older than {days} days.")
