"""Error pages in the user's language: 400, 403, 404, 405, 409, 429, 500.

A 500 rolls the session back so a half-done change is never committed by a later request.
"""

from __future__ import annotations

from flask import (
    Flask,
    Response,
    flash,
    make_response,
    render_template,
    request,
    session,
)
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from app.extensions import db

MESSAGES = {
    400: (_l("Felaktig begäran"), _l("Begäran kunde inte behandlas.")),
    403: (_l("Åtkomst nekad"), _l("Du har inte behörighet att göra det här.")),
    404: (_l("Sidan finns inte"), _l("Sidan du söker finns inte, eller så har den flyttats.")),
    405: (_l("Metoden är inte tillåten"), _l("Sidan kan inte nås på det sättet.")),
    413: (
        _l("Filen är för stor"),
        _l("Det du skickade är större än vad Samverkan tar emot. Försök med en mindre fil."),
    ),
    409: (
        _l("Krock mellan ändringar"),
        _l("Någon annan har ändrat uppgifterna samtidigt som du. Ladda om sidan och försök igen."),
    ),
    429: (_l("För många försök"), _l("Vänta en stund och försök igen.")),
    500: (
        _l("Något gick fel"),
        _l("Ett oväntat fel inträffade. Ingenting sparades. Försök igen om en stund."),
    ),
}
CSRF_RESUBMIT_MESSAGE = _l(
    "Formuläret hade gått ut, så inget sparades. Det du skrev finns kvar: kontrollera och "
    "spara igen."
)
CSRF_MESSAGE = _l(
    "Formuläret hade gått ut eller saknade sin säkerhetskod. Gå tillbaka, ladda om sidan och "
    "skicka igen."
)


def render_error(code: int, message: str | None = None):
    """The error page for `code`, with the standard or a specific message.

    If the page itself cannot be rendered (an untrusted Host header leaves no URL adapter,
    an unreachable database breaks the layout), a plain-text page says the same.
    """
    title, default_message = MESSAGES.get(code, MESSAGES[500])
    try:
        page = render_template(
            "errors/error.html", code=code, title=title, message=message or default_message
        )
    except Exception:
        db.session.rollback()
        return Response(f"{title}\n\n{message or default_message}\n", code, mimetype="text/plain")
    return page, code


def withdraw_flash(message: str) -> None:
    """Take back a message flashed in this request that no page showed."""
    flashes = session.get("_flashes") or []
    remaining = [entry for entry in flashes if entry[1] != message]
    if len(remaining) != len(flashes):
        session["_flashes"] = remaining


def log_refusal(kind_name: str) -> None:
    """Count a refusal (403, CSRF failure) in the security log, in a transaction of its own
    after the request's work is rolled back; a failure to log never turns the refusal into
    a 500."""
    from flask_login import current_user

    from app.security.models import SecurityKind
    from app.security.services import count_refusal_apart

    try:
        # Read before the request's transaction ends (the user is usually loaded already).
        user_id = current_user.id if current_user.is_authenticated else None
    except Exception:  # the refusal still goes out, without the user
        db.session.rollback()
        user_id = None
    count_refusal_apart(
        SecurityKind(kind_name),
        address=request.remote_addr or "unknown",
        user_id=user_id,
        subject=f"{request.method} {request.path}",
    )


def register_error_handlers(app: Flask) -> None:
    """Install the handlers."""

    @app.errorhandler(CSRFError)
    def csrf_error(_error: CSRFError):
        log_refusal("csrf_failed")
        view = app.view_functions.get(request.endpoint or "")
        if view is not None and getattr(view, "redisplays_on_csrf_failure", False):
            from app.auth.access import enforce_access

            refused = enforce_access()  # the login and role checks, as for any request
            if refused is not None:
                return refused
            # The view validates its own form, whose CSRF check fails the same way, so it
            # changes nothing and shows the form again with the user's text.
            flash(str(CSRF_RESUBMIT_MESSAGE), "error")
            try:
                page = view(**(request.view_args or {}))
            except HTTPException as error:
                # The view refused before showing its form (no such record, the wrong kind,
                # not allowed): that answer stands, not a 500 from an escaped abort().
                db.session.rollback()
                withdraw_flash(str(CSRF_RESUBMIT_MESSAGE))
                return http_error(error)
            response = make_response(page)
            response.status_code = 400
            return response
        return render_error(400, str(CSRF_MESSAGE))

    @app.errorhandler(StaleDataError)
    def stale_data(_error: StaleDataError):
        db.session.rollback()
        return render_error(409)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code == 403:
            log_refusal("forbidden")
        if error.code in MESSAGES:
            return render_error(error.code)
        return error

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        db.session.rollback()
        propagate = app.config["PROPAGATE_EXCEPTIONS"]
        if propagate is None:
            propagate = app.testing or app.debug
        if propagate:
            raise error
        app.logger.exception("Unhandled error: %s", error)
        return render_error(500)
