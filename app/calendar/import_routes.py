"""Read a received invitation: upload the .ics and, depending on what it is, check the
pre-filled meeting form and save it (a new meeting, or one per occurrence of a series),
confirm an update or a cancellation of the meeting it belongs to, or record attendees'
answers. Nothing is stored until the user saves or confirms; a file that cannot be used
gets a Swedish message, never an error page."""

from __future__ import annotations

from datetime import timedelta

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select

from app.auth.models import User
from app.common.exceptions import EditConflict
from app.common.forms import redisplays_on_csrf_failure, submitted_version
from app.common.time import to_local, utcnow
from app.contacts.queries import contacts_by_address
from app.extensions import db
from app.meetings.forms import fill_meeting_choices
from app.meetings.models import MeetingKind, MeetingStatus
from app.meetings.routes import form_values
from app.meetings.services import (
    AskFold,
    InvalidMeeting,
    target_group_suggestions,
    topic_suggestions,
)
from app.organisations.forms import organisation_choices
from app.organisations.services import organisation_choices as active_organisations

from . import intake as intakes
from . import series
from .import_people import InvalidPerson, NewPerson, add_people
from .importer import MAX_BYTES, Invite
from .intake_forms import (
    ADD,
    EACH,
    IntakeConfirmForm,
    IntakeMeetingForm,
    InviteUploadForm,
    SeveralEventsForm,
    pack,
    unpack,
)
from .intake_services import (
    cancel_from_invite,
    import_meetings,
    import_picked,
    update_from_invite,
)
from .replies import record_answers
from .routes import bp


def _known_people(invite: Invite):
    people = invite.people
    contacts = contacts_by_address([p.email for p in people])
    users = {
        u.email.lower(): u
        for u in db.session.scalars(
            select(User).where(User.active, User.email.in_([p.email.lower() for p in people]))
        )
    }
    return people, contacts, users


def prefilled_form(invite: Invite, data: bytes) -> IntakeMeetingForm:
    """The meeting form filled from the invitation, with a row per unknown person."""
    start, end = to_local(invite.starts_at), to_local(invite.ends_at)
    people, contacts, users = _known_people(invite)
    known = [contacts[p.email.lower()] for p in people if p.email.lower() in contacts]
    organizer = invite.organizer and users.get(invite.organizer.email.lower())
    last_day = end.date() - timedelta(days=1) if invite.all_day else end.date()
    data_ = {
        "title": invite.title,
        "kind": MeetingKind.DIGITAL if invite.online_link else MeetingKind.IN_PERSON,
        "status": MeetingStatus.PLANNED if invite.starts_at > utcnow() else MeetingStatus.HELD,
        "day": start.date(),
        "start": None if invite.all_day else start.time(),
        "end": None if invite.all_day else end.time(),
        "all_day": invite.all_day,
        "end_day": last_day if last_day != start.date() else None,
        "place": invite.place,
        "online_link": invite.online_link,
        "agenda": invite.description[:20000],
        "organisations": list(
            dict.fromkeys(a.organisation_id for c in known for a in c.current_affiliations())
        ),
        "contacts": list(dict.fromkeys(c.id for c in known)),
        "responsible": organizer.id if organizer else current_user.id,
        "team": list(dict.fromkeys([*(u.id for u in users.values()), current_user.id])),
        "intake_file": pack(data),
        "people": [
            {"email": p.email, "full_name": p.name, "action": "skip", "organisation": None}
            for p in people
            if p.email.lower() not in contacts and p.email.lower() not in users
        ][:50],
        "series_from": start.date(),
        "series_to": start.date() + timedelta(days=90),
    }
    form = IntakeMeetingForm(formdata=None, data=data_)
    fill_choices(form)
    return form


def fill_choices(form: IntakeMeetingForm) -> None:
    fill_meeting_choices(form)
    _person_choices(form, form.organisations.choices)


def _person_choices(form: IntakeMeetingForm | IntakeConfirmForm, choices) -> None:
    organisations = [("", _("Ingen organisation")), *choices]
    for entry in form.people:
        entry.organisation.choices = organisations


def confirm_form(result: intakes.Intake, data: bytes, *, formdata=None) -> IntakeConfirmForm:
    """The confirmation, with a row per person new to Samverkan the update adds (skipped
    unless the user picks otherwise, as on the first import)."""
    rows = [
        {"email": p.email, "full_name": p.name, "action": "skip", "organisation": None}
        for p in result.participants.new_people[:50]
    ]
    form = IntakeConfirmForm(formdata=formdata, data={"people": rows})
    if formdata is None:
        form.intake_file.data = pack(data)
        form.version.data = ",".join(str(m.version) for m in result.meetings)
    if form.people.entries:
        _person_choices(form, organisation_choices(active_organisations(), blank="")[1:])
    return form


