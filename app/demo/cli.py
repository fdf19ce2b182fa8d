"""`flask --app wsgi demo --scale N [--seed S] [--force]`: fill a database with demo data."""

from __future__ import annotations

import os
import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from app.auth.passwords import password_problem
from app.extensions import db

from .generate import DatabaseInUse, generate
from .registry import TEAM, team_email


@click.command()
@click.option(
    "--scale",
    type=float,
    default=1.0,
    show_default=True,
    help="1 ≈ 3,000 contacts, 5,000 meetings, 8,000 follow-ups; 0.1 is allowed.",
)
@click.option(
    "--seed", type=int, default=1, show_default=True, help="The same seed gives the same data."
)
@click.option("--force", is_flag=True, help="Add to a database that already holds user data.")
@with_appcontext
def demo(scale: float, seed: int, force: bool) -> None:  # fmt: skip
    """Generate realistic, reproducible demo data (never on real data without --force)."""
    if scale <= 0:
        raise click.BadParameter("must be positive", param_hint="--scale")
    password = os.environ.get("SAMVERKAN_PASSWORD")
    if password is not None:
        minimum = current_app.config["PASSWORD_MIN_LENGTH"]
        if problem := password_problem(password, min_length=minimum):
            raise click.ClickException(f"SAMVERKAN_PASSWORD rejected: {problem}")
    try:
        summary = generate(scale=scale, seed=seed, password=password, force=force)
    except DatabaseInUse as error:
        db.session.rollback()
        click.echo(
            f"Refusing to generate demo data: the database already holds {error}. "
            "Demo data would mix with real data. Use an empty database, or --force.",
            err=True,
        )
        sys.exit(1)
    db.session.commit()
    click.echo(
        f"Demo data (scale {scale:g}, seed {seed}) in {summary.seconds:.1f} s: "
        f"{summary.contacts} contacts, {summary.affiliations} affiliations, "
        f"{summary.meetings} meetings, {summary.follow_ups} follow-ups, "
        f"{summary.engagement_changes} engagement changes, "
        f"{summary.materials} library materials, {summary.deliveries} deliveries, "
        f"{summary.organisations_created} organisations added, "
        f"{summary.users_created} team members added."
    )
    if summary.users_created:
        click.echo("Team (log in with any of these):")
        for name, role in TEAM:
            click.echo(f"  {team_email(name)}\t{name}\t{role.value}")
        if summary.password:
            click.echo(f"  Password: {summary.password}  (shown only this once)")
        else:
            click.echo("  Password: the one in SAMVERKAN_PASSWORD")
