"""Sending a mailing in batches, safely restartable.

A worker holds the mailing's lease while it sends (renewed with every message, so a live
worker keeps it and a killed one loses it after MAILING_LEASE_SECONDS). Each recipient is set
from köad to skickas in a transaction of its own, committed before its message is handed to
the SMTP server, and to skickad (with its delivery) after: a recipient is taken from köad by
exactly one worker, so nobody is sent twice automatically. A worker that takes over a mailing
finds the recipients its killed predecessor left in skickas and marks them osäker, for a
person to decide; everyone else still köad is sent, so nobody is skipped.

These functions commit: each step must be durable before the next one begins.
"""

from __future__ import annotations

import secrets
import smtplib
from dataclasses import dataclass
from datetime import timedelta
from email.utils import parseaddr

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import or_, select, update

from app.auth.models import User
from app.calendar.mail import connect
from app.common.time import utcnow
from app.extensions import db

from . import outgoing, services
from .models import Mailing, MailingRecipient, MailingStatus, RecipientStatus


@dataclass
class BatchResult:
    claimed: bool
    sent: int = 0
    failed: int = 0
    uncertain: int = 0
    more: bool = False  # recipients still queued: another batch follows


def new_token() -> str:
    return secrets.token_hex(16)


def lease_seconds() -> float:
    return float(current_app.config.get("MAILING_LEASE_SECONDS") or 120)


def batch_size() -> int:
    return int(current_app.config.get("MAILING_BATCH_SIZE") or 50)


def batch_pause() -> float:
    return float(current_app.config.get("MAILING_BATCH_PAUSE") or 0)


def _renew(mailing_id: int, token: str) -> bool:
    """Hold the lease a while longer; False when another worker has taken it over."""
    now = utcnow()
    return bool(
        db.session.execute(
            update(Mailing)
            .where(Mailing.id == mailing_id, Mailing.lease_token == token)
            .values(lease_until=now + timedelta(seconds=lease_seconds()))
        ).rowcount
    )


def claim(mailing_id: int, token: str) -> bool:
    """Take (or keep) the lease of a mailing being sent; then mark what a predecessor left in
    skickas as osäker. Committed."""
    now = utcnow()
    taken = db.session.execute(
        update(Mailing)
        .where(
            Mailing.id == mailing_id,
            Mailing.status == MailingStatus.SENDING,
            or_(
                Mailing.lease_token == token,
                Mailing.lease_token.is_(None),
                Mailing.lease_until.is_(None),
                Mailing.lease_until < now,
            ),
        )
        .values(lease_token=token, lease_until=now + timedelta(seconds=lease_seconds()))
    ).rowcount
    if not taken:
        db.session.rollback()
        return False
    db.session.execute(
        update(MailingRecipient)
        .where(
            MailingRecipient.mailing_id == mailing_id,
            MailingRecipient.status == RecipientStatus.SENDING,
        )
        .values(
            status=RecipientStatus.UNCERTAIN,
            reason=_("Sändningen avbröts medan meddelandet lämnades till e-postservern."),
            changed_at=now,
        )
    )
    db.session.commit()
    return True


def release(mailing_id: int, token: str, *, error: str = "") -> None:
    db.session.execute(
        update(Mailing)
        .where(Mailing.id == mailing_id, Mailing.lease_token == token)
        .values(lease_token=None, lease_until=None, last_error=error[:500])
    )
    db.session.commit()


