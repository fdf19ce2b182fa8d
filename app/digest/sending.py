"""Sending the day's digests: each user's at most once a day, nothing without SMTP.

A run (the periodic task from DIGEST_HOUR, or `flask digest send`) goes through the users
who want a digest and have none for today (Stockholm). For each it first claims the day by
inserting the (user_id, day) row in a transaction of its own: the unique constraint lets one
run win, so two workers, a task run twice or cron beside a worker send one message. The claim
is committed before the SMTP conversation (no transaction is held over the network); when the
server fails the row is deleted again, so a later run retries. A day with nothing to remind
of keeps its row (items 0) and sends nothing. Without MAIL_SERVER nothing is claimed or sent.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app
from sqlalchemy import delete, exists, select, update
from sqlalchemy.exc import IntegrityError

from app.auth.models import User
from app.calendar.mail import MailFailed, MailSettings, send_messages
from app.common.time import STOCKHOLM, utcnow
from app.extensions import db

from .messages import build_digest_message
from .models import DigestDelivery
from .services import digest_for, digest_hour

log = logging.getLogger(__name__)


@dataclass
class DigestRun:
    """What one run did; `skipped` says why it did nothing at all."""

    sent: int = 0
    empty: int = 0
    taken: int = 0
    failed: int = 0
    skipped: str = ""

    def summary(self) -> str:
        if self.skipped:
            return self.skipped
        return (
            f"digest: {self.sent} sent, {self.empty} with nothing to remind of, "
            f"{self.taken} already made by another run, {self.failed} failed"
        )


def is_due(now: datetime, *, hour: int) -> bool:
    """The day's digests may go out at `now` (UTC): DIGEST_HOUR has come in Stockholm."""
    return now.astimezone(STOCKHOLM).hour >= hour


def waiting_user_ids(today: date) -> list[int]:
    """Active users who want a digest and have no row for `today`; one statement."""
    made = exists().where(DigestDelivery.user_id == User.id, DigestDelivery.day == today)
    return list(
        db.session.scalars(
            select(User.id)
            .where(User.active.is_(True), User.digest_enabled.is_(True), User.email != "", ~made)
            .order_by(User.id)
        )
    )


def claim(user_id: int, today: date, now: datetime) -> DigestDelivery | None:
    """Insert the user's row for `today`; None when another run has it already."""
    try:
        with db.session.begin_nested():
            delivery = DigestDelivery(user_id=user_id, day=today, claimed_at=now)
            db.session.add(delivery)
    except IntegrityError:
        return None
    return delivery


def send_digests(*, now: datetime | None = None, ignore_hour: bool = False) -> DigestRun:
    """Make and send today's digests (see the module's docstring). Commits per user."""
    now = now or utcnow()
    if not ignore_hour and not is_due(now, hour=digest_hour()):
        return DigestRun(skipped=f"digest: not before {digest_hour():02d}:00 Europe/Stockholm")
    settings = MailSettings.from_config(current_app.config)
    if settings is None:
        return DigestRun(skipped="digest: nothing sent, MAIL_SERVER is not set")
    sender = settings.sender or str(current_app.config.get("MAIL_DEFAULT_SENDER") or "")
    sender = sender or "samverkan@localhost"
    today = now.astimezone(STOCKHOLM).date()
    user_ids = waiting_user_ids(today)
    db.session.commit()
    run = DigestRun()
    for user_id in user_ids:
        _send_one(user_id, today, now, settings=settings, sender=sender, run=run)
    return run


def _send_one(
    user_id: int, today: date, now: datetime, *, settings: MailSettings, sender: str, run: DigestRun
) -> None:
    delivery = claim(user_id, today, now)
    if delivery is None:
        db.session.rollback()
        run.taken += 1
        return
    user = db.session.get(User, user_id)
    if user is None or not user.digest_enabled:  # turned off since the list was read
        db.session.rollback()
        return
    digest = digest_for(user, today)
    delivery.items = digest.items
    if not digest.items:
        db.session.commit()
        run.empty += 1
        return
    message = build_digest_message(user, digest, sender=sender)
    delivery_id = delivery.id
    db.session.commit()
    try:
        send_messages(settings, [message])
    except MailFailed as error:
        log.warning("digest for user %s not sent: %s", user_id, error)
        db.session.execute(delete(DigestDelivery).where(DigestDelivery.id == delivery_id))
        db.session.commit()
        run.failed += 1
        return
    db.session.execute(
        update(DigestDelivery).where(DigestDelivery.id == delivery_id).values(sent_at=utcnow())
    )
    db.session.commit()
    run.sent += 1
