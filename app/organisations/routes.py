"""Organisation pages: list, detail, create, edit, archive, delete, engagement stage."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from app.audit.display import shown_history
from app.auth.access import public
from app.common.arguments import page_number, query_id
from app.common.downloads import table_download
from app.common.exceptions import DomainError, EditConflict
from app.common.forms import conflicting_fields, redisplays_on_csrf_failure, submitted_version
from app.common.heavy_work import bounded
from app.common.sections import sections_for
from app.extensions import db

from . import services
from .exports import organisation_header, organisation_rows
from .forms import (
    EngagementForm,
    OrganisationFilterForm,
    OrganisationForm,
    county_choices,
    filters_from_args,
    organisation_choices,
)
from .models import Organisation, OrganisationKind
from .stages import Stage

bp = Blueprint("organisations", __name__, url_prefix="/organisationer")

PER_PAGE = 50


@bp.get("/steg.css")
@public
def stage_styles():
    """Stage colours as CSS, generated from the one definition in stages.py (the CSP allows
    no inline styles, and the colours must not be written twice)."""
    rules = [
        f".stage--{stage.value} .stage__swatch {{ background: {stage.colour}; }}" for stage in Stage
    ]
    response = make_response("\n".join(rules) + "\n")
    response.mimetype = "text/css"
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


def list_filters() -> tuple[OrganisationFilterForm, services.OrganisationFilter]:
    """The list's filter form from the query string, and the filters it means."""
    return filters_from_args(request.args)


@bp.get("")
def index():
    form, filters = list_filters()
    page = db.paginate(
        services.organisation_query(filters),
        page=page_number(),
        per_page=PER_PAGE,
        error_out=False,
    )
    return render_template("organisations/index.html", form=form, page=page, filters=filters)


@bp.get("/export.<any(csv, xlsx):fmt>")
@bounded("export")
def export(fmt: str):
    """The filtered list, every row, as CSV or XLSX."""
    _form, filters = list_filters()
    organisations = db.session.scalars(services.organisation_query(filters)).all()
    return table_download(
        fmt,
        stem=_("organisationer"),
        title=_("Organisationer"),
        header=organisation_header(),
        rows=organisation_rows(organisations),
    )


@bp.get("/<int:organisation_id>")
def detail(organisation_id: int):
    organisation = db.session.scalar(
        select(Organisation)
        .options(
            joinedload(Organisation.county),  # many-to-one: in the same statement
            joinedload(Organisation.parent),
            selectinload(Organisation.units),
            selectinload(Organisation.engagement_changes),
        )
        .where(Organisation.id == organisation_id)
    ) or abort(404)
    county_board = organisation.kind is OrganisationKind.LANSSTYRELSE and organisation.county_code
    return render_template(
        "organisations/detail.html",
        organisation=organisation,
        county_municipalities=(
            services.county_municipalities(organisation.county_code) if county_board else None
        ),
        events=shown_history(organisation),
        sections=sections_for("organisation", organisation),
        deletable=services.is_deletable(organisation),
    )


def prepare_form(
    form: OrganisationForm, organisation: Organisation | None, parent: Organisation | None = None
) -> None:
    """Fill the pickers; seeded organisations keep kind, county and parent fixed, and a unit
    has no kind to choose (it is an "Enhet")."""
    if organisation is not None and organisation.reference_key:
        for name in services.REFERENCE_FIELDS:
            delattr(form, name)
        return
    if parent is not None or (organisation is not None and organisation.parent_id):
        delattr(form, "kind")
    form.county_code.choices = county_choices(services.counties(), blank=_("Inget län"))
    candidates = [
        o
        for o in services.organisation_choices()
        if organisation is None or o.id != organisation.id
    ]
    form.parent_id.choices = organisation_choices(candidates, blank=_("Ingen (fristående)"))


@bp.route("/ny", methods=["GET", "POST"])
@redisplays_on_csrf_failure
def create():
    parent = db.session.get(Organisation, query_id("parent") or 0)
    form = OrganisationForm()
    if request.method == "GET":
        form.kind.data = OrganisationKind.CIVILSAMHALLE
        form.parent_id.data = parent.id if parent else None
        form.county_code.data = parent.county_code if parent else ""
    prepare_form(form, None, parent)
    if form.validate_on_submit():
        try:
            organisation = services.create_organisation(values=form.values(), by=current_user)
        except DomainError as error:
            form.parent_id.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("%(name)s är skapad.", name=organisation.display_name), "success")
            return redirect(url_for(".detail", organisation_id=organisation.id))
    return render_template("organisations/form.html", form=form, organisation=None, parent=parent)


@bp.route("/<int:organisation_id>/redigera", methods=["GET", "POST"])
@redisplays_on_csrf_failure
def edit(organisation_id: int):
    organisation = db.get_or_404(Organisation, organisation_id)
    form = OrganisationForm(obj=organisation if request.method == "GET" else None)
    prepare_form(form, organisation)
    conflict_rows = None
    if request.method == "GET":
        form.version.data = organisation.version
    elif form.validate_on_submit():
        try:
            services.update_organisation(
                organisation,
                values=form.values(),
                expected_version=submitted_version(form.version),
                by=current_user,
            )
        except EditConflict as conflict:
            saved = {name: getattr(conflict.current, name) for name in services.EDITABLE_FIELDS}
            conflict_rows = conflicting_fields(form, saved)
            form.version.data = conflict.current.version
        except services.InvalidOrganisation as error:
            form.parent_id.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Ändringarna är sparade."), "success")
            return redirect(url_for(".detail", organisation_id=organisation.id))
    status = 409 if conflict_rows is not None else 200
    return render_template(
        "organisations/form.html",
        form=form,
        organisation=organisation,
        parent=None,
        conflict_rows=conflict_rows,
    ), status


@bp.post("/<int:organisation_id>/arkivera")
def archive(organisation_id: int):
    organisation = db.get_or_404(Organisation, organisation_id)
    services.archive_organisation(organisation, by=current_user)
    db.session.commit()
    flash(_("%(name)s är arkiverad.", name=organisation.display_name), "success")
    return redirect(url_for(".detail", organisation_id=organisation.id))


@bp.post("/<int:organisation_id>/aterstall")
def restore(organisation_id: int):
    organisation = db.get_or_404(Organisation, organisation_id)
    services.restore_organisation(organisation, by=current_user)
    db.session.commit()
    flash(_("%(name)s är återställd.", name=organisation.display_name), "success")
    return redirect(url_for(".detail", organisation_id=organisation.id))


@bp.route("/<int:organisation_id>/engagemang", methods=["GET", "POST"])
@redisplays_on_csrf_failure
def engagement(organisation_id: int):
    organisation = db.get_or_404(Organisation, organisation_id)
    if not organisation.is_municipality:
        abort(404)
    form = EngagementForm(obj=organisation if request.method == "GET" else None)
    if request.method == "GET":
        form.stage.data = organisation.engagement_stage
    if form.validate_on_submit():
        services.change_engagement(
            organisation,
            stage=form.stage.data,
            comment=form.comment.data or "",
            opportunities=form.opportunities.data or "",
            challenges=form.challenges.data or "",
            by=current_user,
        )
        db.session.commit()
        flash(_("Engagemangssteget är sparat."), "success")
        return redirect(url_for(".detail", organisation_id=organisation.id))
    return render_template(
        "organisations/engagement.html", form=form, organisation=organisation, stages=Stage
    )
