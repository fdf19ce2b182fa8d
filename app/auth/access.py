"""Who may reach which view. Closed by default.

Every view needs a signed-in, active user unless it is marked `@public`. Readers may look at
everything and change nothing: every request with a state-changing method from a reader is
refused with 403, except for the few views marked `@readers_may_post` (logging out, their own
password and language). A reader cannot open a write form either: a view whose URL also
accepts a write (a create or edit form, GET and POST on one URL) or one marked `@write_form`
(a step of a write that is shown with GET, such as an import's preview) answers 403 to a
reader's GET too, before anything is typed into it. Views for one role use
`@role_required(...)`. Because the rules live in one `before_request` hook, a new route is
protected without anyone remembering to.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import Flask, abort, current_app, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.common.database import SAFE_METHODS
from app.extensions import db, login_manager

from .models import Role, User

View = TypeVar("View", bound=Callable[..., Any])

#: Views a user who must change their password may still reach.
PASSWORD_CHANGE_ENDPOINTS = frozenset({"auth.change_password", "auth.logout", "static"})


def public(view: View) -> View:
    """Mark a view as reachable without signing in."""
    view.public = True  # type: ignore[attr-defined]
    return view


def readers_may_post(view: View) -> View:
    """Mark a view whose writes concern only the reader's own account."""
    view.readers_may_post = True  # type: ignore[attr-defined]
    return view


def write_form(view: View) -> View:
    """Mark a GET-only view that belongs to a write (a step readers never reach)."""
    view.write_form = True  # type: ignore[attr-defined]
    return view


def is_write_form(endpoint: str | None) -> bool:
    """True if readers may not even open this endpoint: its URL takes a write method (a form
    that posts to itself) or it is marked `@write_form`, and it is not one of the reader's
    own-account views (`@readers_may_post`)."""
    if endpoint is None:
        return False
    view = current_app.view_functions.get(endpoint)
    if view is None or getattr(view, "readers_may_post", False):
        return False
    if getattr(view, "write_form", False):
        return True
    return any(
        rule.methods is not None and bool(rule.methods - SAFE_METHODS)
        for rule in current_app.url_map.iter_rules(endpoint)
    )


def role_required(*roles: Role) -> Callable[[View], View]:
    """Let only users with one of `roles` reach the view; others get 403."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


def enforce_access() -> Any:
    """The before_request hook that applies the rules in the module docstring."""
    if request.endpoint is None:
        return None  # 404/405 come next
    view = current_app.view_functions.get(request.endpoint)
    if request.endpoint == "static" or getattr(view, "public", False):
        return None
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if current_user.must_change_password and request.endpoint not in PASSWORD_CHANGE_ENDPOINTS:
        return redirect(url_for("auth.change_password"))
    if (
        not current_user.can_edit
        and not getattr(view, "readers_may_post", False)
        and (request.method not in SAFE_METHODS or is_write_form(request.endpoint))
    ):
        abort(403)
    return None


def is_safe_next(target: str | None) -> bool:
    """True for a same-site path such as `/organisationer?page=2`; never another host."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return False
    if "\\" in target or any(ord(char) < 32 or ord(char) == 127 for char in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def load_user(token: str) -> User | None:
    """Flask-Login's loader: the active user whose current session token this is, with their
    saved filters (a handful of rows, joined: no statement more on the list pages)."""
    return (
        db.session.scalars(
            select(User)
            .options(joinedload(User.saved_filters))
            .where(User.session_token == token, User.active)
        )
        .unique()
        .first()
    )


def redirect_to_login() -> Any:
    """Send an anonymous visitor to the login page, remembering where they were going."""
    target = request.full_path if request.method in SAFE_METHODS else request.path
    target = target.rstrip("?")
    return redirect(url_for("auth.login", next=target if is_safe_next(target) else None))


def configure_login(app: Flask) -> None:
    """Wire Flask-Login to the session token and install the access hook."""
    login_manager.user_loader(load_user)
    login_manager.unauthorized_handler(redirect_to_login)
    login_manager.login_view = "auth.login"
    # The session token already protects against stolen cookies; "strong" protection would
    # log people out whenever their address changes (VPN, mobile).
    login_manager.session_protection = "basic"
    app.before_request(enforce_access)
