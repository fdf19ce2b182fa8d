"""Login, logout, the user's own account page, and user administration."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select

from app.common.exceptions import DomainError, EditConflict
from app.common.forms import redisplays_on_csrf_failure, submitted_version
from app.common.sections import sections_for
from app.extensions import db
from app.security.models import SecurityKind
from app.security.services import UNKNOWN, count_refusal
from app.security.services import record as record_security

from . import services
from .access import is_safe_next, public, readers_may_post, role_required
from .forms import ChangePasswordForm, LanguageForm, LoginForm, UserForm
from .models import Role, User
from .throttle import ThrottlePolicy

bp = Blueprint("auth", __name__)


def client_address() -> str:
    """The client's address (the proxy's X-Forwarded-For when PROXY_COUNT is set)."""
    return request.remote_addr or "unknown"


def _account_email(email: str | None) -> str:
    """The e-mail for the security log: an account's, else "okänd" (never what was typed)."""
    user = services.find_user_by_email(email or "")
    return user.email if user is not None else UNKNOWN


@bp.route("/logga-in", methods=["GET", "POST"])
@public
def login():
    target = request.args.get("next")
    target = target if is_safe_next(target) else None
    if current_user.is_authenticated:
        return redirect(target or url_for("dashboard.index"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = services.authenticate(
                email=form.email.data,
                password=form.password.data,
                address=client_address(),
                policy=ThrottlePolicy.from_config(current_app.config),
            )
        except services.LoginThrottled as throttled:
            count_refusal(
                SecurityKind.LOGIN_THROTTLED,
                address=client_address(),
                email=_account_email(form.email.data),
            )
            db.session.commit()
            minutes = max(1, -(-int(throttled.retry_after.total_seconds()) // 60))
            flash(
                ngettext(
                    "För många misslyckade inloggningar. Vänta %(num)d minut och försök igen.",
                    "För många misslyckade inloggningar. Vänta %(num)d minuter och försök igen.",
                    minutes,
                ),
                "error",
            )
            status = 429
        else:
            if user is not None:
                record_security(SecurityKind.LOGIN, user=user, address=client_address())
            else:
                count_refusal(
                    SecurityKind.LOGIN_FAILED,
                    address=client_address(),
                    email=_account_email(form.email.data),
                )
            db.session.commit()
            if user is not None:
                # A permanent session expires PERMANENT_SESSION_LIFETIME after the last
                # request (Flask re-signs it on each one), not at a fixed time after login.
                session.permanent = True
                session.pop("csrf_token", None)  # a fresh CSRF secret for the new session
                login_user(user, remember=form.remember.data)
                return redirect(target or url_for("dashboard.index"))
            flash(_("Fel e-postadress eller lösenord."), "error")
            status = 401
    return render_template("auth/login.html", form=form), status


@bp.post("/logga-ut")
@readers_may_post
def logout():
    record_security(SecurityKind.LOGOUT, user=current_user, address=client_address())
    services.end_sessions(current_user)
    db.session.commit()
    logout_user()
    session.pop("csrf_token", None)
    flash(_("Du är utloggad."), "info")
    return redirect(url_for("auth.login"))


@bp.get("/konto")
def account():
    return render_template(
        "auth/account.html",
        password_form=ChangePasswordForm(),
        language_form=LanguageForm(locale=current_user.locale),
        sections=sections_for("account", current_user),
    )


@bp.route("/konto/losenord", methods=["GET", "POST"])
@readers_may_post
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_own_password(
                current_user, current=form.current_password.data, new=form.new_password.data
            )
        except services.WrongPassword as error:
            form.current_password.errors.append(str(error))
        else:
            db.session.commit()
            # The old token is gone: sign this browser in again under the new one, keeping
            # "remember me" if this browser had it.
            remembered = current_app.config["REMEMBER_COOKIE_NAME"] in request.cookies
            login_user(current_user._get_current_object(), remember=remembered)
            flash(_("Ditt lösenord är bytt. Du har loggats ut på alla andra enheter."), "success")
            return redirect(url_for("auth.account"))
    return render_template("auth/change_password.html", form=form)


@bp.post("/konto/sprak")
@readers_may_post
def change_language():
    form = LanguageForm()
    if form.validate_on_submit():
        services.set_locale(current_user, form.locale.data)
        db.session.commit()
    return redirect(url_for("auth.account"))


@bp.get("/admin/anvandare")
@role_required(Role.ADMIN)
def index():
    users = db.session.scalars(select(User).order_by(User.active.desc(), User.name)).all()
    return render_template("auth/index.html", users=users)


@bp.route("/admin/anvandare/ny", methods=["GET", "POST"])
@redisplays_on_csrf_failure
@role_required(Role.ADMIN)
def create():
    form = UserForm()
    if form.validate_on_submit():
        password = services.generate_password()
        try:
            user = services.create_user(
                email=form.email.data,
                name=form.name.data,
                role=form.role.data,
                password=password,
                must_change_password=True,
                by=current_user,
            )
        except services.DuplicateEmail as error:
            form.email.errors.append(str(error))
        else:
            db.session.commit()
            return render_template("auth/password_shown.html", user=user, password=password)
    return render_template("auth/form.html", form=form, user=None)


@bp.route("/admin/anvandare/<int:user_id>", methods=["GET", "POST"])
@redisplays_on_csrf_failure
@role_required(Role.ADMIN)
def edit(user_id: int):
    user = db.get_or_404(User, user_id)
    form = UserForm(obj=user if request.method == "GET" else None)
    conflict = None
    if form.validate_on_submit():
        try:
            services.update_user(
                user,
                email=form.email.data,
                name=form.name.data,
                role=form.role.data,
                active=form.active.data,
                expected_version=submitted_version(form.version),
                by=current_user,
            )
        except EditConflict as error:
            conflict = error.current
            form.version.data = conflict.version
        except services.DuplicateEmail as error:
            form.email.errors.append(str(error))
        except DomainError as error:
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(_("Användaren %(name)s är sparad.", name=user.name), "success")
            return redirect(url_for("auth.index"))
    elif request.method == "GET":
        form.version.data = user.version
    return render_template("auth/form.html", form=form, user=user, conflict=conflict), (
        409 if conflict else 200
    )


@bp.post("/admin/anvandare/<int:user_id>/aterstall-losenord")
@role_required(Role.ADMIN)
def reset_password(user_id: int):
    user = db.get_or_404(User, user_id)
    if user.id == current_user.id:
        abort(400)
    password = services.reset_password(user, by=current_user)
    db.session.commit()
    return render_template("auth/password_shown.html", user=user, password=password)
