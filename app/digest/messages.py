"""A digest as an e-mail: a plain-text part and the same as HTML, in the user's language,
with links to the app (APP_URL; the workers have no request to take a host from)."""

from __future__ import annotations

from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from app.auth.models import User
from app.common.formatting import format_date
from app.common.text import one_line

from .services import Digest

DEFAULT_APP_URL = "http://localhost:5000"


def app_url() -> str:
    """Where the links in a digest point: APP_URL, else http://localhost:5000."""
    return str(current_app.config.get("APP_URL") or DEFAULT_APP_URL).rstrip("/")


def build_digest_message(user: User, digest: Digest, *, sender: str) -> EmailMessage:
    """The user's digest as a multipart/alternative message (text, then HTML)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    with app.test_request_context("/", base_url=app_url()), force_locale(user.locale or "sv"):
        subject = _("Samverkan: din sammanfattning %(day)s", day=format_date(digest.today))
        context = {"user": user, "digest": digest}
        text = render_template("digest/email.txt", **context)
        html = render_template("digest/email.html", subject=subject, **context)
    message = EmailMessage()
    message["Subject"] = one_line(subject)
    message["From"] = sender
    message["To"] = Address(one_line(user.name)[:200], addr_spec=user.email)
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="samverkan")
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(text.strip() + "\n")
    message.add_alternative(html, subtype="html")
    return message
