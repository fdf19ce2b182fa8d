"""Meeting pages: list, detail, log or plan a meeting, edit."""

from __future__ import annotations

from datetime import datetime, timedelta
from email.utils import parseaddr

from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from app.audit.display import shown_history
from app.common.arguments import page_number, query_id, query_ids, query_text
from app.common.exceptions import EditConflict
from app.common.forms import conflicting_fields, redisplays_on_csrf_failure, submitted_version
from app.common.pagination import paginate
from app.common.sections import sections_for
from app.common.time import local_today, to_local, utcnow
from app.contacts.services import contacts_for_addresses, split_tags
from app.extensions import db
from app.organisations.forms import county_choices
from app.organisations.forms import kind_choices as organisation_kind_choices
from app.organisations.services import counties

from . import queries, services
from . import sections as _sections  # noqa: F401  (registers the meetings shown on records)
from .forms import (
    MeetingFilterForm,
    MeetingForm,
    fill_meeting_choices,
    kind_choices,
    perspective_choices,
    status_choices,
)
from .models import Meeting, MeetingKind, MeetingStatus
from .participants import find_participants

bp = Blueprint("meetings", __name__, url_prefix="/moten")

PER_PAGE = 50
#: Fields compared when a save meets someone else's newer save.
CONFLICT_FIELDS = (
    "title",
    "kind",
    "status",
    "day",
    "start",
    "end",
    "place",
    "agenda",
    "notes",
    "outcome",
)


def form_values(form: MeetingForm) -> services.MeetingValues:
    """The submitted meeting; raises InvalidMeeting or AskFold."""
    starts_at, ends_at = services.resolve_times(
        services.MeetingTimes(
            day=form.day.data,
            start=form.start.data,
            end=form.end.data,
            end_day=form.end_day.data,
            all_day=form.all_day.data,
            start_fold=int(form.start_fold.data) if form.start_fold.data in ("0", "1") else None,
            end_fold=int(form.end_fold.data) if form.end_fold.data in ("0", "1") else None,
        ),
        today=local_today(),
    )
    return services.MeetingValues(
        title=form.title.data or "",
        kind=form.kind.data,
        status=form.status.data,
        starts_at=starts_at,
        ends_at=ends_at,
        all_day=form.all_day.data,
        responsible_id=form.responsible.data or 0,
        organisation_ids=form.organisations.data or [],
        contact_ids=form.contacts.data or [],
        team_ids=form.team.data or [],
        place=form.place.data or "",
        online_link=form.online_link.data or "",
        agenda=form.agenda.data or "",
        notes=form.notes.data or "",
        outcome=form.outcome.data or "",
        topics=split_tags(form.topics.data or ""),
        target_groups=split_tags(form.target_groups.data or ""),
        perspectives=form.perspectives(),
    )


def form_data(meeting: Meeting) -> dict:
    """A meeting as its edit form shows it, in Stockholm time."""
    start, end = to_local(meeting.starts_at), to_local(meeting.ends_at)
    end_day = meeting.last_day if meeting.all_day else end.date()
    data = {
        "title": meeting.title,
        "kind": meeting.kind,
        "status": meeting.status,
        "day": start.date(),
        "start": start.time(),
        "end": end.time(),
        "end_day": end_day if end_day != start.date() else None,
        "all_day": meeting.all_day,
        "place": meeting.place,
        "online_link": meeting.online_link,
        "organisations": [o.id for o in meeting.organisations],
        "contacts": [c.id for c in meeting.contacts],
        "team": [u.id for u in meeting.team],
        "responsible": meeting.responsible_id,
        "agenda": meeting.agenda,
        "notes": meeting.notes,
        "outcome": meeting.outcome,
        "topics": ", ".join(t.name for t in meeting.topics),
        "target_groups": ", ".join(t.name for t in meeting.target_groups),
        "version": meeting.version,
    }
    for item in meeting.perspectives:
        data[item.perspective.value] = True
        data[f"{item.perspective.value}_note"] = item.note
    return data


def save(form: MeetingForm, meeting: Meeting | None):
    """Validate and save. Returns (redirect, None) on success, else (None, conflict rows or
    None) with the form carrying the problems."""
    if request.form.get("refresh") or not form.validate_on_submit():
        return None, None
    sequence = meeting.sequence if meeting is not None else None
    try:
        values = form_values(form)
        if form.new_contacts.data:  # people from an imported invitation, now confirmed
            invited = [parseaddr(entry) for entry in form.new_contacts.data[:50]]
            created = contacts_for_addresses(invited, by=current_user)
            values.contact_ids = list(dict.fromkeys([*values.contact_ids, *created]))
        if meeting is None:
            meeting = services.schedule_meeting(values=values, by=current_user)
        else:
            services.update_meeting(
                meeting,
                values=values,
                expected_version=submitted_version(form.version),
                by=current_user,
            )
    except services.AskFold as ask:
        field = form.start_fold if ask.which == "start" else form.end_fold
        field.errors.append(
            _("Tiden finns två gånger den natten klockan ställs tillbaka. Välj vilken.")
        )
        return None, None
    except services.InvalidMeeting as error:
        form.form_errors.append(str(error))
        return None, None
    except EditConflict as conflict:
        saved = form_data(conflict.current)
        form.version.data = conflict.current.version
        return None, conflicting_fields(form, {k: saved[k] for k in CONFLICT_FIELDS})
    # Read before the commit expires the meeting (reading it again would begin a transaction).
    meeting_id, resent = meeting.id, sequence is not None and meeting.sequence != sequence
    db.session.commit()
    flash(_("Mötet är sparat."), "success")
    if resent:
        flash(
            _(
                "Tid, plats eller status har ändrats. Skicka eller ladda ner inbjudan igen "
                "så uppdateras deltagarnas kalendrar."
            )
        )
    return redirect(url_for(".detail", meeting_id=meeting_id)), None


