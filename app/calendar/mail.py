"""Sending invitations and cancellations by e-mail, when an SMTP server is configured.

Each attendee gets a multipart/mixed message as Google Calendar sends them: a
multipart/alternative of a plain-text part people read and a `text/calendar; method=REQUEST`
(or CANCEL) part that Outlook, Gmail and Apple Mail turn into accept/decline buttons and
apply to the calendar, then the same file as an attachment (invite.ics), for the clients
that only offer an attached file. Settings (instance config or SAMVERKAN_*):
MAIL_SERVER, MAIL_PORT (25), MAIL_USE_TLS (STARTTLS), MAIL_USE_SSL, MAIL_USERNAME,
MAIL_PASSWORD, MAIL_DEFAULT_SENDER, MAIL_TIMEOUT (seconds).
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from typing import Any, Literal

from app.common.text import one_line

from .ics import CalendarEvent, Person


class MailNotConfigured(RuntimeError):
    """No MAIL_SERVER: invitations can only be downloaded."""


class MailFailed(RuntimeError):
    """The SMTP server could not be reached or refused the message."""


@dataclass(frozen=True)
class MailSettings:
    server: str
    port: int = 25
    use_tls: bool = False
    use_ssl: bool = False
    username: str = ""
    password: str = ""
    sender: str = ""
    timeout: float = 20.0

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> MailSettings | None:
        """The settings, or None when no server is configured."""
        server = config.get("MAIL_SERVER")
        if not server:
            return None
        return cls(
            server=str(server),
            port=int(config.get("MAIL_PORT") or (465 if config.get("MAIL_USE_SSL") else 25)),
            use_tls=bool(config.get("MAIL_USE_TLS")),
            use_ssl=bool(config.get("MAIL_USE_SSL")),
            username=str(config.get("MAIL_USERNAME") or ""),
            password=str(config.get("MAIL_PASSWORD") or ""),
            sender=str(config.get("MAIL_DEFAULT_SENDER") or ""),
            timeout=float(config.get("MAIL_TIMEOUT") or 20),
        )


def build_message(
    *,
    event: CalendarEvent,
    ics: bytes,
    method: Literal["REQUEST", "CANCEL"],
    to: Person,
    subject: str,
    text: str,
    sender: str,
) -> EmailMessage:
    """One attendee's message. From is the organizer (the meeting is theirs); when the
    server's own address differs it goes in Sender, as "on behalf of"."""
    organizer = event.organizer
    message = EmailMessage()
    message["Subject"] = one_line(subject)
    if organizer is not None:
        message["From"] = Address(one_line(organizer.name), addr_spec=organizer.email)
        if sender and sender.lower() != organizer.email.lower():
            message["Sender"] = sender
    else:
        message["From"] = sender
    message["To"] = Address(one_line(to.name), addr_spec=to.email)
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="samverkan")
    message.set_content(text)
    message.add_alternative(
        ics,
        maintype="text",
        subtype="calendar",
        params={"method": method, "charset": "utf-8"},
        cte="base64",
    )
    message.add_attachment(
        ics,
        maintype="application",
        subtype="ics",
        filename="invite.ics" if method == "REQUEST" else "cancel.ics",
        cte="base64",
    )
    return message


def connect(settings: MailSettings) -> smtplib.SMTP:
    """An SMTP connection as configured: SSL or STARTTLS, logged in when a user is set. The
    connection is closed again if any step after connecting fails."""
    if settings.use_ssl:
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(
            settings.server,
            settings.port,
            timeout=settings.timeout,
            context=ssl.create_default_context(),
        )
    else:
        smtp = smtplib.SMTP(settings.server, settings.port, timeout=settings.timeout)
    try:
        if settings.use_tls and not settings.use_ssl:
            smtp.starttls(context=ssl.create_default_context())
        if settings.username:
            smtp.login(settings.username, settings.password)
    except BaseException:
        smtp.close()
        raise
    return smtp


def send_messages(settings: MailSettings, messages: list[EmailMessage]) -> None:
    """Send every message over one SMTP connection; MailFailed on any error."""
    try:
        with connect(settings) as smtp:
            for message in messages:
                envelope_from = settings.sender or str(message["From"])
                smtp.send_message(message, from_addr=_address_only(envelope_from))
    except (OSError, smtplib.SMTPException) as error:
        raise MailFailed(str(error)) from error


def _address_only(value: str) -> str:
    return parseaddr(value)[1] or value
