"""Follow-up pages: the lists, create, edit, complete in one click, reassign; the form to
use right after a meeting; and the follow-up sections on meeting, organisation and contact
pages."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

from app.aggregates.queries import open_follow_ups_of
from app.audit.display import shown_history
from app.auth.access import is_safe_next
from app.auth.services import assignable_users
from app.common.arguments import page_number, query_id
from app.common.exceptions import EditConflict
from app.common.forms import redisplays_on_csrf_failure, submitted_version
from app.common.pagination import paginate
from app.common.sections import Section, provides
from app.common.time import local_today, utcnow
from app.contacts.models import Contact
from app.extensions import db
from app.meetings import services as meeting_services
from app.meetings.models import Meeting
from app.organisations.forms import organisation_choices
from app.organisations.models import Organisation
from app.organisations.services import organisation_choices as active_organisations

from . import services
from .forms import AfterMeetingForm, CompleteForm, FollowUpForm, ReassignForm
from .models import FollowUp

bp = Blueprint("followups", __name__, url_prefix="/uppfoljningar")

PER_PAGE = 50
VIEW_LABELS = {
    services.View.MINE: _l("Mina"),
    services.View.MINE_OVERDUE: _l("Mina försenade"),
    services.View.TEAM: _l("Teamets"),
    services.View.OVERDUE: _l("Teamets försenade"),
    services.View.WEEK: _l("Denna vecka"),
    services.View.DONE: _l("Klara"),
}


def user_choices(blank: str | None = None) -> list[SelectChoice]:
    """Who a follow-up can be given to: active users who are not readers."""
    choices = [SelectChoice(u.id, u.name) for u in assignable_users()]
    return [SelectChoice("", blank), *choices] if blank is not None else choices


def back(default: str):
    target = request.form.get("next") or request.args.get("next")
    return redirect(target if is_safe_next(target) else default)


def list_filters() -> services.FollowUpFilter:
    """The list's view (?visa=) for the signed-in user: what the list and its exports show."""
    try:
        view = services.View(request.args.get("visa", services.View.MINE.value))
    except ValueError:
        view = services.View.MINE
    return services.FollowUpFilter(view=view, user_id=current_user.id)


@bp.get("")
def index():
    filters = list_filters()
    view = filters.view
    page = paginate(
        services.follow_up_query(filters, today=local_today()),
        page=page_number(),
        per_page=PER_PAGE,
    )
    services.with_meeting_organisations(page.items)
    return render_template(
        "followups/index.html",
        page=page,
        view=view,
        views=VIEW_LABELS,
        today=local_today(),
        complete_form=CompleteForm(),
        users=user_choices(),
    )


def fill_choices(form: FollowUpForm) -> None:
    form.owner.choices = user_choices(blank=_("Välj ansvarig"))
    form.organisation.choices = organisation_choices(active_organisations(), blank=_("Ingen"))
    contacts = meeting_services.contact_choices(
        [form.organisation.data] if form.organisation.data else [],
        [form.contact.data] if form.contact.data else [],
    )
    form.contact.choices = [SelectChoice("", _("Ingen"))] + [
        SelectChoice(c.id, c.full_name) for c in contacts
    ]


def values_from(form: FollowUpForm) -> services.FollowUpValues:
    meeting_id = int(form.meeting.data) if (form.meeting.data or "").isdigit() else None
    return services.FollowUpValues(
        title=form.title.data or "",
        owner_id=form.owner.data or 0,
        due_on=form.due_on.data,
        description=form.description.data or "",
        meeting_id=meeting_id,
        organisation_id=form.organisation.data,
        contact_id=form.contact.data,
    )


