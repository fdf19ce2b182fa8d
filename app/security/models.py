"""SecurityEvent: one security-relevant event, or a minute's count of repeated refusals."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.common.time import utcnow
from app.extensions import Base


class SecurityKind(enum.StrEnum):
    LOGIN = "login"
    LOGIN_FAILED = "login_failed"
    LOGIN_THROTTLED = "login_throttled"
    LOGOUT = "logout"
    FORBIDDEN = "forbidden"
    CSRF_FAILED = "csrf_failed"
    EXPORT = "export"
    REGISTER_EXTRACT = "register_extract"
    USER_CREATED = "user_created"
    USER_CHANGED = "user_changed"
    PASSWORD_RESET = "password_reset"
    PASSWORD_CHANGED = "password_changed"
    FEED_LINK_CREATED = "feed_link_created"
    FEED_LINK_REVOKED = "feed_link_revoked"
    FEED_TOKEN_REFUSED = "feed_token_refused"
    FEED_THROTTLED = "feed_throttled"
    ERASURE = "erasure"
    QUESTIONNAIRE_TOKEN_REFUSED = "questionnaire_token_refused"
    QUESTIONNAIRE_THROTTLED = "questionnaire_throttled"


KIND_LABELS = {
    SecurityKind.LOGIN: _l("Inloggning"),
    SecurityKind.LOGIN_FAILED: _l("Misslyckad inloggning"),
    SecurityKind.LOGIN_THROTTLED: _l("Inloggning spärrad (för många försök)"),
    SecurityKind.LOGOUT: _l("Utloggning"),
    SecurityKind.FORBIDDEN: _l("Nekad åtkomst (403)"),
    SecurityKind.CSRF_FAILED: _l("Ogiltig säkerhetskod i formulär (CSRF)"),
    SecurityKind.EXPORT: _l("Export"),
    SecurityKind.REGISTER_EXTRACT: _l("Registerutdrag"),
    SecurityKind.USER_CREATED: _l("Användare skapad"),
    SecurityKind.USER_CHANGED: _l("Användare ändrad"),
    SecurityKind.PASSWORD_RESET: _l("Lösenord återställt"),
    SecurityKind.PASSWORD_CHANGED: _l("Lösenord bytt"),
    SecurityKind.FEED_LINK_CREATED: _l("Kalenderlänk skapad"),
    SecurityKind.FEED_LINK_REVOKED: _l("Kalenderlänk borttagen"),
    SecurityKind.FEED_TOKEN_REFUSED: _l("Ogiltig kalenderlänk"),
    SecurityKind.FEED_THROTTLED: _l("Kalenderlänk spärrad (för många försök)"),
    SecurityKind.ERASURE: _l("Radering (anonymisering)"),
    SecurityKind.QUESTIONNAIRE_TOKEN_REFUSED: _l("Ogiltig enkätlänk"),
    SecurityKind.QUESTIONNAIRE_THROTTLED: _l("Enkätlänkar spärrade (för många försök)"),
}


class SecurityEvent(Base):
    __tablename__ = "security_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    occurred_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, index=True
    )
    #: The latest of the counted occurrences (for a minute's row of refusals).
    last_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    count: Mapped[int] = mapped_column(Integer, default=1)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    #: A failed login's e-mail if it is an account's, else "okänd"; never what was typed.
    email: Mapped[str | None] = mapped_column(String(254))
    address: Mapped[str | None] = mapped_column(String(64))
    #: What the event concerns: an endpoint, a path (tokens masked), a user's name.
    subject: Mapped[str | None] = mapped_column(String(300))
    #: The filter of an export, the changed fields of a user.
    detail: Mapped[str | None] = mapped_column(String(2000))
    rows: Mapped[int | None] = mapped_column(Integer)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: kind|address|user|minute for counted refusals: the key of the per-minute upsert.
    bucket: Mapped[str | None] = mapped_column(String(400), unique=True)

    user = relationship("User", lazy="raise")

    @property
    def label(self) -> str:
        return str(KIND_LABELS.get(SecurityKind(self.kind), self.kind))
