"""The contact import, step by step: upload → (choose the encoding of a CSV that is not
UTF-8) → map columns → preview → confirm; and revert."""

from __future__ import annotations

from datetime import timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import delete
from wtforms import BooleanField, HiddenField, RadioField, SelectChoice, SelectField

from app.auth.access import write_form
from app.common.forms import Form
from app.common.heavy_work import bounded
from app.common.time import utcnow
from app.extensions import db

from . import import_commit, importer
from .import_files import (
    CHOOSABLE_ENCODINGS,
    UNDECIDED,
    encoding_samples,
    uploaded_table,
)
from .import_matching import organisation_display_names
from .import_revert import changed_since, revert_import
from .models import ImportBatch
from .routes import bp

#: Drafts (uploaded but never confirmed) are deleted after this long: they hold personal data.
DRAFT_LIFETIME = timedelta(days=1)


class UploadForm(Form):
    file = FileField(_l("Fil"), validators=[FileRequired(message=_l("Välj en fil att importera."))])


def encoding_choices() -> list[SelectChoice]:
    return [SelectChoice(code, str(label)) for code, label in CHOOSABLE_ENCODINGS.items()]


class EncodingForm(Form):
    encoding = RadioField(_l("Teckenkodning"), choices=encoding_choices, default="cp1252")


class ConfirmForm(Form):
    fingerprint = HiddenField()
    skip_errors = BooleanField(_l("Hoppa över raderna med fel och importera resten"))


def mapping_form(batch: ImportBatch) -> type[Form]:
    """A form with one column picker per field, showing each column's first value."""

    def column_label(index: int, title: str) -> str:
        sample = next((row[index] for row in batch.rows if index < len(row) and row[index]), "")
        label = title or _("Kolumn %(n)d", n=index + 1)
        return f"{label} – {sample[:30]}" if sample else label

    choices = [SelectChoice("", _("Används inte"))] + [
        SelectChoice(str(i), column_label(i, title)) for i, title in enumerate(batch.header)
    ]

    class MappingForm(Form):
        pass

    for name, label in importer.FIELDS.items():
        setattr(MappingForm, name, SelectField(label, choices=choices, default=""))
    return MappingForm


def draft_or_404(batch_id: int) -> ImportBatch:
    batch = db.get_or_404(ImportBatch, batch_id)
    if batch.status != "draft":
        return abort(404)
    return batch


@bp.route("/import", methods=["GET", "POST"])
@bounded("import", methods=("POST",))
def import_upload():
    form = UploadForm()
    status = 200
    if form.validate_on_submit():
        table, status = uploaded_table(form.file)
        if table is not None:
            db.session.execute(
                delete(ImportBatch).where(
                    ImportBatch.status == "draft",
                    ImportBatch.created_at < utcnow() - DRAFT_LIFETIME,
                )
            )
            batch = import_commit.start_import(
                filename=form.file.data.filename or "import",
                header=table.header,
                rows=table.rows,
                by=current_user,
                encoding=table.encoding,
            )
            db.session.commit()
            return redirect(next_step(batch))
    return render_template(
        "contacts/import/upload.html", form=form, imports=import_commit.recent_imports()
    ), status


def next_step(batch: ImportBatch) -> str:
    """Where a draft goes on: the encoding question while it is open, else the columns."""
    if batch.encoding == UNDECIDED:
        return url_for(".import_encoding", batch_id=batch.id)
    return url_for(".import_mapping", batch_id=batch.id)


@bp.route("/import/<int:batch_id>/teckenkodning", methods=["GET", "POST"])
def import_encoding(batch_id: int):
    """A CSV that is not UTF-8: the user chooses its encoding, comparing how each reads."""
    batch = draft_or_404(batch_id)
    if batch.encoding != UNDECIDED:
        return redirect(next_step(batch))
    form = EncodingForm()
    if form.validate_on_submit():
        importer.choose_encoding(batch, encoding=form.encoding.data)
        db.session.commit()
        return redirect(next_step(batch))
    return render_template(
        "contacts/import/encoding.html",
        form=form,
        batch=batch,
        samples=encoding_samples([batch.header, *batch.rows]),
        encodings=CHOOSABLE_ENCODINGS,
    )


@bp.route("/import/<int:batch_id>/kolumner", methods=["GET", "POST"])
def import_mapping(batch_id: int):
    batch = draft_or_404(batch_id)
    if batch.encoding == UNDECIDED:
        return redirect(next_step(batch))
    form_class = mapping_form(batch)
    form = form_class(data={k: str(v) for k, v in batch.mapping.items()})
    if form.validate_on_submit():
        mapping = {name: int(form[name].data) for name in importer.FIELDS if form[name].data}
        if not {"first_name", "last_name", "full_name"} & mapping.keys():
            flash(_("Välj minst en kolumn med namn."), "error")
        elif len(set(mapping.values())) < len(mapping):
            flash(_("Samma kolumn är vald för flera fält."), "error")
        else:
            batch.mapping = mapping
            db.session.commit()
            return redirect(url_for(".import_preview", batch_id=batch.id))
    return render_template(
        "contacts/import/mapping.html", form=form, batch=batch, fields=importer.FIELDS
    )


@bp.get("/import/<int:batch_id>")
@write_form
def import_preview(batch_id: int):
    batch = db.get_or_404(ImportBatch, batch_id)
    if batch.status != "draft":
        return render_template(
            "contacts/import/result.html",
            batch=batch,
            touched=changed_since(batch) if batch.status == "committed" else [],
        )
    if batch.encoding == UNDECIDED:
        return redirect(next_step(batch))
    plan = importer.plan_import(batch.rows, batch.mapping)
    shown = request.args.get("visa")
    rows = [r for r in plan.rows if r.action == shown] if shown else plan.rows
    form = ConfirmForm(data={"fingerprint": plan.fingerprint})
    organisations = organisation_display_names(
        r.organisation_id for r in rows if r.organisation_id is not None
    )
    return render_template(
        "contacts/import/preview.html",
        batch=batch,
        plan=plan,
        rows=rows,
        shown=shown,
        form=form,
        organisations=organisations,
    )


@bp.post("/import/<int:batch_id>/bekrafta")
@bounded("import")
def import_confirm(batch_id: int):
    batch = draft_or_404(batch_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        plan = import_commit.commit_import(
            batch,
            expected=form.fingerprint.data or "",
            skip_errors=form.skip_errors.data,
            by=current_user,
        )
    except importer.ImportNotPossible as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for(".import_preview", batch_id=batch.id))
    db.session.commit()
    flash(
        _(
            "Importen är klar: %(created)s och %(updated)s.",
            created=ngettext("%(num)d ny kontakt", "%(num)d nya kontakter", plan.count("create")),
            updated=ngettext(
                "%(num)d uppdaterad kontakt", "%(num)d uppdaterade kontakter", plan.count("update")
            ),
        ),
        "success",
    )
    return redirect(url_for(".import_preview", batch_id=batch.id))


@bp.post("/import/<int:batch_id>/angra")
@bounded("import")
def import_revert(batch_id: int):
    batch = db.get_or_404(ImportBatch, batch_id)
    try:
        revert_import(batch, by=current_user)
    except importer.ImportNotPossible as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(_("Importen är ångrad."), "success")
    return redirect(url_for(".import_preview", batch_id=batch.id))


@bp.post("/import/<int:batch_id>/kasta")
def import_discard(batch_id: int):
    batch = draft_or_404(batch_id)
    db.session.delete(batch)
    db.session.commit()
    flash(_("Filen är borttagen utan att något importerades."), "info")
    return redirect(url_for(".import_upload"))
