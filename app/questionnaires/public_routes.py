"""The respondent's side: public pages outside the login, under PUBLIC_PREFIX (default /svar).

/<token> is the form (save a draft, submit), /<token>/kvitto the receipt, /integritet the
privacy notice, /tillganglighet the accessibility statement. A wrong, an expired and a
closed link — and any other address under the prefix — get one and the same page with
status 404, so nothing tells them apart.

Guessing is throttled per client address with the calendar feeds' mechanism: each refused
token is counted in the security log (one row per address and minute, by an upsert, in the
database — so the count holds across every gunicorn worker with no table of its own), and
once an address has PUBLIC_THROTTLE_LIMIT refusals within PUBLIC_THROTTLE_WINDOW every
token page answers 429 until the window has passed. The token is never written to a log:
the security log gets the prefix and *** instead.

The form's CSRF token is checked here rather than by the app-wide hook, so that a form left
open for too long is shown again with what the respondent wrote (and a Swedish explanation)
instead of the team's error page.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError, validate_csrf
from wtforms.validators import ValidationError

from app.auth.access import public
from app.common.time import utcnow
from app.extensions import csrf, db
from app.security.models import SecurityKind
from app.security.services import count_refusal_apart, own_transaction, refusals_since

from . import answering, links
from .models import QuestionnaireRecipient, ResponseStatus

bp = Blueprint("questionnaire_public", __name__)

LANGUAGE_KEY = "questionnaire_language"

SAVED = _l("Dina svar är sparade som utkast. Du och dina kollegor kan fortsätta senare via länken.")
ALREADY_SUBMITTED = _l("Svaren från er organisation är redan inskickade. Här är kvittot.")
CONFLICT = _l(
    "En kollega i er organisation sparade svaren efter att du öppnade sidan, så dina ändringar "
    "sparades inte. Det du skrev finns kvar nedan. Spara igen för att ersätta kollegans svar, "
    "eller ladda om sidan för att se dem."
)
STALE_FORM = _l(
    "Sidan hade varit öppen för länge, så svaren sparades inte. Det du skrev finns kvar "
    "nedan: kontrollera och tryck på knappen igen."
)


@bp.after_request
def private_headers(response: Response) -> Response:
    """No referrer leaves a page whose address holds a token, and nothing is kept in a cache."""
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.errorhandler(413)
def too_large(_error: Exception):
    """More than a request may carry (MAX_CONTENT_LENGTH): a page of our own, nothing saved."""
    db.session.rollback()
    return page("questionnaire_public/too_large.html", 413)


def language() -> str:
    """sv or en: chosen with ?lang=, remembered in the session."""
    chosen = request.args.get("lang")
    if chosen in ("sv", "en"):
        session[LANGUAGE_KEY] = chosen
        return chosen
    remembered = session.get(LANGUAGE_KEY)
    return remembered if remembered in ("sv", "en") else "sv"


def page(template: str, status: int = 200, **context: Any) -> tuple[str, int]:
    """Render a public page in the respondent's language."""
    lang = language()
    with force_locale(lang):
        return render_template(template, lang=lang, **context), status


def client_address() -> str:
    return request.remote_addr or "unknown"


def masked_path() -> str:
    return f"{links.public_prefix()}/***"


def throttle_settings() -> tuple[int, timedelta]:
    limit = int(current_app.config["PUBLIC_THROTTLE_LIMIT"])
    window = current_app.config["PUBLIC_THROTTLE_WINDOW"]
    if not isinstance(window, timedelta):
        window = timedelta(seconds=int(window))
    return limit, window


def is_throttled() -> bool:
    limit, window = throttle_settings()
    refused = refusals_since(
        SecurityKind.QUESTIONNAIRE_TOKEN_REFUSED, address=client_address(), since=utcnow() - window
    )
    return refused >= limit


def refusal() -> tuple[str, int]:
    """The one page for every link that does not work (counted against the address)."""
    count_refusal_apart(
        SecurityKind.QUESTIONNAIRE_TOKEN_REFUSED, address=client_address(), subject=masked_path()
    )
    return page("questionnaire_public/invalid.html", 404)


