"""Save a list's filter, open it again, remove it. Each user reaches only their own."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.access import readers_may_post
from app.auth.models import SavedFilter
from app.extensions import db

from . import services
from .forms import SaveFilterForm

bp = Blueprint("saved_filters", __name__, url_prefix="/sparade-filter")


def list_url(list_key: str, query: str = "") -> str:
    """The list's address with the filter's query string."""
    url = url_for(list_key)
    return f"{url}?{query}" if query else url


@bp.app_template_global()
def saved_filters_for(list_key: str) -> list[SavedFilter]:
    """The signed-in user's saved filters for a list (the list pages show them)."""
    return services.saved_filters(user=current_user, list_key=list_key)


@bp.app_template_global()
def save_filter_form(list_key: str, query_string: bytes | str) -> SaveFilterForm:
    """The form saving the list's current filter."""
    if isinstance(query_string, bytes):
        query_string = query_string.decode("utf-8", "replace")
    form = SaveFilterForm(formdata=None)
    form.list_key.data = list_key
    form.filter_query.data = services.filter_query(query_string)
    return form


@bp.post("")
@readers_may_post  # a saved filter is the user's own, like their language
def create():
    form = SaveFilterForm()
    list_key = form.list_key.data or ""
    if list_key not in services.LISTS:
        flash(_("Den listan har inga filter att spara."), "error")
        return redirect(url_for("dashboard.index"))
    back = list_url(list_key, services.filter_query(form.filter_query.data or ""))
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(_("Filtret sparades inte: %(error)s", error=error), "error")
        return redirect(back)
    try:
        saved = services.save_filter(
            list_key=list_key,
            name=form.filter_name.data,
            query=form.filter_query.data or "",
            by=current_user,
        )
    except services.InvalidSavedFilter as error:
        flash(str(error), "error")
        return redirect(back)
    db.session.commit()
    flash(_("Filtret ”%(name)s” är sparat.", name=saved.name), "success")
    return redirect(list_url(saved.list_key, saved.query_string))


@bp.get("/<int:filter_id>")
def reopen(filter_id: int):
    saved = services.owned_filter(filter_id, user_id=current_user.id) or abort(404)
    return redirect(list_url(saved.list_key, saved.query_string))


@bp.post("/<int:filter_id>/ta-bort")
@readers_may_post
def delete(filter_id: int):
    saved = services.owned_filter(filter_id, user_id=current_user.id) or abort(404)
    list_key, name = saved.list_key, saved.name
    services.delete_saved_filter(saved=saved, by=current_user)
    db.session.commit()
    flash(_("Filtret ”%(name)s” är borttaget.", name=name), "success")
    return redirect(list_url(list_key))
