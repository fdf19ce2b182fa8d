"""The digest setting (a card on Mitt konto) and a line about it on the start page, both
added through sections so auth and dashboard need not import this domain."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.access import readers_may_post
from app.calendar.mail import MailSettings
from app.common.sections import Section, provides
from app.extensions import db

from . import services
from .forms import DigestForm

bp = Blueprint("digest", __name__)


@bp.post("/konto/sammanfattning")
@readers_may_post
def settings():
    form = DigestForm()
    if form.validate_on_submit():
        services.set_digest(current_user, enabled=form.enabled.data, by=current_user)
        db.session.commit()
        if form.enabled.data:
            flash(_("Du får en daglig sammanfattning via e-post."), "success")
        else:
            flash(_("Du får inte längre någon daglig sammanfattning."), "success")
    return redirect(url_for("auth.account"))


@provides("account", order=50)
def digest_card(user) -> Section:
    return Section(
        "digest/_account.html",
        {
            "form": DigestForm(enabled=user.digest_enabled),
            "hour": services.digest_hour(),
            "working_days": services.digest_working_days(),
            "mail_configured": MailSettings.from_config(current_app.config) is not None,
            "history": services.digest_history(user),
        },
    )


@provides("dashboard", order=50)
def digest_note(user) -> Section:
    """A line on the start page: whether the digest is on, and where to set it. The items
    themselves are already there (Mina möten with "i morgon" marked, Mina uppföljningar)."""
    return Section("digest/_dashboard.html", {"enabled": user.digest_enabled})
