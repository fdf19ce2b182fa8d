"""Library pages: the list, a material with its versions and who has them, new and edit,
a new version, download and "sent by hand". What the library does on a meeting's page is in
meeting_routes.py; the sections it adds to other domains' pages and the organisation list's
filter are in sections.py."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from app.audit.display import shown_history
from app.common.arguments import page_number, query_text
from app.common.downloads import attachment, table_download
from app.common.exceptions import EditConflict
from app.common.forms import redisplays_on_csrf_failure, submitted_version
from app.common.heavy_work import bounded
from app.common.pagination import paginate
from app.common.spreadsheets import export_filename
from app.common.time import local_today
from app.contacts.services import split_tags
from app.extensions import db
from app.meetings.services import target_group_suggestions, topic_suggestions
from app.organisations.forms import organisation_choices
from app.organisations.services import organisation_choices as active_organisations

from . import citations, files, queries, research, services
from .forms import (
    DeliveryForm,
    MaterialFilterForm,
    MaterialForm,
    VersionForm,
    kind_choices,
    language_choices,
    status_choices,
)
from .models import Channel, MaterialKind

bp = Blueprint("library", __name__, url_prefix="/material")

PER_PAGE = 50


def form_values(form: MaterialForm) -> services.MaterialValues:
    return services.MaterialValues(
        kind=form.kind.data,
        title=form.title.data or "",
        summary=form.summary.data or "",
        language=form.language.data or "sv",
        status=form.status.data,
        source_organisation_id=form.source_organisation.data,
        authors=form.authors.data or "",
        year=form.year.data,
        publisher=form.publisher.data or "",
        link=form.link.data or "",
        doi=form.doi.data or "",
        topics=split_tags(form.topics.data or ""),
        target_groups=split_tags(form.target_groups.data or ""),
        perspectives=list(form.perspectives.data or []),
    )


def form_data(material) -> dict:
    return {
        "kind": material.kind,
        "title": material.title,
        "summary": material.summary,
        "language": material.language,
        "status": material.status,
        "source_organisation": material.source_organisation_id,
        "authors": material.authors,
        "year": material.year,
        "publisher": material.publisher,
        "link": material.link,
        "doi": material.doi,
        "topics": ", ".join(t.name for t in material.topics),
        "target_groups": ", ".join(t.name for t in material.target_groups),
        "perspectives": [p.perspective for p in material.perspectives],
        "version": material.version,
    }


def fill_choices(form: MaterialForm) -> None:
    form.source_organisation.choices = organisation_choices(active_organisations(), blank="–")


def render_form(form: MaterialForm, material, status: int = 200):
    return render_template(
        "library/form.html",
        form=form,
        material=material,
        topics=topic_suggestions(),
        target_groups=target_group_suggestions(),
    ), status


def list_filters() -> tuple[MaterialFilterForm, queries.MaterialFilter]:
    """The list's filter form from the query string, and the filters it means."""
    form = MaterialFilterForm(request.args)
    form.typ.choices = kind_choices(blank=_("Alla typer"))
    form.status.choices = status_choices(blank=_("Alla"))
    form.sprak.choices = language_choices(blank=_("Alla språk"))
    filters = queries.MaterialFilter(
        q=query_text("q"),
        kind=form.typ.data,
        status=form.status.data,
        topic=form.amne.data or None,
        language=form.sprak.data or None,
        year_from=form.fran_ar.data if not form.fran_ar.errors else None,
        year_to=form.till_ar.data if not form.till_ar.errors else None,
    )
    return form, filters


@bp.get("")
def index():
    form, filters = list_filters()
    page = paginate(
        queries.material_query(filters),
        page=page_number(),
        per_page=PER_PAGE,
    )
    return render_template("library/index.html", form=form, page=page)


@bp.get("/export.<any(csv, xlsx, ris, bib):fmt>")
@bounded("export")
def export(fmt: str):
    """The filtered list: a spreadsheet, or citations for reference managers and LaTeX."""
    _form, filters = list_filters()
    materials = research.load_for_export(queries.material_query(filters))
    if fmt in {"csv", "xlsx"}:
        return table_download(
            fmt,
            stem=_("material"),
            title=_("Material"),
            header=research.export_header(),
            rows=list(research.export_rows(materials)),
        )
    references = [research.as_reference(m) for m in materials]
    if fmt == "ris":
        body, mimetype = citations.ris(references), "application/x-research-info-systems"
    else:
        body, mimetype = citations.bibtex(references), "application/x-bibtex"
    filename = export_filename(_("referenser"), local_today(), fmt)
    return attachment(
        body.encode("utf-8"), filename=filename, mimetype=f"{mimetype}; charset=utf-8"
    )


