"""Accounts: authenticate, create and edit users, passwords and sessions.

Plain functions: the acting user is passed in, nothing is committed here (the view or CLI
command commits), and a broken rule raises an exception from this module.
"""

from __future__ import annotations

import functools
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from app.common import validation
from app.common.exceptions import DomainError, EditConflict
from app.common.time import utcnow
from app.extensions import db
from app.security.models import SecurityKind
from app.security.services import record as record_security

from .models import Role, User, new_session_token, normalise_email
from .throttle import (
    ThrottlePolicy,
    clear_failures,
    lock_attempts,
    record_failure,
    retry_after,
)


class DuplicateEmail(DomainError):
    """Another user already has this e-mail address."""


class LastAdmin(DomainError):
    """The change would leave no active administrator."""


class WrongPassword(DomainError):
    """The current password given was not the user's."""


@dataclass
class LoginThrottled(DomainError):
    """Too many failures: the attempt was not checked."""

    retry_after: timedelta

    def __str__(self) -> str:
        return f"retry after {self.retry_after}"


def assignable_users() -> list[User]:
    """The users work can be given to (a follow-up's owner, a meeting's responsible person
    and team): active and allowed to edit. Readers only look, so they are never offered."""
    return list(
        db.session.scalars(
            select(User).where(User.active, User.role != Role.READER).order_by(User.name)
        )
    )


def assignable_user(user_id: int) -> User | None:
    """The user with this id if work can be given to them (see `assignable_users`), else None."""
    user = db.session.get(User, user_id)
    return user if user is not None and user.active and user.can_edit else None


@functools.cache
def dummy_hash(method: str) -> str:
    """Checked when no account matches, so an unknown e-mail costs as much as a wrong
    password (made with the configured method, so the cost is the same)."""
    return generate_password_hash("not-a-real-password", method=method)


def hash_password(password: str) -> str:
    """Hash with PASSWORD_HASH_METHOD: scrypt with Werkzeug's parameters (N=2^15, r=8, p=1)
    unless configured otherwise (the test suite uses a cheaper cost)."""
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def generate_password() -> str:
    """A random password for a new or reset account, to be shown once (about 96 bits)."""
    return secrets.token_urlsafe(12)


def email_problem(email: str) -> str | None:
    """Why `email` is not a usable address, in the user's language, or None if it is."""
    message = _("Ange en giltig e-postadress, till exempel namn@kommun.se.")
    try:
        address = validation.normalise_email(email, message=message)
    except validation.InvalidValue:
        return message
    return message if len(address) > 254 else None


def find_user_by_email(email: str) -> User | None:
    """The user with this e-mail address, whatever its case."""
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def authenticate(
    *, email: str, password: str, address: str, policy: ThrottlePolicy, now: datetime | None = None
) -> User | None:
    """Return the active user with these credentials, or None; raise LoginThrottled.

    Every failure looks the same to the caller: unknown e-mail, wrong password and an
    inactive account all return None after the same amount of hashing work.
    """
    now = now or utcnow()
    email = normalise_email(email)
    lock_attempts(email, address)
    wait = retry_after(policy, email=email, address=address, now=now)
    if wait > timedelta(0):
        raise LoginThrottled(retry_after=wait)
    user = find_user_by_email(email)
    fallback = dummy_hash(current_app.config["PASSWORD_HASH_METHOD"])
    valid = check_password_hash(user.password_hash if user else fallback, password)
    if user is None or not valid or not user.active:
        record_failure(policy, email=email, address=address, now=now)
        return None
    clear_failures(email)
    user.last_login_at = now
    return user


def _ensure_email_free(email: str, *, except_user: User | None = None) -> None:
    existing = find_user_by_email(email)
    if existing is not None and existing is not except_user:
        raise DuplicateEmail(_("Det finns redan en användare med den e-postadressen."))


def create_user(
    *,
    email: str,
    name: str,
    role: Role,
    password: str,
    must_change_password: bool = False,
    by: User | None,
) -> User:
    """Add an account. `by` is the admin creating it (None from the command line)."""
    _ensure_email_free(email)
    user = User(
        email=email,
        name=name.strip(),
        role=role,
        password_hash=hash_password(password),
        must_change_password=must_change_password,
    )
    db.session.add(user)
    db.session.flush()
    record_security(
        SecurityKind.USER_CREATED,
        user=by,
        subject=f"{user.name} <{user.email}>",
        detail=f"role={Role(role).value}",
    )
    return user


