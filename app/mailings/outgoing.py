"""The messages a mailing sends: one recipient's e-mail (its template filled in, the
material attached or linked), the preview of it, and the .eml files written when no SMTP
server is set. The mailing's life is services.py; sending them is sending.py."""

from __future__ import annotations

import zipfile
from typing import IO, Any

from flask import current_app
from sqlalchemy import select

from app.extensions import db
from app.library import files

from . import extras, messages
from .models import Mailing, MailingRecipient, RecipientStatus
from .services import leave_out_opted_out, smtp_settings

#: What the messages end with: how to opt out, in words (no tracking, no links to click).
FOOTER = "Vill du inte få fler utskick från oss? Svara på det här meddelandet, så tar vi bort dig."


def placeholders(
    mailing: Mailing, recipient: MailingRecipient, *, preview: bool = False
) -> dict[str, Any]:
    """What a recipient's template is filled with; a preview makes no personal link."""
    return {
        "name": recipient.name,
        "organisation": recipient.organisation_name,
        "extra": extras.values(mailing, recipient, preview=preview),
    }


def attachment_and_link(mailing: Mailing) -> tuple[messages.Attachment | None, str]:
    """The version's file (attached) or link (in the text), if the mailing has material."""
    version = mailing.version
    if version is None:
        return None, ""
    if version.is_file and version.file_hash:
        data = files.path_for(version.file_hash).read_bytes()
        return messages.Attachment(version.filename, version.content_type, data), ""
    return None, version.link


def message_for(
    mailing: Mailing,
    recipient: MailingRecipient,
    *,
    sender: str,
    attachment: messages.Attachment | None,
    link: str,
) -> Any:
    """One recipient's e-mail (a questionnaire's: with a new personal link, extras.py)."""
    fill = placeholders(mailing, recipient)
    return messages.build_message(
        sender=sender,
        to_name=recipient.name,
        to_address=recipient.address,
        subject=messages.fill(mailing.subject, **fill),
        text=messages.fill(mailing.body, **fill),
        attachment=attachment,
        link=link,
        footer=FOOTER,
    )


def preview_text(mailing: Mailing, recipient: MailingRecipient | None) -> tuple[str, str]:
    """The subject and text the first recipient will get (the template itself if none)."""
    if recipient is None:
        return mailing.subject, mailing.body
    fill = placeholders(mailing, recipient, preview=True)
    return messages.fill(mailing.subject, **fill), messages.fill(mailing.body, **fill)


def sender_address() -> str:
    settings = smtp_settings()
    return (settings.sender if settings else "") or str(
        current_app.config.get("MAIL_DEFAULT_SENDER") or "samverkan@localhost"
    )


def write_eml_zip(mailing: Mailing, target: IO[bytes]) -> int:
    """Every queued recipient's message as an .eml file in a zip written to `target` (none
    for a contact who opted out since being chosen: services.leave_out_opted_out)."""
    leave_out_opted_out(mailing)
    attachment, link = attachment_and_link(mailing)
    sender = sender_address()
    count = 0
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        queued = db.session.scalars(
            select(MailingRecipient)
            .where(
                MailingRecipient.mailing_id == mailing.id,
                MailingRecipient.status == RecipientStatus.QUEUED,
            )
            .order_by(MailingRecipient.id)
        )
        for recipient in queued:
            count += 1
            message = message_for(
                mailing, recipient, sender=sender, attachment=attachment, link=link
            )
            name = f"{count:04d}-{recipient.address.replace('@', '_at_')}.eml"
            archive.writestr(name, message.as_bytes())
    return count
