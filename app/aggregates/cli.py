"""`flask aggregates rebuild`: compute the maintained figures from scratch."""

from __future__ import annotations

import time

import click
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import exists, select

from app.extensions import db
from app.meetings.models import Meeting, MeetingStatus

from .models import MeetingFact
from .rebuild import rebuild


@click.group(cls=AppGroup)
def aggregates() -> None:
    """The maintained figures behind the reports and the start page."""


def missing() -> bool:
    """True when there are held meetings but no facts (after an upgrade to them)."""
    held = db.session.scalar(select(exists().where(Meeting.status == MeetingStatus.HELD)))
    facts = db.session.scalar(select(exists().select_from(MeetingFact)))
    return bool(held) and not facts


@aggregates.command("rebuild")
@click.option(
    "--if-missing",
    is_flag=True,
    help="Only when there are held meetings and no figures yet (as after an upgrade).",
)
@with_appcontext
def rebuild_command(if_missing: bool) -> None:
    """Compute every maintained figure from the meetings (safe at any time)."""
    if if_missing and not missing():
        click.echo("Maintained figures: present.")
        return
    started = time.perf_counter()
    counts = rebuild()
    db.session.commit()
    click.echo(
        f"Maintained figures rebuilt in {time.perf_counter() - started:.1f} s: "
        f"{counts['facts']} facts, {counts['tallies']} monthly tallies, "
        f"{counts['organisations']} organisations, {counts['activity']} activity facts."
    )
