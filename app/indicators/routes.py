"""Indicator pages: the list (with the latest removals), one indicator (its years, imports
and history), removing one after a confirmation page that says what goes with it. The
import's steps are in import_routes.py, the map and the ranking in priority_routes.py."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import ngettext
from flask_login import current_user

from app.common.formatting import current_locale
from app.extensions import db

from . import history as _history  # noqa: F401 (registers how the history shows indicators)
from . import queries, services
from .classes import format_figure
from .forms import DeleteForm
from .models import Indicator

bp = Blueprint("indicators", __name__, url_prefix="/indikatorer")


@bp.app_template_filter("figure")
def figure_filter(value: float | str | None) -> str:
    """An indicator's figure in the page's language ("12 345,6")."""
    return format_figure(value, current_locale())


@bp.get("")
def index():
    return render_template(
        "indicators/index.html",
        summaries=queries.indicator_summaries(),
        imports=queries.recent_imports(limit=10),
        removed=queries.removed_indicators(),
    )


@bp.get("/<int:indicator_id>")
def detail(indicator_id: int):
    indicator = db.get_or_404(Indicator, indicator_id)
    summary = next(s for s in queries.indicator_summaries() if s.indicator.id == indicator.id)
    return render_template(
        "indicators/detail.html",
        indicator=indicator,
        summary=summary,
        imports=queries.recent_imports(indicator.id),
        events=queries.indicator_history(indicator),
    )


@bp.route("/<int:indicator_id>/ta-bort", methods=["GET", "POST"])
def delete(indicator_id: int):
    indicator = db.get_or_404(Indicator, indicator_id)
    form = DeleteForm()
    if form.validate_on_submit():
        name = indicator.name
        removal = services.delete_indicator(indicator, by=current_user)
        db.session.commit()
        flash(
            ngettext(
                "Indikatorn %(name)s och dess %(num)d värde är borttagna.",
                "Indikatorn %(name)s och dess %(num)d värden är borttagna.",
                removal.figures,
                name=name,
            ),
            "success",
        )
        return redirect(url_for(".index"))
    return render_template(
        "indicators/delete.html",
        indicator=indicator,
        removal=queries.removal_of(indicator.id),
        form=form,
    )