def _active_admin_count(*, lock: bool = False) -> int:
    """How many active admins there are. With `lock`, their rows stay locked until commit
    (PostgreSQL), so two admins demoting each other at once cannot leave none."""
    query = select(User.id).where(User.role == Role.ADMIN, User.active)
    if lock:
        query = query.with_for_update()
    return len(db.session.scalars(query).all())


def update_user(
    user: User,
    *,
    email: str,
    name: str,
    role: Role,
    active: bool,
    expected_version: int,
    by: User,
) -> User:
    """Change an account as an admin. Raises EditConflict if someone saved it in between.

    Deactivating ends the user's sessions and revokes their calendar feed links for good
    (reactivating does not bring an old link back). The last active admin cannot be demoted or
    deactivated, so the system always has someone who can manage users.
    """
    if user.version != expected_version:
        raise EditConflict(current=user)
    _ensure_email_free(email, except_user=user)
    losing_admin = user.is_admin and user.active and (role is not Role.ADMIN or not active)
    if losing_admin and _active_admin_count(lock=True) <= 1:
        raise LastAdmin(_("Det måste finnas minst en aktiv administratör."))
    if user.active and not active:
        end_sessions(user)
        revoke_feed_links(user)
    changes = [
        f"{field}: {before} → {after}"
        for field, before, after in (
            ("email", user.email, normalise_email(email)),
            ("name", user.name, name.strip()),
            ("role", Role(user.role).value, Role(role).value),
            ("active", user.active, active),
        )
        if before != after
    ]
    if changes:
        record_security(
            SecurityKind.USER_CHANGED,
            user=by,
            subject=f"{user.name} <{user.email}>",
            detail="; ".join(changes),
        )
    user.email = email
    user.name = name.strip()
    user.role = role
    user.active = active
    user.version += 1
    db.session.flush()
    return user


def set_password(user: User, password: str, *, must_change: bool = False) -> None:
    """Give the user a new password and end all their sessions."""
    user.password_hash = hash_password(password)
    user.must_change_password = must_change
    end_sessions(user)


def reset_password(user: User, *, by: User) -> str:
    """Set a generated password the user must change at next login; return it to show once."""
    password = generate_password()
    set_password(user, password, must_change=True)
    record_security(SecurityKind.PASSWORD_RESET, user=by, subject=f"{user.name} <{user.email}>")
    return password


def change_own_password(user: User, *, current: str, new: str) -> None:
    """Change one's own password, proving knowledge of the current one."""
    if not check_password_hash(user.password_hash, current):
        raise WrongPassword(_("Det nuvarande lösenordet stämmer inte."))
    set_password(user, new)
    record_security(SecurityKind.PASSWORD_CHANGED, user=user, subject=user.name)


def set_locale(user: User, locale: str) -> None:
    """Remember the user's language."""
    user.locale = locale


def revoke_feed_links(user: User) -> None:
    """Forget the secret of the user's calendar feeds (only its hash is stored): every link
    made with it stops working, and only a new link (calendar.services) opens a feed again."""
    user.feed_token_hash = None
    user.feed_token_created_at = None


def end_sessions(user: User) -> None:
    """End every session of the user, on every device, by replacing the session token."""
    user.session_token = new_session_token()


def ensure_admin(*, email: str, name: str) -> tuple[User, str] | None:
    """Create an admin with a generated password if there is no active admin.

    Returns the new user and the password (to be printed once), or None if an active admin
    already existed. Like every account an admin creates or resets, the printed password must
    be changed at first login: it has been on a terminal and perhaps in a log.
    """
    if _active_admin_count() > 0:
        return None
    password = generate_password()
    existing = find_user_by_email(email)
    if existing is not None:
        existing.role, existing.active = Role.ADMIN, True
        set_password(existing, password, must_change=True)
        return existing, password
    return create_user(
        email=email,
        name=name,
        role=Role.ADMIN,
        password=password,
        must_change_password=True,
        by=None,
    ), password
