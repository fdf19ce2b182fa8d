"""`flask themes seed`: put the starting themes on an empty list (idempotent: once the list
has any theme it is the team's, and nothing is added again). `flask themes rebuild-tally`:
compute the lägesbild's theme tally afresh from the mentions (safe at any time)."""

from __future__ import annotations

import click
from flask.cli import AppGroup, with_appcontext

from app.extensions import db

from .seeds import SEED_THEMES
from .services import ensure_themes
from .tally import rebuild_tally

themes = AppGroup("themes", help="The team's list of themes.")


@themes.command("seed")
@with_appcontext
def seed() -> None:
    """Add the starting themes if the list is empty."""
    made = ensure_themes(SEED_THEMES, by=None)
    db.session.commit()
    if made:
        click.echo(f"Themes: {made} created.")
    else:
        click.echo("Themes: the list has themes already; nothing added (0 created).")


@themes.command("rebuild-tally")
@with_appcontext
def rebuild_tally_command() -> None:
    """Compute the theme tally from the mentions."""
    rows = rebuild_tally()
    db.session.commit()
    click.echo(f"Theme tally rebuilt: {rows} rows.")
