"""A mailing's life: draft with its chosen recipients, start (sent by the workers, or written
as .eml files), confirm files sent, resend failures, settle an uncertain recipient, and a
contact's opt-out. Services add and flush; the view or CLI commits. The messages are
outgoing.py; sending them is sending.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select, update

from app.audit.services import Action, Actor, record
from app.calendar.mail import MailSettings
from app.common.exceptions import DomainError
from app.common.time import local_today, utcnow
from app.contacts.models import Contact
from app.extensions import db
from app.library.models import Channel, MaterialVersion
from app.library.services import InvalidMaterial, record_deliveries

from . import extras, messages, recipients
from .models import (
    Audience,
    Mailing,
    MailingOptOut,
    MailingRecipient,
    MailingStatus,
    RecipientStatus,
)


class InvalidMailing(DomainError):
    """A mailing cannot be made or changed this way; the message says why."""


@dataclass
class MailingValues:
    subject: str
    body: str
    audience: Audience
    criteria: dict[str, str]
    role: str = ""
    tag: str = ""
    version_id: int | None = None
    lacking_only: bool = False
    # A questionnaire's sending or reminder: {länk} and {sista_dag} too (extras.py).
    questionnaire_id: int | None = None


def smtp_settings() -> MailSettings | None:
    """The SMTP server's settings (MAIL_*, shared with the calendar's invitations), or None."""
    return MailSettings.from_config(current_app.config)


def _check(values: MailingValues) -> MaterialVersion | None:
    if not values.subject.strip():
        raise InvalidMailing(_("Ange en ämnesrad."))
    if not values.body.strip():
        raise InvalidMailing(_("Skriv ett meddelande."))
    allowed = messages.PLACEHOLDERS + extras.placeholders(questionnaire_id=values.questionnaire_id)
    unknown = messages.unknown_placeholders(values.subject + values.body, allowed)
    if unknown:
        raise InvalidMailing(
            _(
                "Okänd platshållare: %(names)s. Använd %(allowed)s.",
                names=", ".join("{" + name + "}" for name in unknown),
                allowed=", ".join("{" + name + "}" for name in allowed),
            )
        )
    version = None
    if values.version_id is not None:
        version = db.session.get(MaterialVersion, values.version_id)
        if version is None:
            raise InvalidMailing(_("Den valda versionen finns inte."))
    if values.lacking_only and version is None:
        raise InvalidMailing(_("Välj material för att skicka bara till dem som saknar det."))
    return version


def create_mailing(
    *, values: MailingValues, by: Actor, chosen: list[recipients.Chosen] | None = None
) -> tuple[Mailing, recipients.Choice]:
    """A draft mailing with the recipients the filters choose now, or with `chosen` (a
    questionnaire's recipients, chosen one per organisation by the questionnaires)."""
    _check(values)
    mailing = Mailing(
        subject=" ".join(values.subject.split())[:200],
        body=values.body.strip(),
        audience=values.audience,
        criteria={k: v for k, v in values.criteria.items() if v},
        role=values.role.strip()[:200],
        tag=values.tag.strip()[:60],
        version_id=values.version_id,
        lacking_only=values.lacking_only,
        questionnaire_id=values.questionnaire_id,
        created_by_id=by.id,
        last_error="",
    )
    db.session.add(mailing)
    db.session.flush()
    if chosen is not None:
        _put_recipients(mailing, chosen)
        return mailing, recipients.Choice(recipients=list(chosen))
    return mailing, choose_again(mailing)


def chosen_now(mailing: Mailing) -> recipients.Choice:
    """Whom the draft's filters choose now (a fixed address shows at once)."""
    return recipients.choose(
        audience=mailing.audience,
        criteria=mailing.criteria,
        role=mailing.role,
        tag=mailing.tag,
        version_id=mailing.version_id,
        lacking_only=mailing.lacking_only,
    )


def choose_again(mailing: Mailing) -> recipients.Choice:
    """Replace a draft's recipients with those its filters choose now (after an address was
    fixed, say)."""
    if mailing.status is not MailingStatus.DRAFT:
        raise InvalidMailing(_("Bara ett utkast kan få nya mottagare."))
    choice = chosen_now(mailing)
    db.session.execute(delete(MailingRecipient).where(MailingRecipient.mailing_id == mailing.id))
    _put_recipients(mailing, choice.recipients)
    return choice


def _put_recipients(mailing: Mailing, chosen: list[recipients.Chosen]) -> None:
    db.session.add_all(
        MailingRecipient(
            mailing_id=mailing.id,
            organisation_id=c.organisation_id,
            contact_id=c.contact_id,
            name=c.name[:200],
            organisation_name=c.organisation_name[:400],
            address=c.address,
            status=RecipientStatus.QUEUED,
            reason="",
            attempts=0,
        )
        for c in chosen
    )
    db.session.flush()


def start_mailing(mailing: Mailing, *, by: Actor) -> None:
    """Send a draft: to the workers when SMTP is configured, else as .eml files to confirm."""
    if mailing.status is not MailingStatus.DRAFT:
        raise InvalidMailing(_("Utskicket är redan skickat."))
    if not db.session.scalar(select(func.count()).where(MailingRecipient.mailing_id == mailing.id)):
        raise InvalidMailing(_("Utskicket har inga mottagare."))
    mailing.status = MailingStatus.SENDING if smtp_settings() else MailingStatus.FILES
    mailing.started_at = utcnow()
    leave_out_opted_out(mailing)
    db.session.flush()


#: Why a recipient whose contact opted out after being chosen got nothing (here and when the
#: SMTP workers send).
OPTED_OUT_REASON = _l("Kontakten vill inte få utskick.")


def leave_out_opted_out(mailing: Mailing) -> int:
    """Queued recipients whose contact opted out after they were chosen fail with the reason
    (as the SMTP workers do when sending), so no .eml file is written for them and confirming
    the files records no delivery. Returns how many."""
    refused = select(MailingOptOut.contact_id).scalar_subquery()
    count = db.session.execute(
        update(MailingRecipient)
        .where(
            MailingRecipient.mailing_id == mailing.id,
            MailingRecipient.status == RecipientStatus.QUEUED,
            MailingRecipient.contact_id.in_(refused),
        )
        .values(
            status=RecipientStatus.FAILED,
            reason=str(OPTED_OUT_REASON),
            changed_at=utcnow(),
        )
        .execution_options(synchronize_session="fetch")
    ).rowcount
    db.session.flush()
    return count


def requeue(mailing: Mailing, *, statuses: tuple[RecipientStatus, ...], ids: list[int] = ()) -> int:  # type: ignore[assignment]
    """Queue recipients again (the failed ones, or chosen uncertain ones); the mailing goes
    back to sending. Returns how many."""
    if mailing.status is MailingStatus.DRAFT:
        raise InvalidMailing(_("Utskicket är inte skickat än."))
    condition = [MailingRecipient.mailing_id == mailing.id, MailingRecipient.status.in_(statuses)]
    if ids:
        condition.append(MailingRecipient.id.in_(ids))
    count = db.session.execute(
        update(MailingRecipient)
        .where(*condition)
        .values(status=RecipientStatus.QUEUED, reason="", changed_at=utcnow())
    ).rowcount
    if count:
        # finished_at stays: the next finish writes history only for what is sent after it.
        mailing.status = MailingStatus.SENDING if smtp_settings() else MailingStatus.FILES
        db.session.flush()
    return count


def mark_sent(recipient: MailingRecipient, mailing: Mailing, *, by: Actor | None) -> None:
    """A recipient's message went out: skickad, with its delivery in the distribution log."""
    recipient.status = RecipientStatus.SENT
    recipient.reason = ""
    recipient.changed_at = utcnow()
    version = mailing.version
    if version is not None:
        recipient.delivery_id = _record_delivery(version, recipient, by)
    db.session.flush()


def _record_delivery(
    version: MaterialVersion, recipient: MailingRecipient, by: Actor | None
) -> int | None:
    """Record the delivery through the library's own service (the material's history gets
    one entry for the whole mailing, `record_history`); a contact who has no role that day
    counts for the organisation the message was addressed at, and one addressed at no
    organisation is not a delivery."""
    today = local_today()
    made = []
    common = {"channel": Channel.MAILING, "delivered_on": today, "by": by, "in_history": False}
    try:
        if recipient.contact_id is not None:
            made = record_deliveries(version, contact_ids=[recipient.contact_id], **common)
        elif recipient.organisation_id is not None:
            made = record_deliveries(
                version, organisation_ids=[recipient.organisation_id], **common
            )
    except InvalidMaterial:
        if recipient.organisation_id is not None:
            made = record_deliveries(
                version, organisation_ids=[recipient.organisation_id], **common
            )
    return made[0].id if made else None


def record_history(mailing: Mailing, *, since: datetime | None, by: Actor | None = None) -> None:
    """One entry in the material's history for the messages of this mailing sent since
    `since` (the mailing's previous finish; all of them the first time): the mailing's
    subject, how many messages went out and the organisations they reached; by `by` (who
    confirmed or decided), else whoever made the mailing."""
    version = mailing.version
    if version is None:
        return
    condition = [
        MailingRecipient.mailing_id == mailing.id,
        MailingRecipient.status == RecipientStatus.SENT,
    ]
    if since is not None:
        condition.append(MailingRecipient.changed_at > since)
    rows = db.session.execute(select(MailingRecipient.organisation_id).where(*condition)).all()
    if not rows:
        return
    organisations = sorted({o for (o,) in rows if o is not None})
    record(
        entity=version.material,
        action=Action.UPDATE,
        by=by or mailing.created_by,
        changes={
            "mailing": [None, mailing.subject],
            "messages_sent": [None, len(rows)],
            "delivered_to": [None, organisations],
        },
        note=f"{Channel.MAILING.label}, {_('version %(number)d', number=version.number)}, "
        f"{local_today().isoformat()}",
    )


def settle_uncertain(recipient: MailingRecipient, *, sent: bool, by: Actor) -> None:
    """A person's decision on an uncertain recipient: it went out (skickad, logged), or it
    is to be sent again (köad)."""
    if recipient.status is not RecipientStatus.UNCERTAIN:
        raise InvalidMailing(_("Mottagaren är inte markerad som osäker."))
    mailing = db.session.get(Mailing, recipient.mailing_id)
    assert mailing is not None
    if sent:
        mark_sent(recipient, mailing, by=by)
        finish_if_done(mailing, by=by)
    else:
        requeue(mailing, statuses=(RecipientStatus.UNCERTAIN,), ids=[recipient.id])


def finish_if_done(mailing: Mailing, *, by: Actor | None = None) -> bool:
    """Mark the mailing done when nobody is queued or being sent."""
    open_count = db.session.scalar(
        select(func.count()).where(
            MailingRecipient.mailing_id == mailing.id,
            MailingRecipient.status.in_((RecipientStatus.QUEUED, RecipientStatus.SENDING)),
        )
    )
    if open_count:
        return False
    record_history(mailing, since=mailing.finished_at, by=by)
    mailing.status = MailingStatus.DONE
    mailing.finished_at = utcnow()
    mailing.lease_token = mailing.lease_until = None
    db.session.flush()
    return True


def confirm_files_sent(mailing: Mailing, *, by: Actor) -> int:
    """The user sent the .eml files from their own mail client: every queued recipient is
    skickad and logged. Returns how many."""
    if mailing.status is not MailingStatus.FILES:
        raise InvalidMailing(_("Det finns inga e-postfiler att bekräfta."))
    queued = db.session.scalars(
        select(MailingRecipient).where(
            MailingRecipient.mailing_id == mailing.id,
            MailingRecipient.status == RecipientStatus.QUEUED,
        )
    ).all()
    for recipient in queued:
        mark_sent(recipient, mailing, by=by)
    finish_if_done(mailing, by=by)
    return len(queued)


# --- opt-out ------------------------------------------------------------------------------------


def opted_out(contact_id: int) -> MailingOptOut | None:
    return db.session.get(MailingOptOut, contact_id)


def set_opt_out(contact: Contact, *, opted_out: bool, by: Actor) -> None:
    """Record or lift a contact's wish to get no mailings, with who recorded it."""
    current = db.session.get(MailingOptOut, contact.id)
    if opted_out and current is None:
        db.session.add(MailingOptOut(contact_id=contact.id, recorded_by_name=by.name))
    elif not opted_out and current is not None:
        db.session.delete(current)
    else:
        return
    db.session.flush()
    record(
        entity=contact,
        action=Action.UPDATE,
        by=by,
        changes={"mailing_opt_out": [not opted_out, opted_out]},
    )
