"""The list of policy milestones (/policyhandelser): everyone reads it, coordinators and
admins add, change and remove (app/auth/access.py refuses readers' writes). Organisation
pages list the latest ones through a section, beside the meetings."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.audit.display import Shown, day, register_fields
from app.common.exceptions import EditConflict
from app.common.forms import conflicting_fields, submitted_version
from app.common.sections import Section, provides
from app.common.time import local_today
from app.extensions import db

from . import services
from .forms import DeleteForm, MilestoneForm
from .models import PolicyMilestone
from .services import InvalidMilestone, MilestoneValues

bp = Blueprint("milestones", __name__, url_prefix="/policyhandelser")

register_fields(
    PolicyMilestone.__tablename__,
    {
        "happens_on": Shown(_l("Datum"), format=day),
        "title": Shown(_l("Rubrik")),
        "note": Shown(_l("Anteckning")),
    },
)


def _values(form: MilestoneForm) -> MilestoneValues:
    return MilestoneValues(
        happens_on=form.happens_on.data, title=form.title.data or "", note=form.note.data or ""
    )


def _index(form: MilestoneForm | None, status: int = 200):
    page = render_template(
        "milestones/index.html",
        milestones=services.all_milestones(),
        form=form,
        delete_form=DeleteForm(formdata=None),
    )
    return page, status


@bp.get("")
def index():
    return _index(MilestoneForm(formdata=None) if current_user.can_edit else None)


@bp.post("")
def create():
    form = MilestoneForm()
    if form.validate_on_submit():
        try:
            milestone = services.create_milestone(values=_values(form), by=current_user)
        except InvalidMilestone as error:
            form.title.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("”%(title)s” är tillagd.", title=milestone.title), "success")
            return redirect(url_for("milestones.index"))
    return _index(form, 400)


@bp.route("/<int:milestone_id>", methods=["GET", "POST"])
def edit(milestone_id: int):
    milestone = db.get_or_404(PolicyMilestone, milestone_id)
    form = MilestoneForm(obj=milestone)
    conflict_rows = None
    if form.validate_on_submit():
        try:
            changed = services.update_milestone(
                milestone,
                values=_values(form),
                expected_version=submitted_version(form.version),
                by=current_user,
            )
        except EditConflict as conflict:
            # What the user typed stays, beside what is saved now; the form carries the
            # saved version, so saving again overwrites knowingly.
            saved = {name: getattr(conflict.current, name) for name in services.FIELDS}
            conflict_rows = conflicting_fields(form, saved)
            form.version.data = conflict.current.version
        except InvalidMilestone as error:
            form.title.errors.append(str(error))
        else:
            db.session.commit()
            if changed:
                flash(_("”%(title)s” är ändrad.", title=milestone.title), "success")
            return redirect(url_for("milestones.index"))
    status = 409 if conflict_rows is not None else (400 if form.errors else 200)
    page = render_template(
        "milestones/form.html", form=form, milestone=milestone, conflict_rows=conflict_rows
    )
    return page, status


@bp.post("/<int:milestone_id>/ta-bort")
def delete(milestone_id: int):
    milestone = db.get_or_404(PolicyMilestone, milestone_id)
    if DeleteForm().validate_on_submit():
        title = milestone.title
        services.delete_milestone(milestone, by=current_user)
        db.session.commit()
        flash(_("”%(title)s” är borttagen.", title=title), "success")
    return redirect(url_for("milestones.index"))


@provides("organisation", order=12)
def organisation_milestones(_organisation) -> Section | None:
    """The latest policy milestones beside an organisation's meetings (the same for every
    organisation: they concern the whole work); none: no section."""
    found = services.recent_milestones(local_today())
    if not found:
        return None
    return Section("milestones/_organisation.html", {"milestones": found})
