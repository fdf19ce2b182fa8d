"""`flask library rebuild-coverage`: compute the facts behind "Informerad med X" afresh."""

from __future__ import annotations

import click
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import func, select

from app.extensions import db

from .facts import rebuild_facts
from .models import InformationFact


@click.group(cls=AppGroup)
def library() -> None:
    """The library and its distribution log."""


@library.command("rebuild-coverage")
@with_appcontext
def rebuild_coverage() -> None:
    """Recompute the information facts from the deliveries (safe at any time)."""
    rebuild_facts()
    db.session.commit()
    count = db.session.scalar(select(func.count()).select_from(InformationFact))
    click.echo(f"Information facts rebuilt: {count} rows.")
