"""The search page behind the header box."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from .services import LIMIT, search_everything

bp = Blueprint("search", __name__)


@bp.get("/sok")
def index():
    query = request.args.get("q", "").strip()[:200]
    return render_template("search/index.html", results=search_everything(query), limit=LIMIT)
