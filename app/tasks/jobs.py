"""The tasks the workers run, and the periodic ones.

- `send_mailing_batch`: one batch of a mailing; it enqueues the next after MAILING_BATCH_PAUSE.
- `resume_mailings` (every minute, and at once when a worker starts): mailings being sent
  that no live worker holds (one was killed) are taken over when their lease runs out.
- `send_questionnaire_reminders` (every minute): questionnaire reminders whose day and hour
  have come become mailings (app/questionnaires/reminders.py).
- `sync_caldav` (every CALDAV_SYNC_MINUTES when CALDAV_URL is set): the same run as
  `flask caldav sync`, under its lock; a run while another holds it does nothing.
- `send_digests` (every minute from DIGEST_HOUR, Europe/Stockholm): the day's digests to the
  users who want one and have not had it (app/digest/sending.py; at most one a day each).
"""

from __future__ import annotations

import calendar
import logging
from datetime import UTC, datetime
from typing import Any

from huey import crontab

from .queue import huey, task_app

log = logging.getLogger(__name__)


def queue_mailing(mailing_id: int, *, delay: float = 0) -> None:
    """Have a worker send this mailing (under a new lease token). Commits first: the worker
    must see the mailing as it is now (and a task run at once needs the database free)."""
    from app.extensions import db
    from app.mailings.sending import new_token

    db.session.commit()
    if delay > 0:
        send_mailing_batch.schedule(args=(mailing_id, new_token()), delay=delay)
    else:
        send_mailing_batch(mailing_id, new_token())


# Not retried: a batch holds no database transaction over the network (app/mailings/sending.py),
# so it does not meet a locked database; a batch that fails is resumed by resume_mailings once
# its lease runs out.
@huey.task()
def send_mailing_batch(mailing_id: int, token: str) -> None:
    from app.mailings import sending

    app = task_app()
    with app.app_context():
        result = sending.send_batch(mailing_id, token)
        pause = sending.batch_pause()
    if result.claimed and result.more:
        if pause > 0:
            send_mailing_batch.schedule(args=(mailing_id, token), delay=pause)
        else:
            send_mailing_batch(mailing_id, token)


@huey.periodic_task(crontab(minute="*"))
def resume_mailings() -> None:
    from app.mailings import sending

    with task_app().app_context():
        for mailing_id, seconds in sending.abandoned():
            # A live worker renews its lease, so this batch finds the mailing taken and stops.
            queue_mailing(mailing_id, delay=seconds + 0.5 if seconds else 0)


def caldav_sync_minutes(config: Any) -> int:
    """How often the workers sync with the CalDAV server: CALDAV_SYNC_MINUTES, 0 (never)
    when it is unset, 0 or not a number, or when CALDAV_URL is unset."""
    if not config.get("CALDAV_URL"):
        return 0
    try:
        return max(int(config.get("CALDAV_SYNC_MINUTES") or 0), 0)
    except (TypeError, ValueError):
        return 0


def caldav_sync_due(when: datetime) -> bool:
    """Huey's schedule for `sync_caldav` (checked each minute, `when` in UTC): on the
    minutes since the epoch that CALDAV_SYNC_MINUTES divides (every 15 minutes: :00, :15,
    :30 and :45), never while it is off."""
    minutes = caldav_sync_minutes(task_app().config)
    return bool(minutes) and (calendar.timegm(when.timetuple()) // 60) % minutes == 0


@huey.periodic_task(caldav_sync_due, name="sync_caldav")
def sync_caldav() -> str:
    """One CalDAV sync; returns its one-line summary (or why it did nothing)."""
    from app.caldav.client import CaldavFailed
    from app.caldav.run import SyncBusy, run_sync

    with task_app().app_context():
        try:
            report = run_sync()
        except (SyncBusy, CaldavFailed) as error:
            log.warning("CalDAV sync: %s", error)
            return str(error)
    if report is None:
        return "CalDAV sync is off: CALDAV_URL is not set."
    log.info("CalDAV sync: %s", report.summary())
    return report.summary()


@huey.periodic_task(crontab(minute="*"), name="send_questionnaire_reminders")
def send_questionnaire_reminders() -> list[int]:
    """The questionnaire reminders due now (their day at QUESTIONNAIRE_REMINDER_HOUR,
    Europe/Stockholm; app/questionnaires/reminders.py) become mailings, each sent by a worker."""
    from app.mailings.models import Mailing, MailingStatus
    from app.questionnaires.reminders import send_due_reminders

    with task_app().app_context():
        from app.extensions import db

        made = send_due_reminders()
        for mailing_id in made:
            mailing = db.session.get(Mailing, mailing_id)
            if mailing is not None and mailing.status is MailingStatus.SENDING:
                queue_mailing(mailing_id)
    return made


def digest_due(when: datetime) -> bool:
    """Huey's schedule for `send_digests` (checked each minute, `when` in UTC): from
    DIGEST_HOUR in Stockholm to midnight; a day already done costs one query a minute."""
    from app.digest.sending import is_due
    from app.digest.services import digest_hour

    with task_app().app_context():
        return is_due(when.replace(tzinfo=UTC), hour=digest_hour())


@huey.periodic_task(digest_due, name="send_digests")
def send_digests() -> str:
    """Today's digests not yet made; returns the run's one-line summary."""
    from app.digest.sending import send_digests as send

    with task_app().app_context():
        run = send()
    if run.sent or run.failed:
        log.info("%s", run.summary())
    return run.summary()
