"""User accounts and the record of failed logins that throttling reads."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from app.common.db_types import UTCDateTime, enum_column
from app.common.i18n import translated
from app.common.time import utcnow
from app.extensions import db


class Role(enum.StrEnum):
    """What a user may do. Readers look; coordinators work; admins also manage users."""

    ADMIN = "admin"
    COORDINATOR = "coordinator"
    READER = "reader"

    @property
    def label(self) -> str:
        return translated(ROLE_LABELS[self])


ROLE_LABELS = {
    Role.ADMIN: _l("Administratör"),
    Role.COORDINATOR: _l("Samordnare"),
    Role.READER: _l("Läsare"),
}


def new_session_token() -> str:
    """A fresh per-user session token (256 bits)."""
    return secrets.token_urlsafe(32)


def normalise_email(value: str) -> str:
    """The form in which e-mail addresses are stored and compared."""
    return value.strip().lower()


class User(UserMixin, db.Model):
    """A team member who logs in.

    `session_token` is what Flask-Login keeps in the session and remember cookies (its
    "alternative id"). Replacing it ends every session of the user on the server: logout,
    deactivation and password changes do so, and a copied cookie stops working.
    """

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(enum_column(Role, "role"), default=Role.COORDINATOR)
    active: Mapped[bool] = mapped_column(default=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    must_change_password: Mapped[bool] = mapped_column(default=False)
    session_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_session_token)
    locale: Mapped[str] = mapped_column(String(8), default="sv")
    # Wants the daily digest by e-mail (app/digest); off until the user turns it on.
    digest_enabled: Mapped[bool] = mapped_column(default=False)
    # The secret calendar-feed token, stored only as its SHA-256 (see calendar/feeds.py).
    feed_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    feed_token_created_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    # The user's saved list filters (app/savedfilters), loaded with the user in the same
    # statement (see access.load_user), so the lists show them without a statement more.
    saved_filters: Mapped[list[SavedFilter]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )

    # The version counts edits of what admins edit (e-mail, name, role, active), so logging
    # in or changing one's password never turns an admin's open form into a conflict. The
    # ORM still checks it in every UPDATE's WHERE clause; services bump it (see update_user).
    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}

    @validates("email")
    def _normalise_email(self, _key: str, value: str) -> str:
        """E-mail addresses are unique regardless of case: store them lower-cased."""
        return normalise_email(value)

    def get_id(self) -> str:
        return self.session_token

    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return self.active

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    @property
    def can_edit(self) -> bool:
        """True for roles that may change data (everyone but readers)."""
        return self.role is not Role.READER

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role.value}>"


class LoginFailure(db.Model):
    """One failed login: the submitted e-mail (normalised) and the client address.

    Kept in the database, so throttling holds across all gunicorn workers. Rows older than
    the throttle window are deleted as new failures arrive.
    """

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    address: Mapped[str] = mapped_column(String(64))
    failed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    __table_args__ = (
        Index("ix_login_failures_email_failed_at", "email", "failed_at"),
        Index("ix_login_failures_address_failed_at", "address", "failed_at"),
    )


class SavedFilter(db.Model):
    """A list's query string under a name, belonging to one user (gone with the user).

    Kept with the user, whose own thing it is; app/savedfilters saves and shows them.
    `list_key` names the list (the endpoint of its page, see savedfilters.services.LISTS);
    `query_string` is the filter part of the list's query string (no page number).
    """

    __tablename__ = "saved_filters"
    __table_args__ = (UniqueConstraint("user_id", "list_key", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    list_key: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(100))
    query_string: Mapped[str] = mapped_column(String(2000), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
