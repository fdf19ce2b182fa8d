"""The start page."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, render_template, request
from flask_login import current_user

from app.aggregates.coverage import coverage
from app.common.sections import sections_for
from app.common.time import local_today
from app.followups.forms import CompleteForm
from app.organisations.models import OrganisationKind
from app.organisations.services import registry_overview

from . import services

bp = Blueprint("dashboard", __name__)

#: ?moten=teamet shows the whole team's week; the default is the user's own.
TEAM = "teamet"


@bp.get("/")
def index():
    today = local_today()
    team = request.args.get("moten") == TEAM
    this_week, next_week = services.this_and_next_week(
        today, user_id=None if team else current_user.id
    )
    return render_template(
        "dashboard/index.html",
        today=today,
        tomorrow=today + timedelta(days=1),
        team=team,
        weeks=(this_week, next_week),
        follow_ups=services.my_follow_ups(current_user.id, today),
        recent=services.recently_logged(),
        coverage=coverage(today),
        overview=registry_overview(),
        kinds=OrganisationKind,
        complete_form=CompleteForm(),
        sections=sections_for("dashboard", current_user),
    )
