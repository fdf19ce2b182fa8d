"""The session warning (WCAG 2.2.1, timing adjustable): the layout tells session.js how long
a session lasts without activity and when to warn; the warning's button extends the session
through `POST /sessionen/forlang`, which re-signs the session cookie like any request."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Flask, current_app, jsonify, request, session
from flask.sessions import SecureCookieSessionInterface

from .access import readers_may_post
from .routes import bp


class ActivitySessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, except that a static file (the favicon, a font, a
    script) does not count as activity: its response does not re-sign the cookie. Otherwise a
    request the browser makes on its own after the page has loaded would move the session's
    end past the moment session.js counted from, and "Logga in igen" would find the session
    still alive."""

    def should_set_cookie(self, app: Flask, session: Any) -> bool:
        if request.endpoint == "static":
            return False
        return super().should_set_cookie(app, session)


def lifetime_seconds() -> int:
    """PERMANENT_SESSION_LIFETIME in seconds (a timedelta, or seconds from the environment)."""
    lifetime = current_app.config["PERMANENT_SESSION_LIFETIME"]
    if isinstance(lifetime, timedelta):
        return int(lifetime.total_seconds())
    return int(lifetime)


def warning_seconds() -> int:
    """How long before the end the warning shows: SESSION_WARNING_SECONDS, at most half the
    lifetime, and never under 20 seconds where the lifetime allows (WCAG 2.2.1)."""
    lifetime = lifetime_seconds()
    wanted = int(current_app.config["SESSION_WARNING_SECONDS"])
    return max(min(wanted, lifetime // 2), min(20, lifetime))


@bp.app_context_processor
def session_timing() -> dict[str, Any]:
    return {"session_lifetime": lifetime_seconds, "session_warning": warning_seconds}


@bp.post("/sessionen/forlang")
@readers_may_post
def extend_session():
    """Start the session's time over (the CSRF token comes in X-CSRFToken)."""
    session.permanent = True
    session.modified = True
    return jsonify(seconds=lifetime_seconds())
