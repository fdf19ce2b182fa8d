"""The page where a coordinator sees the changes found on the CalDAV server and confirms or
rejects each one."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.common.exceptions import DomainError, EditConflict
from app.extensions import db

from . import services
from .models import CaldavProposal

bp = Blueprint("caldav", __name__, url_prefix="/kalender/caldav")


@bp.get("")
def index():
    return render_template(
        "caldav/index.html",
        enabled=bool(current_app.config.get("CALDAV_URL")),
        proposals=services.open_proposals(),
        decided=services.recent_decisions(),
    )


def _decide(proposal_id: int, decide, done: str):
    proposal = db.session.get(CaldavProposal, proposal_id) or abort(404)
    try:
        decide(proposal, by=current_user)
    except EditConflict:
        db.session.rollback()
        flash(_("Mötet ändrades samtidigt av någon annan. Försök igen."), "error")
    except DomainError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(done, "success")
    return redirect(url_for(".index"))


@bp.post("/<int:proposal_id>/bekrafta")
def confirm(proposal_id: int):
    return _decide(proposal_id, services.confirm_proposal, _("Ändringen är införd i mötet."))


@bp.post("/<int:proposal_id>/avvisa")
def reject(proposal_id: int):
    return _decide(
        proposal_id,
        services.reject_proposal,
        _("Förslaget är avvisat; nästa synkronisering skriver tillbaka mötet som det är."),
    )