def limited() -> tuple[str, int]:
    count_refusal_apart(
        SecurityKind.QUESTIONNAIRE_THROTTLED, address=client_address(), subject=masked_path()
    )
    _limit, window = throttle_settings()
    minutes = max(1, int(window.total_seconds()) // 60)
    return page("questionnaire_public/limited.html", 429, minutes=minutes)


def open_link(token: str) -> QuestionnaireRecipient | tuple[str, int]:
    """The link's recipient, or the page to answer with (429 or the invalid page)."""
    if is_throttled():
        return limited()
    recipient = links.find_recipient(token)
    if recipient is None:
        return refusal()
    return recipient


def posted_values(state: answering.FormState) -> dict[int, list[str]]:
    """What the respondent sent, per question, to show again (cut where no answer could
    be that long, so a huge post is not sent back whole)."""
    cut = answering.LONG_TEXT_LIMIT + 100
    return {
        q.id: [value[:cut] for value in request.form.getlist(answering.field_name(q))[:100]]
        for q in state.questions
    }


def posted_version() -> int:
    text = request.form.get("version", "")
    return int(text) if text.isdigit() and len(text) < 12 else -1


def csrf_is_valid() -> bool:
    if not current_app.config.get("WTF_CSRF_ENABLED", True):
        return True
    try:
        validate_csrf(request.form.get("csrf_token"))
    except (ValidationError, CSRFError):
        return False
    return True


def show_form(
    token: str, state: answering.FormState, *, status: int = 200, message: Any = None
) -> tuple[str, int]:
    return page(
        "questionnaire_public/form.html",
        status,
        state=state,
        token=token,
        preview=False,
        message=message,
        answering=answering,
    )


@bp.route("/<token>", methods=["GET", "POST"])
@public
@csrf.exempt
def form(token: str):
    """The questionnaire for the link's organisation: shown, saved as a draft, submitted."""
    opened = open_link(token)
    if not isinstance(opened, QuestionnaireRecipient):
        return opened
    recipient = opened
    state = answering.form_state(recipient)
    if state.submitted:
        if request.method == "POST":  # a second submit, a replay: nothing changes
            flash(str(ALREADY_SUBMITTED), "info")
        return redirect(url_for(".receipt", token=token))
    if request.method == "GET":
        with own_transaction() as own:
            answering.record_link_use(token, session=own)
        return show_form(token, state)
    state.values = posted_values(state)
    state.name = request.form.get("respondent_name", "")[: answering.NAME_LIMIT + 100]
    state.email = request.form.get("respondent_email", "")[: answering.EMAIL_LIMIT + 100]
    if not csrf_is_valid():
        return show_form(token, state, status=400, message=STALE_FORM)
    submitting = request.form.get("action") == "submit"
    service = answering.submit if submitting else answering.save_draft
    try:
        service(
            recipient,
            posted=request.form.to_dict(flat=False),
            name=state.name,
            email=state.email,
            version=posted_version(),
            language=language(),
        )
    except answering.ValidationFailed as failed:
        db.session.rollback()
        state.errors = failed.errors
        return show_form(token, state)
    except answering.ResponseConflict:
        db.session.rollback()
        current = answering.find_response(recipient.questionnaire_id, recipient.organisation_id)
        if current is not None and current.status is ResponseStatus.SUBMITTED:
            flash(str(ALREADY_SUBMITTED), "info")
            return redirect(url_for(".receipt", token=token))
        state.version = current.version if current is not None else 0
        return show_form(token, state, status=409, message=CONFLICT)
    except answering.AlreadySubmitted:
        db.session.rollback()
        flash(str(ALREADY_SUBMITTED), "info")
        return redirect(url_for(".receipt", token=token))
    answering.record_link_use(token)
    db.session.commit()
    if submitting:
        return redirect(url_for(".receipt", token=token))
    flash(str(SAVED), "success")
    return redirect(url_for(".form", token=token))


@bp.get("/<token>/kvitto")
@public
def receipt(token: str):
    """The submitted answers, to keep or print."""
    opened = open_link(token)
    if not isinstance(opened, QuestionnaireRecipient):
        return opened
    state = answering.form_state(opened)
    if not state.submitted:
        return redirect(url_for(".form", token=token))
    lang = language()
    return page(
        "questionnaire_public/receipt.html",
        state=state,
        token=token,
        rows=answering.receipt_rows(state, lang),
        organisation=opened.organisation,
        answering=answering,
    )


@bp.get("/integritet")
@public
def privacy():
    """Who asks, why, what is kept, for how long, and the respondent's rights."""
    return page("questionnaire_public/privacy.html", contact=contact_address())


@bp.get("/tillganglighet")
@public
def accessibility():
    """The accessibility statement (lag (2018:1937) om tillgänglighet till digital offentlig
    service)."""
    return page("questionnaire_public/accessibility.html", contact=contact_address())


@bp.route("/", methods=["GET", "POST"], defaults={"rest": ""})
@bp.route("/<path:rest>", methods=["GET", "POST"])
@public
@csrf.exempt
def elsewhere(rest: str):
    """Any other address under the prefix: the same page as a wrong link."""
    if is_throttled():
        return limited()
    return refusal()


def contact_address() -> str:
    """Where respondents write: PUBLIC_CONTACT_EMAIL, else the mailings' sender."""
    return str(
        current_app.config.get("PUBLIC_CONTACT_EMAIL")
        or current_app.config.get("MAIL_DEFAULT_SENDER")
        or ""
    )
