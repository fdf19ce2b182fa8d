"""A mailing's messages, built without Flask: the template filled in for one recipient, and
the e-mail itself (plain text, the material attached or linked; no HTML, no tracking).

The template's placeholders are {namn} (the contact's name, or the organisation's for its
functional mailbox) and {organisation} (the organisation's display name); a mailing that
carries a questionnaire has more (app/mailings/extras.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from app.common.text import one_line

PLACEHOLDERS = ("namn", "organisation")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    data: bytes


def unknown_placeholders(template: str, allowed: Iterable[str] = PLACEHOLDERS) -> list[str]:
    """The {…} in `template` that are not placeholders, in order, each once."""
    known = set(allowed)
    found = [m.group(1) for m in _PLACEHOLDER.finditer(template)]
    return list(dict.fromkeys(name for name in found if name not in known))


def fill(
    template: str, *, name: str, organisation: str, extra: Mapping[str, str] | None = None
) -> str:
    """The template with the recipient's name and organisation (and any `extra`
    placeholders' values) put in."""
    values = {**(extra or {}), "namn": name, "organisation": organisation}
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), template)


def build_message(
    *,
    sender: str,
    to_name: str,
    to_address: str,
    subject: str,
    text: str,
    attachment: Attachment | None = None,
    link: str = "",
    footer: str = "",
) -> EmailMessage:
    """One recipient's message: the text, the link (for material that is a link) and the
    footer below it, and the file attached."""
    message = EmailMessage()
    message["Subject"] = one_line(subject)
    message["From"] = sender
    message["To"] = Address(one_line(to_name)[:200], addr_spec=to_address)
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="samverkan")
    parts = [text.rstrip()]
    if link:
        parts.append(link)
    if footer:
        parts.append("-- \n" + footer)
    message.set_content("\n\n".join(parts) + "\n")
    if attachment is not None:
        maintype, _slash, subtype = attachment.content_type.partition("/")
        message.add_attachment(
            attachment.data,
            maintype=maintype or "application",
            subtype=subtype or "octet-stream",
            filename=attachment.filename,
        )
    return message
