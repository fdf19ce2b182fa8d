"""The indicator import, step by step: upload → choose the indicator and the columns →
preview every row → confirm (replace a year, or add one)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from wtforms import SelectChoice

from app.auth.access import write_form
from app.common.heavy_work import bounded
from app.contacts.import_files import UNDECIDED, recode, uploaded_table
from app.contacts.importer import ImportNotPossible
from app.extensions import db

from . import queries, services
from .forms import NEW_INDICATOR, ConfirmForm, UploadForm, mapping_form
from .importer import import_mode
from .models import Indicator, IndicatorImport
from .routes import bp

#: A CSV that is not UTF-8 is read as Windows-1252: Excel's "CSV" on Swedish Windows, and
#: for å, ä, ö and é the same letters as ISO-8859-1.
FALLBACK_ENCODING = "cp1252"


def draft_or_404(import_id: int) -> IndicatorImport:
    draft = db.get_or_404(IndicatorImport, import_id)
    if draft.status != "draft":
        abort(404)
    return draft


@bp.route("/import", methods=["GET", "POST"])
@bounded("import", methods=("POST",))
def import_upload():
    form = UploadForm()
    status = 200
    if form.validate_on_submit():
        table, status = uploaded_table(form.file)
        if table is not None:
            header, rows = table.header, table.rows
            if table.encoding == UNDECIDED:
                header, *rows = recode([header, *rows], FALLBACK_ENCODING)
            draft = services.start_import(
                filename=form.file.data.filename or "import",
                header=header,
                rows=rows,
                by=current_user,
            )
            db.session.commit()
            return redirect(url_for(".import_mapping", import_id=draft.id))
    return render_template(
        "indicators/upload.html", form=form, imports=queries.recent_imports()
    ), status


@bp.route("/import/<int:import_id>/kolumner", methods=["GET", "POST"])
def import_mapping(import_id: int):
    draft = draft_or_404(import_id)
    form_class = mapping_form(draft.header, draft.rows)
    mapping = draft.mapping
    form = form_class(
        data={
            "indicator": str(draft.indicator_id or NEW_INDICATOR),
            "municipality": str(mapping.get("municipality", "")),
            "year": str(mapping.get("year", "")),
            "value": str(mapping.get("value", "")),
            "fixed_year": mapping.get("fixed_year"),
            "mode": import_mode(mapping),
        }
    )
    form.indicator.choices = [
        SelectChoice(NEW_INDICATOR, _("Ny indikator")),
        *[SelectChoice(str(i.id), i.name) for i in queries.indicator_choices()],
    ]
    if form.validate_on_submit():
        chosen = {n: int(form[n].data) for n in ("municipality", "year", "value") if form[n].data}
        problem = _mapping_problem(chosen, form.fixed_year.data)
        if problem:
            flash(problem, "error")
        else:
            try:
                draft.indicator_id = _chosen_indicator(form)
            except services.InvalidIndicator as error:
                form.name.errors.append(str(error))
            else:
                if form.fixed_year.data:
                    chosen.pop("year", None)
                    chosen["fixed_year"] = form.fixed_year.data
                draft.mapping = {**chosen, "mode": form.mode.data}
                db.session.commit()
                return redirect(url_for(".import_preview", import_id=draft.id))
    return render_template("indicators/mapping.html", form=form, draft=draft)


def _mapping_problem(chosen: dict[str, int], fixed_year: int | None) -> str | None:
    if "municipality" not in chosen or "value" not in chosen:
        return _("Välj kolumnen med kommunen och kolumnen med värdet.")
    if "year" not in chosen and not fixed_year:
        return _("Välj kolumnen med år, eller skriv ett år för alla rader.")
    if len(set(chosen.values())) < len(chosen):
        return _("Samma kolumn är vald för flera fält.")
    return None


def _chosen_indicator(form) -> int:
    """The chosen indicator's id, or a new one's made from the form."""
    if form.indicator.data != NEW_INDICATOR:
        return db.get_or_404(Indicator, int(form.indicator.data)).id
    return services.create_indicator(
        values=services.IndicatorValues(
            name=form.name.data or "",
            unit=form.unit.data or "",
            source=form.source.data or "",
            description=form.description.data or "",
            kind=form.kind.data or "",
        ),
        by=current_user,
    ).id


@bp.get("/import/<int:import_id>")
@write_form
def import_preview(import_id: int):
    draft = db.get_or_404(IndicatorImport, import_id)
    if draft.status != "draft":  # done: to its indicator, or the list if that is removed
        if draft.indicator_id is None:
            return redirect(url_for(".index"))
        return redirect(url_for(".detail", indicator_id=draft.indicator_id))
    if draft.indicator_id is None:
        return redirect(url_for(".import_mapping", import_id=draft.id))
    plan = services.plan_for(draft)
    shown = request.args.get("visa")
    rows = [r for r in plan.rows if r.action == shown] if shown else plan.rows
    return render_template(
        "indicators/preview.html",
        draft=draft,
        plan=plan,
        rows=rows,
        shown=shown,
        names=queries.municipality_names(),
        form=ConfirmForm(data={"fingerprint": plan.fingerprint}),
    )


@bp.post("/import/<int:import_id>/bekrafta")
@bounded("import")
def import_confirm(import_id: int):
    draft = draft_or_404(import_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        plan = services.commit_import(
            draft,
            expected=form.fingerprint.data or "",
            skip_errors=form.skip_errors.data,
            by=current_user,
        )
    except ImportNotPossible as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for(".import_preview", import_id=draft.id))
    db.session.commit()
    saved = plan.count("new") + plan.count("replace")
    flash(ngettext("%(num)d värde är sparat.", "%(num)d värden är sparade.", saved), "success")
    return redirect(url_for(".detail", indicator_id=draft.indicator_id))


@bp.post("/import/<int:import_id>/kasta")
def import_discard(import_id: int):
    draft = draft_or_404(import_id)
    db.session.delete(draft)
    db.session.commit()
    flash(_("Filen är borttagen utan att något importerades."), "info")
    return redirect(url_for(".import_upload"))