def send_batch(mailing_id: int, token: str) -> BatchResult:
    """Send the next batch of queued recipients over one SMTP connection."""
    if not claim(mailing_id, token):
        return BatchResult(claimed=False)
    result = BatchResult(claimed=True)
    mailing = db.session.get(Mailing, mailing_id)
    assert mailing is not None
    ids = list(
        db.session.scalars(
            select(MailingRecipient.id)
            .where(
                MailingRecipient.mailing_id == mailing_id,
                MailingRecipient.status == RecipientStatus.QUEUED,
            )
            .order_by(MailingRecipient.id)
            .limit(batch_size())
        )
    )
    if not ids:
        services.finish_if_done(mailing)
        db.session.commit()
        return result
    settings = services.smtp_settings()
    if settings is None:
        release(mailing_id, token, error=_("Ingen e-postserver är inställd."))
        return result
    attachment, link = outgoing.attachment_and_link(mailing)
    sender = outgoing.sender_address()
    envelope_from = parseaddr(sender)[1] or sender
    creator_id = mailing.created_by_id
    # No transaction stays open over the network (the SMTP connection, each message handed
    # over): on SQLite an open write transaction is the database's one write lock, and a
    # claim or a web request waiting behind it would give up with "database is locked".
    db.session.commit()
    try:
        smtp = connect(settings)
    except (OSError, smtplib.SMTPException) as error:
        release(mailing_id, token, error=_("Kunde inte nå e-postservern: %(e)s", e=str(error)))
        return result
    try:
        for recipient_id in ids:
            if not _renew(mailing_id, token):
                db.session.rollback()
                return result  # another worker has the mailing now
            taken = db.session.execute(
                update(MailingRecipient)
                .where(
                    MailingRecipient.id == recipient_id,
                    MailingRecipient.status == RecipientStatus.QUEUED,
                )
                .values(
                    status=RecipientStatus.SENDING,
                    attempts=MailingRecipient.attempts + 1,
                    changed_at=utcnow(),
                )
            ).rowcount
            db.session.commit()
            if not taken:
                continue
            recipient = db.session.get(MailingRecipient, recipient_id)
            assert recipient is not None
            if recipient.contact_id is not None and services.opted_out(recipient.contact_id):
                # Opted out after the mailing was prepared: not sent.
                _fail(recipient, str(services.OPTED_OUT_REASON))
                result.failed += 1
                continue
            message = outgoing.message_for(
                mailing, recipient, sender=sender, attachment=attachment, link=link
            )
            address = recipient.address
            db.session.commit()  # the message is built: no lock held while it is handed over
            try:
                smtp.send_message(message, from_addr=envelope_from, to_addrs=[address])
            except (
                smtplib.SMTPRecipientsRefused,
                smtplib.SMTPSenderRefused,
                smtplib.SMTPDataError,
            ) as error:
                # The server answered no: the message was not accepted.
                _fail(recipient, _refusal(error))
                result.failed += 1
                continue
            except (OSError, smtplib.SMTPException) as error:
                # The connection broke: the message may or may not have been accepted.
                recipient.status = RecipientStatus.UNCERTAIN
                recipient.reason = _("Förbindelsen bröts: %(e)s", e=str(error))[:500]
                recipient.changed_at = utcnow()
                db.session.commit()
                result.uncertain += 1
                release(mailing_id, token, error=recipient.reason)
                result.more = True
                return result
            creator = db.session.get(User, creator_id) if creator_id is not None else None
            services.mark_sent(recipient, mailing, by=creator)
            db.session.commit()
            result.sent += 1
    finally:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()
    if services.finish_if_done(mailing):
        db.session.commit()
    else:
        db.session.execute(update(Mailing).where(Mailing.id == mailing_id).values(last_error=""))
        db.session.commit()
        result.more = bool(
            db.session.scalar(
                select(MailingRecipient.id)
                .where(
                    MailingRecipient.mailing_id == mailing_id,
                    MailingRecipient.status == RecipientStatus.QUEUED,
                )
                .limit(1)
            )
        )
    return result


def _fail(recipient: MailingRecipient, reason: str) -> None:
    recipient.status = RecipientStatus.FAILED
    recipient.reason = reason[:500]
    recipient.changed_at = utcnow()
    db.session.commit()


def _refusal(error: smtplib.SMTPException) -> str:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [
            f"{code} {text.decode(errors='replace')}" for code, text in error.recipients.values()
        ]
        return _("Mottagaren avvisades: %(e)s", e="; ".join(codes))
    code = getattr(error, "smtp_code", "")
    text = getattr(error, "smtp_error", b"")
    shown = text.decode(errors="replace") if isinstance(text, bytes) else str(text)
    return _("E-postservern avvisade meddelandet: %(e)s", e=f"{code} {shown}".strip())


def abandoned() -> list[tuple[int, float]]:
    """Mailings being sent that no live worker holds, with the seconds until their lease runs
    out (0 when it has): the worker resumes them then."""
    now = utcnow()
    rows = db.session.execute(
        select(Mailing.id, Mailing.lease_until).where(Mailing.status == MailingStatus.SENDING)
    ).all()
    db.session.rollback()
    return [
        (mailing_id, max(0.0, (until - now).total_seconds()) if until is not None else 0.0)
        for mailing_id, until in rows
    ]


def send_all(mailing_id: int) -> BatchResult:
    """Send every batch of one mailing in this process (the CLI, for cron users)."""
    token = new_token()
    total = BatchResult(claimed=False)
    while True:
        result = send_batch(mailing_id, token)
        if not result.claimed:
            return total
        total.claimed = True
        total.sent += result.sent
        total.failed += result.failed
        total.uncertain += result.uncertain
        if not result.more:
            return total