@bp.route("/ny", methods=["GET", "POST"])
@redisplays_on_csrf_failure
def create():
    form = MaterialForm()
    if request.method == "GET":
        asked = request.args.get("typ", "")
        known = asked in {kind.value for kind in MaterialKind}
        form.kind.data = MaterialKind(asked) if known else MaterialKind.GUIDANCE
    fill_choices(form)
    if form.validate_on_submit():
        try:
            material = services.create_material(values=form_values(form), by=current_user)
        except services.InvalidMaterial as error:
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Materialet är sparat. Ladda upp en fil eller ange en länk."), "success")
            return redirect(url_for(".new_version", material_id=material.id))
    return render_form(form, None)


@bp.route("/<int:material_id>/redigera", methods=["GET", "POST"])
@redisplays_on_csrf_failure
def edit(material_id: int):
    material = services.load_material(material_id) or abort(404)
    form = MaterialForm(data=form_data(material) if request.method == "GET" else None)
    fill_choices(form)
    if form.validate_on_submit():
        try:
            services.update_material(
                material,
                values=form_values(form),
                expected_version=submitted_version(form.version),
                by=current_user,
            )
        except services.InvalidMaterial as error:
            form.form_errors.append(str(error))
        except EditConflict:
            form.version.data = material.version
            form.form_errors.append(
                _("Någon annan har ändrat materialet under tiden. Kontrollera och spara igen.")
            )
            return render_form(form, material, 409)
        else:
            db.session.commit()
            flash(_("Materialet är sparat."), "success")
            return redirect(url_for(".detail", material_id=material.id))
    return render_form(form, material)


@bp.route("/<int:material_id>/ny-version", methods=["GET", "POST"])
@redisplays_on_csrf_failure
def new_version(material_id: int):
    material = services.load_material(material_id) or abort(404)
    form = VersionForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            stored = None
            if upload is not None and upload.filename:
                stored = files.store_upload(upload.stream, upload.filename)
            services.add_version(
                material,
                stored=stored,
                link=form.link.data or "",
                note=form.note.data or "",
                by=current_user,
            )
        except (files.RefusedFile, services.InvalidMaterial) as error:
            form.file.errors = [*form.file.errors, str(error)]
        else:
            db.session.commit()
            flash(_("Versionen är sparad."), "success")
            return redirect(url_for(".detail", material_id=material.id))
    return render_template("library/version.html", form=form, material=material)


@bp.get("/<int:material_id>")
def detail(material_id: int):
    material = services.load_material(material_id) or abort(404)
    form = DeliveryForm(formdata=None, delivered_on=local_today())
    form.version_id.choices = [(v.id, _("Version %(n)d", n=v.number)) for v in material.versions]
    form.organisations.choices = organisation_choices(active_organisations(), blank="")[1:]
    return render_template(
        "library/detail.html",
        material=material,
        recipients=services.recipients_by_version(material),
        meetings=research.meetings_of(material.id),
        form=form,
        events=shown_history(material),
    )


@bp.get("/<int:material_id>/version/<int:number>")
def download(material_id: int, number: int):
    """The version's file, streamed with its original name; a link version redirects."""
    version = services.load_version(material_id, number) or abort(404)
    if not version.is_file:
        return redirect(version.link)
    path = files.path_for(version.file_hash)
    if not path.is_file():
        abort(404)
    response = send_file(
        path,
        mimetype=version.content_type,
        as_attachment=True,
        download_name=version.filename,
        max_age=0,
        conditional=True,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/<int:material_id>/skickat")
def deliver(material_id: int):
    """Record "sent by hand" to one or several organisations."""
    material = services.load_material(material_id) or abort(404)
    form = DeliveryForm()
    versions = {v.id: v for v in material.versions}
    if not form.validate_on_submit() or form.version_id.data not in versions:
        flash(_("Välj version, datum och minst en organisation."), "error")
        return redirect(url_for(".detail", material_id=material.id))
    try:
        made = services.record_deliveries(
            versions[form.version_id.data],
            channel=Channel.BY_HAND,
            delivered_on=form.delivered_on.data,
            organisation_ids=form.organisations.data or [],
            by=current_user,
        )
    except services.InvalidMaterial as error:
        flash(str(error), "error")
        return redirect(url_for(".detail", material_id=material.id))
    db.session.commit()
    flash(_("Registrerat: skickat till %(num)d mottagare.", num=len(made)), "success")
    return redirect(url_for(".detail", material_id=material.id, _anchor="recipients-heading"))
