"""The search page behind the header box."""

from __future__ import annotations

from flask import Blueprint, render_template

from app.common.arguments import query_text

from .services import LIMIT, search_everything

bp = Blueprint("search", __name__)


@bp.get("/sok")
def index():
    query = query_text("q")
    return render_template("search/index.html", results=search_everything(query), limit=LIMIT)
