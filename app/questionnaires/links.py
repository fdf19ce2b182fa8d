"""Personal links: a long random token per message, kept only as its SHA-256 hash.

A link opens one questionnaire for one organisation, and nothing else. It works while the
questionnaire is sent (not a draft, not closed) and until its close date (inclusive, in
Europe/Stockholm); every link given to an organisation works until then, so an earlier
message and a reminder both lead to the same response.

The public part lives under PUBLIC_PREFIX (default /svar) so that a proxy can publish it
alone; PUBLIC_URL (e.g. https://enkat.example.se) is the address the links in messages
start with — workers have no request to take it from.
"""

from __future__ import annotations

import hashlib
import secrets

from flask import current_app, has_request_context, request
from sqlalchemy import select

from app.common.time import local_today
from app.extensions import db

from .models import QuestionnaireLink, QuestionnaireRecipient, QuestionnaireStatus

#: The longest token accepted (a token is 43 characters): anything longer is not looked up.
MAX_TOKEN_LENGTH = 100


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def give_link(recipient: QuestionnaireRecipient, *, mailing_id: int | None = None) -> str:
    """A new link for the recipient; returns the token (the only time it exists in clear)."""
    token = secrets.token_urlsafe(32)
    db.session.add(
        QuestionnaireLink(
            recipient_id=recipient.id, token_hash=hash_token(token), mailing_id=mailing_id
        )
    )
    db.session.flush()
    return token


def find_recipient(token: str) -> QuestionnaireRecipient | None:
    """The recipient a token was given to, if the link works today; else None (a wrong, an
    expired and a closed link are the same to the caller)."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    recipient = db.session.scalar(
        select(QuestionnaireRecipient)
        .join(QuestionnaireLink, QuestionnaireLink.recipient_id == QuestionnaireRecipient.id)
        .where(QuestionnaireLink.token_hash == hash_token(token))
    )
    if recipient is None or not is_open(recipient.questionnaire):
        return None
    return recipient


def is_open(questionnaire) -> bool:
    """Answers are taken: sent, not closed, and the close date not passed."""
    if questionnaire.status is not QuestionnaireStatus.SENT:
        return False
    return questionnaire.closes_on is None or local_today() <= questionnaire.closes_on


def public_prefix() -> str:
    return "/" + str(current_app.config.get("PUBLIC_PREFIX") or "/svar").strip("/")


#: Where a link starts when neither PUBLIC_URL nor a request says.
DEFAULT_BASE = "http://localhost:5000"


def link_base(*, from_request: bool = True) -> str:
    """How every personal link starts: PUBLIC_URL, else this request's host (when there is
    a request and `from_request`), else DEFAULT_BASE; then the public prefix. What a worker
    will write, with no request, is `link_base(from_request=False)`."""
    base = str(current_app.config.get("PUBLIC_URL") or "").rstrip("/")
    if not base and from_request and has_request_context():
        base = request.host_url.rstrip("/")
    return (base or DEFAULT_BASE) + public_prefix()


def public_url(token: str) -> str:
    """The link as written in a message: link_base() + the token."""
    return f"{link_base()}/{token}"