def _render_new(form: IntakeMeetingForm, result: intakes.Intake, status: int = 200):
    return render_template(
        "meetings/form.html",
        form=form,
        meeting=None,
        conflict_rows=None,
        form_action=url_for("calendar.import_save"),
        imported=result.invite,
        intake=result,
        topics=topic_suggestions(),
        target_groups=target_group_suggestions(),
    ), status


_AUTO = object()


def _render_upload(message: str = "", status: int = 200):
    upload = InviteUploadForm(formdata=None)
    if message:
        upload.file.errors = [message]
    return render_template("calendar/import.html", form=upload), status


def _show(result: intakes.Intake, data: bytes):
    """The page for what the file turned out to be."""
    if result.kind == intakes.ERROR:
        return _render_upload(result.message, 400)
    if result.kind == intakes.NEW:
        return _render_new(prefilled_form(result.invite, data), result)
    if result.kind == intakes.SEVERAL:
        form = several_form(formdata=None)
        form.intake_file.data = pack(data)
        return _render_several(form, result)
    if result.kind == intakes.REPLY:
        meeting = result.meeting
        recorded = record_answers(meeting, result.invite, by=current_user)
        db.session.commit()
        if recorded:
            who = ", ".join(e for e, _a in recorded)
            flash(_("Svaret från %(who)s är sparat.", who=who), "success")
        else:
            flash(_("Svaret är äldre än det som redan finns. Inget ändrades."))
        return redirect(url_for("meetings.detail", meeting_id=meeting.id))
    return render_template(
        "calendar/intake_confirm.html", form=confirm_form(result, data), intake=result
    )


@bp.route("/moten/importera-inbjudan", methods=["GET", "POST"])
def import_invite():
    upload = InviteUploadForm()
    if upload.validate_on_submit():
        upload_file = request.files["file"]
        try:
            data = upload_file.stream.read(MAX_BYTES + 1)
        finally:
            upload_file.close()
        return _show(intakes.read_intake(data), data)
    status = 400 if upload.errors else 200
    return render_template("calendar/import.html", form=upload), status


def _reread(form) -> tuple[intakes.Intake, bytes]:
    data = unpack(form.intake_file.data)
    if not data:
        return intakes.Intake(
            kind=intakes.ERROR, message=_("Inbjudan kom inte med. Ladda upp filen igen.")
        ), data
    return intakes.read_intake(data), data


@bp.post("/moten/importera-inbjudan/spara")
@redisplays_on_csrf_failure
def import_save():
    """Save the new meeting (or one per occurrence) with the chosen new contacts."""
    form = IntakeMeetingForm()
    fill_choices(form)
    result, data = _reread(form)
    if result.kind != intakes.NEW:
        return _show(result, data)
    if not form.validate_on_submit():
        return _render_new(form, result, 400)
    invite = result.invite
    try:
        values = form_values(form)
        people = [
            NewPerson(e.email.data or "", e.full_name.data or "", e.organisation.data)
            for e in form.people
            if e.action.data == ADD
        ]
        contact_ids, organisation_ids = add_people(people, by=current_user)
        values.contact_ids = list(dict.fromkeys([*values.contact_ids, *contact_ids]))
        values.organisation_ids = list(dict.fromkeys([*values.organisation_ids, *organisation_ids]))
        occurrences = None
        if invite.recurring and form.series.data == EACH:
            occurrences = series.occurrences(
                invite,
                first=form.series_from.data or to_local(invite.starts_at).date(),
                last=form.series_to.data or to_local(invite.starts_at).date(),
            )
            if not occurrences:
                raise InvalidMeeting(_("Serien har inga tillfällen mellan de valda datumen."))
        meetings = import_meetings(
            values=values, invite=invite, occurrences=occurrences, by=current_user
        )
    except AskFold as ask:
        db.session.rollback()
        field = form.start_fold if ask.which == "start" else form.end_fold
        field.errors.append(
            _("Tiden finns två gånger den natten klockan ställs tillbaka. Välj vilken.")
        )
        return _render_new(form, result, 400)
    except (InvalidMeeting, InvalidPerson) as error:
        db.session.rollback()
        form.form_errors.append(str(error))
        return _render_new(form, result, 400)
    db.session.commit()
    if invite.recurring and occurrences is None:
        flash(_("Inbjudan gäller ett återkommande möte; bara det första tillfället sparades."))
    if len(meetings) > 1:
        flash(_("%(n)s möten är sparade, ett per tillfälle.", n=len(meetings)), "success")
    else:
        flash(_("Mötet är sparat."), "success")
    return redirect(url_for("meetings.detail", meeting_id=meetings[0].id))


