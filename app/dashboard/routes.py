"""The start page."""

from __future__ import annotations

from flask import Blueprint, render_template

from app.organisations.models import OrganisationKind
from app.organisations.services import registry_overview

bp = Blueprint("dashboard", __name__)


@bp.get("/")
def index():
    return render_template(
        "dashboard/index.html", overview=registry_overview(), kinds=OrganisationKind
    )
