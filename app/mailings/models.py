"""A mailing, its recipients and the contacts who want no mailings.

A recipient's status moves koad → skickas → skickad (or misslyckad, with the reason). A
recipient is set to "skickas" in a transaction of its own before its message is handed to
the SMTP server, and to "skickad" after: one found in "skickas" by a worker that took over the
mailing may have been sent, and becomes "osäker" for a person to decide (app/mailings/sending.py).
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.common.db_types import UTCDateTime, enum_column
from app.common.i18n import translated
from app.common.time import utcnow
from app.contacts.models import Contact
from app.extensions import db
from app.library.models import MaterialVersion
from app.organisations.models import Organisation


class Audience(enum.StrEnum):
    """Whom the recipients were chosen among: organisations (their contacts with a chosen
    role or tag, else their functional mailbox) or contacts directly."""

    ORGANISATIONS = "organisationer"
    CONTACTS = "kontakter"


class MailingStatus(enum.StrEnum):
    DRAFT = "utkast"
    SENDING = "skickas"
    FILES = "filer"  # written as .eml files, waiting for the user to confirm they were sent
    DONE = "klar"

    @property
    def label(self) -> str:
        return translated(MAILING_STATUS_LABELS[self])


MAILING_STATUS_LABELS = {
    MailingStatus.DRAFT: _l("Utkast"),
    MailingStatus.SENDING: _l("Skickas"),
    MailingStatus.FILES: _l("E-postfiler väntar på bekräftelse"),
    MailingStatus.DONE: _l("Klart"),
}


class RecipientStatus(enum.StrEnum):
    QUEUED = "koad"
    SENDING = "skickas"
    SENT = "skickad"
    FAILED = "misslyckad"
    UNCERTAIN = "osaker"

    @property
    def label(self) -> str:
        return translated(RECIPIENT_STATUS_LABELS[self])


RECIPIENT_STATUS_LABELS = {
    RecipientStatus.QUEUED: _l("Köad"),
    RecipientStatus.SENDING: _l("Skickas"),
    RecipientStatus.SENT: _l("Skickad"),
    RecipientStatus.FAILED: _l("Misslyckad"),
    RecipientStatus.UNCERTAIN: _l("Osäker"),
}


class Mailing(db.Model):
    """A message to chosen recipients; `criteria` keeps the list filters they were chosen
    with (the query string of the organisation or contact list), so the choice can be made
    again after an address has been fixed."""

    __tablename__ = "mailings"

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    audience: Mapped[Audience] = mapped_column(enum_column(Audience, "mailing_audience"))
    criteria: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    role: Mapped[str] = mapped_column(String(200), default="")
    tag: Mapped[str] = mapped_column(String(60), default="")
    version_id: Mapped[int | None] = mapped_column(
        ForeignKey("material_versions.id", ondelete="RESTRICT"), index=True
    )
    # Leave out organisations that already have the version (sent, handed over or by hand).
    lacking_only: Mapped[bool] = mapped_column(default=False)
    # A questionnaire's sending or reminder: each message carries the recipient
    # organisation's personal link ({länk}), made when the message is built.
    questionnaire_id: Mapped[int | None] = mapped_column(
        ForeignKey("questionnaires.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[MailingStatus] = mapped_column(
        enum_column(MailingStatus, "mailing_status"), default=MailingStatus.DRAFT
    )
    # Who is sending it now: a worker holds the lease while it sends, renewing it with every
    # message; another worker takes over only once it has run out (a killed worker).
    lease_token: Mapped[str | None] = mapped_column(String(40))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str] = mapped_column(String(500), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    version: Mapped[MaterialVersion | None] = relationship()
    created_by: Mapped[User | None] = relationship()

    __table_args__ = (Index("ix_mailings_status", "status"),)


class MailingRecipient(db.Model):
    """One message of a mailing: to a contact (at `organisation`), or to an organisation's
    functional mailbox (no contact). Name and address are kept as they were when chosen."""

    __tablename__ = "mailing_recipients"

    id: Mapped[int] = mapped_column(primary_key=True)
    mailing_id: Mapped[int] = mapped_column(ForeignKey("mailings.id", ondelete="CASCADE"))
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL")
    )
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(String(200), default="")
    organisation_name: Mapped[str] = mapped_column(String(400), default="")
    address: Mapped[str] = mapped_column(String(254))
    status: Mapped[RecipientStatus] = mapped_column(
        enum_column(RecipientStatus, "recipient_status"), default=RecipientStatus.QUEUED
    )
    reason: Mapped[str] = mapped_column(String(500), default="")
    attempts: Mapped[int] = mapped_column(default=0)
    changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    delivery_id: Mapped[int | None] = mapped_column(
        ForeignKey("deliveries.id", ondelete="SET NULL")
    )

    organisation: Mapped[Organisation | None] = relationship()
    contact: Mapped[Contact | None] = relationship()

    __table_args__ = (
        UniqueConstraint("mailing_id", "address"),
        Index("ix_mailing_recipients_mailing_id_status", "mailing_id", "status"),
        Index("ix_mailing_recipients_contact_id", "contact_id"),
        Index("ix_mailing_recipients_organisation_id", "organisation_id"),
    )


class MailingOptOut(db.Model):
    """A contact who does not want mailings; never chosen as a recipient while it stands."""

    __tablename__ = "mailing_opt_outs"

    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True
    )
    opted_out_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    recorded_by_name: Mapped[str] = mapped_column(String(200), default="")