@bp.route("/ny", methods=["GET", "POST"])
@redisplays_on_csrf_failure
def create():
    form = FollowUpForm()
    if request.method == "GET":
        form.owner.data = current_user.id
        form.due_on.data = local_today() + timedelta(days=14)
        meeting = db.session.get(Meeting, query_id("mote") or 0)
        if meeting is not None:
            # The meeting's organisations are not copied: the follow-up counts for them
            # through the meeting (services.follow_up_links).
            form.meeting.data = str(meeting.id)
        form.organisation.data = query_id("organisation") or form.organisation.data
        form.contact.data = query_id("kontakt")
    fill_choices(form)
    if form.validate_on_submit():
        try:
            follow_up = services.create_follow_up(
                values=values_from(form), by=current_user, today=local_today()
            )
        except services.InvalidFollowUp as error:
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Uppföljningen är sparad."), "success")
            return redirect(url_for(".detail", follow_up_id=follow_up.id))
    return render_template("followups/form.html", form=form, follow_up=None)


@bp.route("/<int:follow_up_id>/redigera", methods=["GET", "POST"])
@redisplays_on_csrf_failure
def edit(follow_up_id: int):
    follow_up = db.get_or_404(FollowUp, follow_up_id)
    form = FollowUpForm(
        data={
            "title": follow_up.title,
            "description": follow_up.description,
            "owner": follow_up.owner_id,
            "due_on": follow_up.due_on,
            "organisation": follow_up.organisation_id,
            "contact": follow_up.contact_id,
            "meeting": str(follow_up.meeting_id or ""),
            "version": follow_up.version,
        }
        if request.method == "GET"
        else None
    )
    fill_choices(form)
    conflict = False
    if form.validate_on_submit():
        try:
            services.update_follow_up(
                follow_up,
                values=values_from(form),
                expected_version=submitted_version(form.version),
                by=current_user,
                today=local_today(),
            )
        except EditConflict:
            conflict = True
            form.version.data = follow_up.version
            form.form_errors.append(
                _(
                    "Någon annan har ändrat uppföljningen medan du redigerade. "
                    "Kontrollera och spara igen."
                )
            )
        except services.InvalidFollowUp as error:
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Uppföljningen är sparad."), "success")
            return redirect(url_for(".detail", follow_up_id=follow_up.id))
    return render_template("followups/form.html", form=form, follow_up=follow_up), (
        409 if conflict else 200
    )


@bp.get("/<int:follow_up_id>")
def detail(follow_up_id: int):
    follow_up = db.session.scalar(
        select(FollowUp)
        # With the meeting's organisations: the follow-up counts for them too.
        .options(*services.EXPORT_OPTIONS)
        .where(FollowUp.id == follow_up_id)
    ) or abort(404)
    reassign = ReassignForm(data={"owner": follow_up.owner_id})
    reassign.owner.choices = user_choices()
    return render_template(
        "followups/detail.html",
        follow_up=follow_up,
        today=local_today(),
        complete_form=CompleteForm(),
        reassign_form=reassign,
        events=shown_history(follow_up),
    )


@bp.post("/<int:follow_up_id>/klar")
def complete(follow_up_id: int):
    follow_up = db.get_or_404(FollowUp, follow_up_id)
    form = CompleteForm()
    if form.validate_on_submit():
        services.complete_follow_up(
            follow_up, note=form.note.data or "", by=current_user, today=local_today()
        )
        done = _("”%(title)s” är klar.", title=follow_up.title)  # read before the commit expires it
        db.session.commit()
        flash(done, "success")
    return back(url_for(".detail", follow_up_id=follow_up_id))


@bp.post("/<int:follow_up_id>/oppna")
def reopen(follow_up_id: int):
    follow_up = db.get_or_404(FollowUp, follow_up_id)
    services.reopen_follow_up(follow_up, by=current_user)
    db.session.commit()
    return back(url_for(".detail", follow_up_id=follow_up.id))


@bp.post("/<int:follow_up_id>/tilldela")
def reassign(follow_up_id: int):
    follow_up = db.get_or_404(FollowUp, follow_up_id)
    form = ReassignForm()
    form.owner.choices = user_choices()
    if form.validate_on_submit():
        try:
            services.reassign_follow_up(follow_up, owner_id=form.owner.data or 0, by=current_user)
        except services.InvalidFollowUp as error:
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(_("Uppföljningen har ny ansvarig."), "success")
    return back(url_for(".detail", follow_up_id=follow_up.id))


