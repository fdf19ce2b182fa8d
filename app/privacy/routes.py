"""Personal data views for one contact: the register extract (access request), erasure by
anonymisation (administrators only), and the retention list.

A reader may look at contacts but not take their data out in bulk or erase it: the extract and
the retention list are for coordinators and administrators, erasure for administrators.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import StringField, TextAreaField
from wtforms.widgets import NumberInput

from app.auth.access import role_required
from app.auth.models import Role
from app.common.arguments import page_number
from app.common.downloads import XLSX, attachment
from app.common.forms import FilterForm, Form, max_length, redisplays_on_csrf_failure, required
from app.common.spreadsheets import Sheet, export_filename, xlsx_bytes
from app.common.time import local_today
from app.contacts.history import FIELD_LABELS
from app.contacts.routes import PER_PAGE, load_contact
from app.extensions import db
from app.security.models import SecurityKind
from app.security.services import record as record_security
from app.security.services import start_export

from . import erasure, extract, retention

bp = Blueprint("privacy", __name__, url_prefix="/kontakter")

JSON = "application/json; charset=utf-8"
STAFF = (Role.ADMIN, Role.COORDINATOR)


class AnonymiseForm(Form):
    reason = TextAreaField(
        _l("Skäl"),
        validators=[required(), max_length(500)],
        description=_l(
            "Till exempel: Begäran om radering enligt art. 17 dataskyddsförordningen, "
            "ärende 2026/123. Skälet sparas i historiken."
        ),
    )


class YearsField(StringField):
    """A whole number of years, 1–20; bad input keeps what was typed and gets a message."""

    widget = NumberInput(min=retention.MIN_YEARS, max=retention.MAX_YEARS)

    def process_formdata(self, valuelist: list[str]) -> None:
        text = str(valuelist[0]).strip() if valuelist else ""
        self.data = None
        if not text:
            return
        plain = text.isascii() and text.isdigit() and len(text) <= 2  # no "²", no 10**5000
        if not plain or not retention.MIN_YEARS <= int(text) <= retention.MAX_YEARS:
            raise ValueError(
                _(
                    "Ange ett antal år mellan %(min)d och %(max)d.",
                    min=retention.MIN_YEARS,
                    max=retention.MAX_YEARS,
                )
            )
        self.data = int(text)

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        return str(self.data) if self.data is not None else ""


class RetentionForm(FilterForm):
    ar = YearsField(_l("Antal år utan aktivitet"))


def _extract_filename(data: extract.PersonalData, extension: str) -> str:
    name = data.contact.full_name or str(data.contact.id)
    stem = _("registerutdrag-%(name)s", name=name)
    return export_filename(stem, local_today(), extension)


# One endpoint per format (not `<any(json, xlsx):fmt>`): each address names its format, and
# the route walks in the tests build every GET route from its contact id alone.
@bp.get("/<int:contact_id>/registerutdrag.json")
@role_required(*STAFF)
def register_extract_json(contact_id: int):
    """Everything stored about the contact, for an access request (GDPR art. 15), as JSON."""
    data = extract.load_personal_data(contact_id) or abort(404)
    complete = _log_extract(contact_id, "json")
    body = extract.extract_json(data)
    complete(_extract_rows(data))
    return attachment(
        body,
        filename=_extract_filename(data, "json"),
        mimetype=JSON,
    )


@bp.get("/<int:contact_id>/registerutdrag.xlsx")
@role_required(*STAFF)
def register_extract_xlsx(contact_id: int):
    """The same extract as a workbook with one sheet per section."""
    data = extract.load_personal_data(contact_id) or abort(404)
    complete = _log_extract(contact_id, "xlsx")
    sheets = [
        Sheet(title=s.title, header=s.header, rows=list(s.rows), widths=s.widths)
        for s in extract.extract_sheets(data, labels=FIELD_LABELS)
    ]
    body = xlsx_bytes(sheets)
    complete(sum(len(sheet.rows) for sheet in sheets))
    return attachment(body, filename=_extract_filename(data, "xlsx"), mimetype=XLSX)


def _log_extract(contact_id: int, fmt: str):
    """Record the extract in the security log; returns the function that completes it."""
    return start_export(
        SecurityKind.REGISTER_EXTRACT,
        user=current_user,
        address=request.remote_addr,
        subject=f"privacy.register_extract_{fmt}",
        detail=f"contact_id={contact_id}",
    )


def _extract_rows(data: extract.PersonalData) -> int:
    """The rows an extract holds (those of its spreadsheet form)."""
    return sum(len(list(s.rows)) for s in extract.extract_sheets(data, labels=FIELD_LABELS))


@bp.route("/<int:contact_id>/anonymisera", methods=["GET", "POST"])
@redisplays_on_csrf_failure
@role_required(Role.ADMIN)
def anonymise(contact_id: int):
    """Confirm and carry out the erasure of the contact's personal data (GDPR art. 17)."""
    contact = load_contact(contact_id)
    if contact.anonymised_at is not None:
        if request.method == "POST":
            flash(_("Kontakten är redan anonymiserad."), "error")
            return redirect(url_for("contacts.detail", contact_id=contact.id))
        return render_template("privacy/anonymise.html", contact=contact, form=None)
    form = AnonymiseForm()
    if form.validate_on_submit():
        try:
            erasure.anonymise_contact(contact, reason=form.reason.data or "", by=current_user)
        except erasure.AnonymisationRefused as error:
            flash(str(error), "error")
        else:
            record_security(
                SecurityKind.ERASURE,
                user=current_user,
                address=request.remote_addr,
                subject=f"contact_id={contact.id}",
            )
            db.session.commit()
            flash(
                _("Personuppgifterna för kontakt nr %(id)d är anonymiserade.", id=contact.id),
                "success",
            )
            return redirect(url_for("contacts.detail", contact_id=contact.id))
    return render_template(
        "privacy/anonymise.html",
        contact=contact,
        form=form,
        preview=erasure.erasure_preview(contact),
    )


@bp.get("/gallring")
@role_required(*STAFF)
def retention_list():
    """Contacts without activity for some years: candidates for erasure."""
    form = RetentionForm(request.args)
    if not form.validate():
        return render_template("privacy/retention.html", form=form, page=None), 400
    years = form.ar.data or retention.configured_years(current_app.config.get("RETENTION_YEARS"))
    form.ar.data = years  # the field shows the number of years the list is for
    today = local_today()
    cutoff = retention.retention_cutoff(today, years)
    page = db.paginate(
        retention.inactive_contacts_query(cutoff=cutoff),
        page=page_number(),
        per_page=PER_PAGE,
        error_out=False,
    )
    return render_template(
        "privacy/retention.html",
        form=form,
        page=page,
        years=years,
        cutoff=cutoff,
        today=today,
        activities=retention.last_activities(page.items),
    )
