"""Contact plans: the list, a plan's page with its progress, create and edit, adding
organisations with the organisation list's filters (or a saved filter, or one by one),
changing and removing an item.

Readers see the list and the pages; coordinators and admins change them
(app/auth/access.py refuses readers' writes and write forms). The organisation page gets a
"Kontaktplaner" section and the start page the user's plans, through app/common/sections.py.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import func, select
from wtforms.fields.choices import SelectChoice

from app.audit.display import shown_history
from app.auth.access import write_form
from app.auth.services import assignable_users
from app.common.exceptions import EditConflict
from app.common.formatting import format_date
from app.common.forms import submitted_version
from app.common.sections import Section, provides
from app.common.time import local_today
from app.extensions import db
from app.organisations.forms import OrganisationFilterForm, filters_from_args
from app.organisations.services import OrganisationFilter

from . import figures, services
from .forms import AddOrganisationsForm, ConfirmForm, ItemForm, PlanForm
from .models import ContactPlan, ContactPlanItem
from .services import InvalidPlan, PlanValues

bp = Blueprint("plans", __name__, url_prefix="/kontaktplaner")

#: The organisation list's filter arguments the add page reads (and a saved filter holds).
FILTER_ARGUMENTS = ("q", "typ", "lan", "steg")
#: How long after its end a plan stays on the start page.
DASHBOARD_GRACE = timedelta(days=30)


def user_choices(blank: str | None = None) -> list[SelectChoice]:
    """Whom a plan or item can be given to: active users who are not readers."""
    choices = [SelectChoice(u.id, u.name) for u in assignable_users()]
    return [SelectChoice("", blank), *choices] if blank is not None else choices


def _values(form: PlanForm) -> PlanValues:
    return PlanValues(
        title=form.title.data or "",
        scope=form.scope.data or "",
        owner_id=form.owner.data,
        starts_on=form.starts_on.data,
        ends_on=form.ends_on.data,
        note=form.note.data or "",
    )


# --- The list and a plan's page -------------------------------------------------------------


@bp.get("")
def index():
    plans = services.list_plans()
    progress = figures.progress_of([plan.id for plan in plans], today=local_today())
    return render_template(
        "plans/index.html", plans=plans, progress=progress, definitions=figures.PLAN_FIGURES
    )


@bp.get("/<int:plan_id>")
def detail(plan_id: int):
    plan = db.get_or_404(ContactPlan, plan_id)
    today = local_today()
    items = figures.item_statuses([plan.id], today=today)
    return render_template(
        "plans/detail.html",
        plan=plan,
        items=items,
        progress=figures.progress(items).get(plan.id, figures.Progress()),
        today=today,
        ended=ended_notice(plan) if plan.ended_before(today) else None,
        definitions=figures.PLAN_FIGURES,
        events=shown_history(plan, limit=50),
        confirm=ConfirmForm(formdata=None),
    )


# --- Create, edit, delete -------------------------------------------------------------------


@bp.route("/ny", methods=["GET", "POST"])
def create():
    today = local_today()
    form = PlanForm(
        data={"owner": current_user.id, "starts_on": today} if request.method == "GET" else None
    )
    form.owner.choices = user_choices(blank=_("Välj ansvarig"))
    if form.validate_on_submit():
        try:
            plan = services.create_plan(values=_values(form), by=current_user)
        except InvalidPlan as error:
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Kontaktplanen ”%(title)s” är skapad.", title=plan.title), "success")
            # Made from a filter (the choose page): its add page opens with the same filter.
            return redirect(url_for(".add", plan_id=plan.id, **request.args.to_dict()))
    status = 400 if request.method == "POST" else 200
    return render_template("plans/form.html", form=form, plan=None), status


@bp.route("/<int:plan_id>/redigera", methods=["GET", "POST"])
def edit(plan_id: int):
    plan = db.get_or_404(ContactPlan, plan_id)
    form = PlanForm(
        data={
            "title": plan.title,
            "scope": plan.scope,
            "owner": plan.owner_id,
            "starts_on": plan.starts_on,
            "ends_on": plan.ends_on,
            "note": plan.note,
            "version": plan.version,
        }
        if request.method == "GET"
        else None
    )
    form.owner.choices = user_choices(blank=_("Välj ansvarig"))
    status = 400 if request.method == "POST" else 200
    if form.validate_on_submit():
        try:
            services.update_plan(
                plan,
                values=_values(form),
                expected_version=submitted_version(form.version),
                by=current_user,
            )
        except EditConflict:
            status = 409
            form.version.data = plan.version
            form.form_errors.append(
                _("Någon annan har ändrat planen medan du redigerade. Kontrollera och spara igen.")
            )
        except InvalidPlan as error:
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Kontaktplanen är sparad."), "success")
            return redirect(url_for(".detail", plan_id=plan.id))
    return render_template("plans/form.html", form=form, plan=plan), status


@bp.post("/<int:plan_id>/ta-bort")
def delete(plan_id: int):
    plan = db.get_or_404(ContactPlan, plan_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    title = plan.title
    services.delete_plan(plan, by=current_user)
    db.session.commit()
    flash(_("Kontaktplanen ”%(title)s” är borttagen.", title=title), "success")
    return redirect(url_for(".index"))


# --- Adding organisations -------------------------------------------------------------------


@bp.get("/valj")
@write_form
def choose():
    """Which plan to add the organisations of a filter to (the organisation list's "Lägg till
    i en kontaktplan", or any list that links here with the organisation list's arguments):
    the plans not yet ended, each opening its add page with the same filter, or a new plan."""
    _form, filters, applied = _filtered()
    plans = figures.current_plans(since=local_today())
    arguments = request.args.to_dict()
    arguments.pop("sida", None)
    return render_template(
        "plans/choose.html", plans=plans, arguments=arguments, filters=filters, applied=applied
    )


def ended_notice(plan: ContactPlan) -> str:
    return _(
        "Planen avslutades %(day)s. Förläng perioden under Redigera för att lägga till fler.",
        day=format_date(plan.ends_on),
    )


def _filtered() -> tuple[OrganisationFilterForm, OrganisationFilter, bool]:
    """The organisation list's filter form and filters from the query string, and whether
    any filter is applied (without one the add page lists nothing)."""
    form, filters = filters_from_args(request.args)
    applied = bool(filters.extra) or any(request.args.get(name) for name in FILTER_ARGUMENTS)
    return form, filters, applied


@bp.route("/<int:plan_id>/lagg-till", methods=["GET", "POST"])
def add(plan_id: int):
    plan = db.get_or_404(ContactPlan, plan_id)
    if plan.ended_before(local_today()):
        # Also reached by links made while it ran (the prioritisation's ?kontaktplan=): its
        # page says why nothing more is added and how to go on.
        return redirect(url_for(".detail", plan_id=plan.id))
    filter_form, filters, applied = _filtered()
    form = AddOrganisationsForm()
    if form.validate_on_submit():
        if form.alla.data and applied:
            chosen = db.session.scalars(services.matching_organisations(filters)).all()
            ids = [organisation.id for organisation in chosen]
        else:
            ids = form.organisation.data or []
        added = services.add_organisations(plan, ids, by=current_user)
        db.session.commit()
        flash(
            ngettext(
                "%(num)d organisation lades till i planen.",
                "%(num)d organisationer lades till i planen.",
                added,
            ),
            "success",
        )
        return redirect(url_for(".detail", plan_id=plan.id))
    matches, total = [], 0
    if applied:
        matches = db.session.scalars(services.matching_organisations(filters)).all()
        total = db.session.scalar(
            select(func.count()).select_from(
                services.organisation_query(filters).order_by(None).subquery()
            )
        )
    present = set(
        db.session.scalars(
            select(ContactPlanItem.organisation_id).where(ContactPlanItem.plan_id == plan.id)
        )
    )
    saved = [s for s in current_user.saved_filters if s.list_key == "organisations.index"]
    status = 400 if request.method == "POST" else 200
    return render_template(
        "plans/add.html",
        plan=plan,
        filter_form=filter_form,
        filters=filters,
        form=form,
        applied=applied,
        matches=matches,
        total=total,
        limit=services.ADD_LIMIT,
        present=present,
        saved=saved,
    ), status


# --- One item -------------------------------------------------------------------------------


def _item(plan_id: int, item_id: int) -> ContactPlanItem:
    item = db.get_or_404(ContactPlanItem, item_id)
    if item.plan_id != plan_id:
        abort(404)
    return item


@bp.route("/<int:plan_id>/kommuner/<int:item_id>", methods=["GET", "POST"])
def item(plan_id: int, item_id: int):
    item = _item(plan_id, item_id)
    form = ItemForm(
        data={"due_on": item.due_on, "responsible": item.responsible_id}
        if request.method == "GET"
        else None
    )
    form.responsible.choices = user_choices(
        blank=_("Planens ansvarige (%(name)s)", name=item.plan.owner.name)
        if item.plan.owner
        else _("Planens ansvarige")
    )
    if form.validate_on_submit():
        try:
            services.update_item(
                item, due_on=form.due_on.data, responsible_id=form.responsible.data, by=current_user
            )
        except InvalidPlan as error:
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Ändringen är sparad."), "success")
            return redirect(url_for(".detail", plan_id=plan_id))
    status = 400 if request.method == "POST" else 200
    return render_template("plans/item.html", item=item, plan=item.plan, form=form), status


@bp.post("/<int:plan_id>/kommuner/<int:item_id>/ta-bort")
def remove(plan_id: int, item_id: int):
    item = _item(plan_id, item_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    name = item.organisation.display_name
    services.remove_item(item, by=current_user)
    db.session.commit()
    flash(_("%(name)s är borttagen ur planen.", name=name), "success")
    return redirect(url_for(".detail", plan_id=plan_id))


# --- Sections on other pages ----------------------------------------------------------------


@provides("organisation", order=50)
def organisation_plans(organisation) -> Section | None:
    """The plans the organisation is in, with who is responsible and by when."""
    found = figures.memberships([organisation.id]).get(organisation.id, [])
    if not found:
        return None
    return Section("plans/_organisation.html", {"memberships": found})


@provides("dashboard", order=50)
def my_plans(user) -> Section | None:
    """The user's plans (owned, or responsible for an item) with their progress."""
    today = local_today()
    plans = figures.plans_of_user(user.id, since=today - DASHBOARD_GRACE)
    if not plans:
        return None
    progress = figures.progress_of([plan.id for plan in plans], today=today)
    return Section(
        "plans/_dashboard.html",
        {"plans": plans, "progress": progress, "definitions": figures.PLAN_FIGURES},
    )
