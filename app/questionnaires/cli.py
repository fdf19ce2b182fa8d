"""`flask questionnaires remind`: make the mailings of the reminders whose day has come,
now, and send them in this process when SMTP is set up (for cron, without workers; with a
worker running, the periodic task does the same at QUESTIONNAIRE_REMINDER_HOUR)."""

from __future__ import annotations

import click
from flask.cli import AppGroup, with_appcontext


@click.group(cls=AppGroup)
def questionnaires() -> None:
    """Questionnaires (enkäter)."""


@questionnaires.command("remind")
@with_appcontext
def remind() -> None:
    """Send the reminders due today or earlier (not yet sent), whatever the hour."""
    from app.extensions import db
    from app.mailings import sending
    from app.mailings.models import Mailing, MailingStatus

    from .reminders import send_due_reminders

    made = send_due_reminders(ignore_hour=True)
    if not made:
        click.echo("no reminders due")
    for mailing_id in made:
        mailing = db.session.get(Mailing, mailing_id)
        if mailing is not None and mailing.status is MailingStatus.SENDING:
            result = sending.send_all(mailing_id)
            click.echo(
                f"reminder mailing {mailing_id}: {result.sent} sent, {result.failed} failed, "
                f"{result.uncertain} uncertain"
            )
        else:
            click.echo(f"reminder mailing {mailing_id}: written as .eml files (no SMTP server)")