@bp.route("/efter-mote/<int:meeting_id>", methods=["GET", "POST"])
@redisplays_on_csrf_failure
def after_meeting(meeting_id: int):
    """Right after a meeting: mark it held, write the outcome, add follow-ups, in one form."""
    meeting = meeting_services.load_meeting(meeting_id) or abort(404)
    form = AfterMeetingForm(
        data={"outcome": meeting.outcome, "notes": meeting.notes, "version": meeting.version}
        if request.method == "GET"
        else None
    )
    form.not_started = meeting.starts_at > utcnow()
    default_due = local_today() + timedelta(days=14)
    for row in form.follow_ups:
        row.owner.choices = user_choices()
        if request.method == "GET":
            row.owner.data, row.due_on.data = current_user.id, default_due
    if form.validate_on_submit():
        rows = [r for r in form.follow_ups if (r.title.data or "").strip()]
        try:
            meeting_services.record_outcome(
                meeting,
                outcome=form.outcome.data or "",
                notes=form.notes.data or "",
                expected_version=submitted_version(form.version),
                by=current_user,
            )
            for row in rows:
                if row.due_on.data is None:
                    raise services.InvalidFollowUp(
                        _("Ange sista dag för ”%(title)s”.", title=row.title.data)
                    )
                services.create_follow_up(
                    values=services.FollowUpValues(
                        title=row.title.data,
                        owner_id=row.owner.data or 0,
                        due_on=row.due_on.data,
                        # Only the meeting: the follow-up counts for the meeting's
                        # organisations as they are now (services.follow_up_links).
                        meeting_id=meeting.id,
                    ),
                    by=current_user,
                    today=local_today(),
                )
        except (services.InvalidFollowUp, meeting_services.InvalidMeeting) as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        except EditConflict:
            db.session.rollback()
            form.form_errors.append(
                _("Någon annan har ändrat mötet medan du skrev. Ladda om sidan.")
            )
        else:
            db.session.commit()
            flash(
                ngettext(
                    "Mötet är markerat som genomfört med %(num)d ny uppföljning.",
                    "Mötet är markerat som genomfört med %(num)d nya uppföljningar.",
                    len(rows),
                ),
                "success",
            )
            return redirect(url_for("meetings.detail", meeting_id=meeting.id))
    return render_template("followups/after_meeting.html", form=form, meeting=meeting)


def follow_up_section(
    filters: services.FollowUpFilter, title: str, *, among: Any | None = None
) -> Section:
    """The first 20 follow-ups `filters` give, of those `among` (SQL: ids) when given."""
    items = services.first_follow_ups(filters, today=local_today(), limit=20, among=among)
    return Section(
        "followups/_section.html",
        {
            "follow_ups": items,
            "title": title,
            "today": local_today(),
            "complete_form": CompleteForm(),
        },
    )


@provides("meeting", order=10)
def meeting_follow_ups(meeting: Meeting) -> Section:
    section = follow_up_section(
        services.FollowUpFilter(view=services.View.TEAM, meeting_id=meeting.id), _("Uppföljningar")
    )
    section.context["new_url"] = url_for("followups.create", mote=meeting.id)
    section.context["after_url"] = url_for("followups.after_meeting", meeting_id=meeting.id)
    return section


@provides("organisation", order=20)
def organisation_follow_ups(organisation: Organisation) -> Section:
    if organisation.parent_id is None:  # a top-level organisation: its maintained figure
        section = follow_up_section(
            services.FollowUpFilter(view=services.View.TEAM),
            _("Öppna uppföljningar"),
            among=open_follow_ups_of(organisation.id),
        )
    else:
        section = follow_up_section(
            services.FollowUpFilter(view=services.View.TEAM, organisation_id=organisation.id),
            _("Öppna uppföljningar"),
        )
    section.context["new_url"] = url_for("followups.create", organisation=organisation.id)
    return section


@provides("contact", order=20)
def contact_follow_ups(contact: Contact) -> Section:
    section = follow_up_section(
        services.FollowUpFilter(view=services.View.TEAM, contact_id=contact.id),
        _("Öppna uppföljningar"),
    )
    section.context["new_url"] = url_for("followups.create", kontakt=contact.id)
    return section
