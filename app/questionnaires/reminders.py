"""Reminders: planned for a day, sent by the task queue to those who have not answered.

A reminder is planned for a day between today and the close date. On that day, at
QUESTIONNAIRE_REMINDER_HOUR (Europe/Stockholm; default 8), the periodic task
`send_questionnaire_reminders` (app/tasks/jobs.py, checked every minute) makes a mailing to
the recipients whose organisation has not SUBMITTED its response (a saved draft is not an
answer); each message carries a new link, and every earlier link keeps working until the
close date. A day missed (no worker running) is caught up at the next check.

A reminder runs once: it is taken from "planerad" to "skickad" by one conditional UPDATE in
the transaction that makes its mailing, so a second run (two workers, a task run twice, the
CLI beside a worker) finds it taken and does nothing. Nothing is sent once the questionnaire
is closed or its close date has passed: a reminder still planned then is cancelled.
`flask questionnaires remind` does the due ones at once (for cron, without workers).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from types import SimpleNamespace

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select, update

from app.audit.display import Shown, day, register_fields
from app.audit.services import Action, record
from app.auth.models import User
from app.common.exceptions import DomainError
from app.common.time import STOCKHOLM, local_today, utcnow
from app.extensions import db
from app.mailings import messages
from app.mailings.models import Mailing

from .models import (
    Questionnaire,
    QuestionnaireRecipient,
    QuestionnaireReminder,
    QuestionnaireResponse,
    QuestionnaireStatus,
    ReminderStatus,
    ResponseStatus,
)
from .sending import PLACEHOLDERS, check_message, mailing_to

# The questionnaire's history shows a reminder planned or cancelled by its day.
register_fields(Questionnaire.__tablename__, {"reminder": Shown(_l("Påminnelse"), format=day)})


class InvalidReminder(DomainError):
    """A reminder cannot be planned or cancelled this way; the message says why."""


@dataclass
class ReminderValues:
    send_on: date
    subject: str
    body: str


def reminder_hour() -> int:
    """QUESTIONNAIRE_REMINDER_HOUR (0–23, Europe/Stockholm); 8 when unset or wrong."""
    try:
        hour = int(current_app.config.get("QUESTIONNAIRE_REMINDER_HOUR", 8))
    except (TypeError, ValueError):
        return 8
    return hour if 0 <= hour <= 23 else 8


def plan_reminder(
    questionnaire: Questionnaire, *, values: ReminderValues, by: User
) -> QuestionnaireReminder:
    """A reminder on a day from today to the close date, of a sent questionnaire."""
    if questionnaire.status is not QuestionnaireStatus.SENT:
        raise InvalidReminder(_("Påminnelser kan bara planeras för en skickad enkät."))
    if values.send_on < local_today():
        raise InvalidReminder(_("Dagen har redan passerat."))
    if questionnaire.closes_on is not None and values.send_on > questionnaire.closes_on:
        raise InvalidReminder(_("Dagen ligger efter sista svarsdagen."))
    if not values.subject.strip():
        raise InvalidReminder(_("Ange en ämnesrad."))
    check_message(values.subject, values.body)
    # The same placeholder check as the mailing will make, now rather than on the day.
    allowed = (*messages.PLACEHOLDERS, *PLACEHOLDERS)
    unknown = messages.unknown_placeholders(values.subject + values.body, allowed)
    if unknown:
        raise InvalidReminder(
            _("Okänd platshållare: %(names)s.", names=", ".join("{" + n + "}" for n in unknown))
        )
    reminder = QuestionnaireReminder(
        questionnaire_id=questionnaire.id,
        send_on=values.send_on,
        status=ReminderStatus.PLANNED,
        subject=" ".join(values.subject.split())[:200],
        body=values.body.strip(),
        created_by_id=by.id,
    )
    db.session.add(reminder)
    db.session.flush()
    record(
        entity=questionnaire,
        action=Action.UPDATE,
        by=by,
        changes={"reminder": [None, values.send_on.isoformat()]},
        note=_("Påminnelse planerad"),
    )
    return reminder


def cancel_reminder(reminder: QuestionnaireReminder, *, by: User) -> None:
    """A planned reminder is not sent."""
    if reminder.status is not ReminderStatus.PLANNED:
        raise InvalidReminder(_("Bara en planerad påminnelse kan avbrytas."))
    reminder.status = ReminderStatus.CANCELLED
    db.session.flush()
    record(
        entity=reminder.questionnaire,
        action=Action.UPDATE,
        by=by,
        changes={"reminder": [reminder.send_on.isoformat(), None]},
        note=_("Påminnelse avbruten"),
    )


def reminders_of(questionnaire: Questionnaire) -> list[QuestionnaireReminder]:
    return list(
        db.session.scalars(
            select(QuestionnaireReminder)
            .where(QuestionnaireReminder.questionnaire_id == questionnaire.id)
            .order_by(QuestionnaireReminder.send_on, QuestionnaireReminder.id)
        )
    )


def not_answered(questionnaire: Questionnaire) -> list[QuestionnaireRecipient]:
    """The recipients whose organisation has not submitted (a draft is not an answer)."""
    submitted = exists().where(
        QuestionnaireResponse.questionnaire_id == questionnaire.id,
        QuestionnaireResponse.organisation_id == QuestionnaireRecipient.organisation_id,
        QuestionnaireResponse.status == ResponseStatus.SUBMITTED,
    )
    return list(
        db.session.scalars(
            select(QuestionnaireRecipient)
            .where(QuestionnaireRecipient.questionnaire_id == questionnaire.id, ~submitted)
            .order_by(QuestionnaireRecipient.id)
        )
    )


def is_due(send_on: date, now: datetime, *, hour: int, ignore_hour: bool = False) -> bool:
    """A reminder for `send_on` is due at `now` (UTC): its day has come in Europe/Stockholm
    and, on the day itself, the hour has too (unless `ignore_hour`)."""
    local = now.astimezone(STOCKHOLM)
    if local.date() != send_on:
        return local.date() > send_on
    return ignore_hour or local.hour >= hour


def send_due_reminders(*, now: datetime | None = None, ignore_hour: bool = False) -> list[int]:
    """Make the mailings of the reminders due now; returns their mailing ids. Commits after
    each reminder (the take and its mailing are one transaction)."""
    now = now or utcnow()
    hour = reminder_hour()
    today = now.astimezone(STOCKHOLM).date()
    planned = db.session.execute(
        select(QuestionnaireReminder.id, QuestionnaireReminder.send_on)
        .where(
            QuestionnaireReminder.status == ReminderStatus.PLANNED,
            QuestionnaireReminder.send_on <= today,
        )
        .order_by(QuestionnaireReminder.send_on, QuestionnaireReminder.id)
    ).all()
    db.session.commit()
    made = []
    for reminder_id, send_on in planned:
        if not is_due(send_on, now, hour=hour, ignore_hour=ignore_hour):
            continue
        mailing = _send(reminder_id, now, today)
        db.session.commit()
        if mailing is not None:
            made.append(mailing.id)
    return made


def _send(reminder_id: int, now: datetime, today: date) -> Mailing | None:
    reminder = db.session.get(QuestionnaireReminder, reminder_id)
    assert reminder is not None
    questionnaire = reminder.questionnaire
    closed = questionnaire.status is not QuestionnaireStatus.SENT or (
        questionnaire.closes_on is not None and today > questionnaire.closes_on
    )
    status = ReminderStatus.CANCELLED if closed else ReminderStatus.SENT
    taken = db.session.execute(
        update(QuestionnaireReminder)
        .where(
            QuestionnaireReminder.id == reminder_id,
            QuestionnaireReminder.status == ReminderStatus.PLANNED,
        )
        .values(status=status, sent_at=None if closed else now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not taken or closed:
        return None
    recipients = not_answered(questionnaire)
    if not recipients:
        return None
    # Made by whoever planned it (or made the questionnaire); nobody when both are gone.
    by = reminder.created_by or questionnaire.created_by or SimpleNamespace(id=None, name="")
    mailing = mailing_to(
        questionnaire, recipients, subject=reminder.subject, body=reminder.body, by=by
    )
    db.session.execute(
        update(QuestionnaireReminder)
        .where(QuestionnaireReminder.id == reminder_id)
        .values(mailing_id=mailing.id)
        .execution_options(synchronize_session=False)
    )
    return mailing


def default_texts(questionnaire: Questionnaire) -> tuple[str, str]:
    """A reminder's subject and message to start from."""
    title = questionnaire.title.replace("{", "(").replace("}", ")")
    return (
        _("Påminnelse: %(title)s", title=title),
        _(
            "Hej {namn},\n\n"
            "Vi har ännu inte fått något svar från {organisation} på enkäten ”%(title)s”. "
            "Svara gärna senast {sista_dag} via länken nedan:\n\n{länk}\n\n"
            "Har ni redan börjat svara finns det ni sparat kvar. Tack!",
            title=title,
        ),
    )
