"""The security log for administrators: /admin/sakerhetslogg, filterable and exportable."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import DateField, SelectField

from app.auth.access import role_required
from app.auth.models import Role, User
from app.common.arguments import page_number
from app.common.downloads import table_download
from app.common.formatting import format_datetime
from app.common.forms import FilterForm
from app.extensions import db

from .display import shown_detail, shown_subject
from .models import KIND_LABELS, SecurityEvent
from .services import EventFilter, event_query

bp = Blueprint("security", __name__, url_prefix="/admin/sakerhetslogg")

PER_PAGE = 50


class SecurityFilterForm(FilterForm):
    typ = SelectField(_l("Händelse"), choices=[])
    anvandare = SelectField(_l("Användare"), choices=[])
    fran = DateField(_l("Från och med"))
    till = DateField(_l("Till och med"))


def _usable(value: object) -> date | None:
    """A date the database can compare with (year 1 or 9999 would overflow in UTC)."""
    if isinstance(value, date) and date(1900, 1, 1) <= value <= date(9000, 12, 31):
        return value
    return None


def list_filters() -> tuple[SecurityFilterForm, EventFilter]:
    form = SecurityFilterForm(request.args)
    form.typ.choices = [("", _("Alla"))] + [(k.value, str(v)) for k, v in KIND_LABELS.items()]
    users = db.session.execute(select(User.id, User.name).order_by(User.name)).all()
    form.anvandare.choices = [("", _("Alla"))] + [(str(u.id), u.name) for u in users]
    form.validate()
    user_id = form.anvandare.data
    filters = EventFilter(
        kind=form.typ.data or None,
        user_id=int(user_id) if user_id and user_id.isdigit() and len(user_id) < 10 else None,
        start=_usable(form.fran.data),
        end=_usable(form.till.data),
    )
    return form, filters


def who(event: SecurityEvent) -> str:
    """The acting user's name, else the e-mail of a failed login ("okänd" if none)."""
    if event.user is not None:
        return event.user.name
    return event.email or ""


@bp.get("")
@role_required(Role.ADMIN)
def index():
    form, filters = list_filters()
    page = db.paginate(
        event_query(filters),
        page=page_number(),
        per_page=PER_PAGE,
        error_out=False,
    )
    return render_template(
        "security/index.html",
        form=form,
        page=page,
        who=who,
        shown_subject=shown_subject,
        shown_detail=shown_detail,
    )


@bp.get("/export.csv")
@role_required(Role.ADMIN)
def export():
    _form, filters = list_filters()
    events = db.session.scalars(event_query(filters)).unique().all()
    header = [
        _("Tid"),
        _("Händelse"),
        _("Antal"),
        _("Användare"),
        _("Adress"),
        _("Gäller"),
        _("Detaljer"),
        _("Rader"),
        _("Klar"),
    ]
    rows = [
        [
            format_datetime(e.occurred_at),
            e.label,
            e.count,
            who(e),
            e.address or "",
            shown_subject(e),
            shown_detail(e),
            e.rows,
            format_datetime(e.completed_at) if e.completed_at else "",
        ]
        for e in events
    ]
    return table_download(
        "csv", stem=_("sakerhetslogg"), title=_("Säkerhetslogg"), header=header, rows=rows
    )