def several_form(*, formdata=_AUTO) -> SeveralEventsForm:
    """The picking form of an exported calendar, with the organisations to choose from."""
    form = SeveralEventsForm() if formdata is _AUTO else SeveralEventsForm(formdata=formdata)
    form.organisation.choices = organisation_choices(
        active_organisations(), blank=_("Välj organisation")
    )
    return form


def _render_several(form: SeveralEventsForm, result: intakes.Intake, status: int = 200):
    return render_template("calendar/intake_several.html", form=form, intake=result), status


@bp.post("/moten/importera-inbjudan/valj")
@redisplays_on_csrf_failure
def import_pick():
    """Save the picked events of an exported calendar: new ones as meetings, known ones as
    updates of their meetings."""
    form = several_form()
    result, data = _reread(form)
    if result.kind != intakes.SEVERAL:
        return _show(result, data)
    if not form.validate_on_submit():
        return _render_several(form, result, 400)
    numbers = set(form.events.data or [])
    if not any(e.selectable and e.number in numbers for e in result.entries):
        form.events.errors = [_("Välj minst ett möte att läsa in.")]
        return _render_several(form, result, 400)
    try:
        done = import_picked(
            result.entries, numbers, organisation_id=form.organisation.data, by=current_user
        )
    except (InvalidMeeting, EditConflict) as error:
        db.session.rollback()
        form.form_errors.append(
            str(error) if isinstance(error, InvalidMeeting) else _("Ett av mötena har ändrats.")
        )
        return _render_several(form, result, 400)
    db.session.commit()
    if done.created:
        flash(
            ngettext("%(num)d möte är sparat.", "%(num)d möten är sparade.", len(done.created))
            + " "
            + ", ".join(m.title for m in done.created[:20]),
            "success",
        )
    if done.updated:
        flash(
            ngettext(
                "%(num)d möte är uppdaterat.", "%(num)d möten är uppdaterade.", len(done.updated)
            )
            + " "
            + ", ".join(m.title for m in done.updated[:20]),
            "success",
        )
    if done.skipped:
        flash(
            ngettext(
                "%(num)d möte var redan aktuellt.",
                "%(num)d möten var redan aktuella.",
                done.skipped,
            )
        )
    return redirect(url_for("meetings.index"))


def _versions(form: IntakeConfirmForm) -> list[int]:
    try:
        return [int(v) for v in (form.version.data or "").split(",") if v]
    except ValueError:
        return []


@bp.post("/moten/importera-inbjudan/bekrafta")
@redisplays_on_csrf_failure
def import_confirm():
    """Apply a confirmed update or cancellation."""
    result, data = _reread(IntakeConfirmForm())
    form = confirm_form(result, data, formdata=request.form)
    if not form.validate_on_submit() or result.kind not in (intakes.UPDATE, intakes.CANCEL):
        if result.kind == intakes.UNCHANGED:
            flash(_("Mötet har redan de här uppgifterna."))
            return redirect(url_for("meetings.detail", meeting_id=result.meeting.id))
        return _show(result, data)
    if _versions(form) != [m.version for m in result.meetings]:
        flash(_("Någon annan har ändrat mötet under tiden. Kontrollera ändringarna igen."), "error")
        return _show(result, data)
    try:
        if result.kind == intakes.UPDATE:
            offered = {p.email.lower() for p in result.participants.new_people}
            contact_ids, organisation_ids = add_people(
                [
                    NewPerson(e.email.data or "", e.full_name.data or "", e.organisation.data)
                    for e in form.people
                    if e.action.data == ADD and (e.email.data or "").lower() in offered
                ],
                by=current_user,
            )
            update_from_invite(
                result.meeting,
                result.invite,
                expected_version=submitted_version(form.version),
                by=current_user,
                people=result.participants,
                new_contact_ids=contact_ids,
                new_organisation_ids=organisation_ids,
            )
            message = _("Mötet är uppdaterat från inbjudan.")
        else:
            cancel_from_invite(result.meetings, result.invite, by=current_user)
            message = _("Mötet är markerat som inställt.")
    except (InvalidMeeting, InvalidPerson, EditConflict) as error:
        db.session.rollback()
        flash(
            str(error) if not isinstance(error, EditConflict) else _("Mötet har ändrats."), "error"
        )
        return redirect(url_for("meetings.detail", meeting_id=result.meeting.id))
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("meetings.detail", meeting_id=result.meeting.id))
