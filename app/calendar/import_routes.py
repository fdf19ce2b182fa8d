"""Log a meeting from a received invitation: upload the .ics, check the pre-filled meeting
form, and save it as usual. Nothing is stored until the form is saved."""

from __future__ import annotations

from datetime import timedelta
from email.utils import formataddr

from flask import render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import select
from wtforms import SelectChoice

from app.auth.models import User
from app.common.forms import Form
from app.common.time import to_local, utcnow
from app.contacts.queries import contacts_by_address
from app.extensions import db
from app.meetings.forms import MeetingForm, fill_meeting_choices
from app.meetings.models import MeetingKind, MeetingStatus
from app.meetings.services import target_group_suggestions, topic_suggestions

from .importer import MAX_BYTES, InvalidInvite, Invite, parse_invite
from .routes import bp

REASONS = {
    "too-large": _l("Filen är för stor för att vara en kalenderinbjudan (högst 1 MB)."),
    "not-calendar": _l(
        "Filen är inte en kalenderfil (.ics). Spara inbjudan från e-postprogrammet och försök igen."
    ),
    "no-event": _l("Kalenderfilen innehåller inget möte."),
    "several-events": _l("Kalenderfilen innehåller flera möten. Ladda upp en inbjudan i taget."),
    "no-start": _l("Mötet i kalenderfilen saknar starttid."),
}


class InviteUploadForm(Form):
    file = FileField(
        _l("Kalenderfil (.ics)"),
        validators=[FileRequired(message=_l("Välj en kalenderfil att läsa in."))],
    )


def prefilled_form(invite: Invite) -> tuple[MeetingForm, list[SelectChoice]]:
    """The meeting form filled from the invitation, and the unknown people it names."""
    start, end = to_local(invite.starts_at), to_local(invite.ends_at)
    people = invite.people
    contacts = contacts_by_address([p.email for p in people])
    users = {
        u.email.lower(): u
        for u in db.session.scalars(
            select(User).where(User.active, User.email.in_([p.email.lower() for p in people]))
        )
    }
    known = [contacts[p.email.lower()] for p in people if p.email.lower() in contacts]
    contact_ids = list(dict.fromkeys(c.id for c in known))
    organisation_ids = list(
        dict.fromkeys(a.organisation_id for c in known for a in c.current_affiliations())
    )
    organizer = invite.organizer and users.get(invite.organizer.email.lower())
    unknown = [
        SelectChoice(formataddr((p.name, p.email)), f"{p.name} ({p.email})" if p.name else p.email)
        for p in people
        if p.email.lower() not in contacts and p.email.lower() not in users
    ]
    last_day = end.date() - timedelta(days=1) if invite.all_day else end.date()
    data = {
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
        "organisations": organisation_ids,
        "contacts": contact_ids,
        "responsible": organizer.id if organizer else current_user.id,
        "team": list(dict.fromkeys([*(u.id for u in users.values()), current_user.id])),
        "new_contacts": [choice.value for choice in unknown],
    }
    form = MeetingForm(formdata=None, data=data)
    fill_meeting_choices(form)
    form.new_contacts.choices = unknown
    return form, unknown


@bp.route("/moten/importera-inbjudan", methods=["GET", "POST"])
def import_invite():
    upload = InviteUploadForm()
    if upload.validate_on_submit():
        upload_file = request.files["file"]
        try:
            data = upload_file.stream.read(MAX_BYTES + 1)
        finally:
            upload_file.close()
        try:
            invite = parse_invite(data)
        except InvalidInvite as error:
            upload.file.errors = [str(REASONS[error.reason])]
        else:
            form, _unknown = prefilled_form(invite)
            return render_template(
                "meetings/form.html",
                form=form,
                meeting=None,
                conflict_rows=None,
                form_action=url_for("meetings.create"),
                imported=invite,
                topics=topic_suggestions(),
                target_groups=target_group_suggestions(),
            )
    status = 400 if upload.errors else 200
    return render_template("calendar/import.html", form=upload), status