@bp.route("/ny", methods=["GET", "POST"])
@redisplays_on_csrf_failure
def create():
    form = MeetingForm()
    if request.method == "GET":
        now = to_local(utcnow())
        start = (now - timedelta(hours=1)).replace(
            minute=0 if now.minute < 30 else 30, second=0, microsecond=0
        )
        form.day.data, form.start.data = start.date(), start.time()
        # Just after midnight this ends at or after 00:00: read as the next day when saved.
        form.end.data = (datetime.combine(start.date(), start.time()) + timedelta(hours=1)).time()
        form.status.data = MeetingStatus.HELD
        form.kind.data = MeetingKind.DIGITAL
        form.responsible.data = current_user.id
        form.team.data = [current_user.id]
        if query_id("organisation"):
            form.organisations.data = [query_id("organisation")]
        if query_id("kontakt"):
            from app.contacts.models import Contact

            contact = db.session.get(Contact, query_id("kontakt"))
            if contact is not None:
                form.contacts.data = [contact.id]
                form.organisations.data = [
                    a.organisation_id for a in contact.current_affiliations()
                ]
    response, _conflict = save(form, None)
    if response is not None:
        return response
    fill_meeting_choices(form)
    form.new_contacts.choices = [(entry, entry) for entry in form.new_contacts.data or []]
    return render_template(
        "meetings/form.html",
        form=form,
        meeting=None,
        conflict_rows=None,
        topics=services.topic_suggestions(),
        target_groups=services.target_group_suggestions(),
    )


@bp.route("/<int:meeting_id>/redigera", methods=["GET", "POST"])
@redisplays_on_csrf_failure
def edit(meeting_id: int):
    meeting = services.load_meeting(meeting_id) or abort(404)
    form = MeetingForm(data=form_data(meeting) if request.method == "GET" else None)
    response, conflict_rows = save(form, meeting)
    if response is not None:
        return response
    fill_meeting_choices(form)
    status = 409 if conflict_rows is not None else 200
    return render_template(
        "meetings/form.html",
        form=form,
        meeting=meeting,
        conflict_rows=conflict_rows,
        topics=services.topic_suggestions(),
        target_groups=services.target_group_suggestions(),
    ), status


@bp.post("/<int:meeting_id>/stall-in")
def cancel(meeting_id: int):
    """Call the meeting off; the page then offers the cancellation for the calendars."""
    meeting = services.load_meeting(meeting_id) or abort(404)
    try:
        services.cancel_meeting(
            meeting, expected_version=request.form.get("version", -1, type=int), by=current_user
        )
    except EditConflict:
        flash(_("Någon annan har ändrat mötet. Kontrollera det och försök igen."), "error")
        return redirect(url_for(".detail", meeting_id=meeting.id))
    db.session.commit()
    flash(_("Mötet är inställt. Skicka avbokningen så försvinner det ur deltagarnas kalendrar."))
    return redirect(url_for(".detail", meeting_id=meeting.id))


@bp.get("/deltagare")
def participants():
    """JSON for the participant picker: contacts at the chosen organisations matching `q`."""
    organisation_ids = query_ids("organisation")
    found = find_participants(organisation_ids, query_text("q", limit=100))
    response = jsonify(
        results=[
            {"id": p.id, "name": p.name, "detail": p.detail, "at_chosen": p.at_chosen}
            for p in found
        ]
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/<int:meeting_id>")
def detail(meeting_id: int):
    meeting = services.load_meeting(meeting_id) or abort(404)
    return render_template(
        "meetings/detail.html",
        meeting=meeting,
        sections=sections_for("meeting", meeting),
        events=shown_history(meeting),
    )


def list_filters() -> tuple[MeetingFilterForm, queries.MeetingFilter]:
    """The list's filter form from the query string, and the filters it means (the list
    and its exports)."""
    form = MeetingFilterForm(request.args)
    form.typ.choices = kind_choices(blank=_("Alla typer"))
    form.status.choices = status_choices(blank=_("Alla"))
    form.orgtyp.choices = organisation_kind_choices(blank=_("Alla typer"))
    form.lan.choices = county_choices(counties(), blank=_("Alla län"))
    form.person.choices = [SelectChoice("", _("Alla"))] + [
        SelectChoice(u.id, u.name) for u in services.active_users()
    ]
    form.perspektiv.choices = perspective_choices(blank=_("Alla"))
    filters = queries.MeetingFilter(
        q=form.q.data or "",
        start=form.fran.data,
        end=form.till.data,
        kind=form.typ.data,
        status=form.status.data,
        organisation_kind=form.orgtyp.data,
        county=form.lan.data or None,
        user_id=form.person.data,
        topic=form.amne.data or None,
        perspective=form.perspektiv.data,
    )
    return form, filters


@bp.get("")
def index():
    form, filters = list_filters()
    page = paginate(
        queries.meeting_query(filters),
        page=page_number(),
        per_page=PER_PAGE,
        load=queries.meetings_by_id,
    )
    return render_template("meetings/index.html", form=form, page=page)
