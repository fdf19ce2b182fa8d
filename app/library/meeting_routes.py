"""The library on a meeting's page: material handed over at the meeting, and research
references linked to it (views on the library's blueprint)."""

from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.extensions import db
from app.meetings.models import Meeting

from . import research, services
from .forms import MeetingDeliveryForm, ReferenceLinkForm
from .models import Channel
from .routes import bp


@bp.post("/mote/<int:meeting_id>")
def meeting_delivery(meeting_id: int):
    """Record material handed over at a meeting to its organisations and contacts."""
    meeting = db.session.get(Meeting, meeting_id) or abort(404)
    form = MeetingDeliveryForm()
    version = (
        db.session.get(services.MaterialVersion, form.version_id.data)
        if form.validate_on_submit() and form.version_id.data
        else None
    )
    back = url_for("meetings.detail", meeting_id=meeting.id, _anchor="handed-over-heading")
    if version is None:
        flash(_("Välj vilket material som lämnades."), "error")
        return redirect(back)
    allowed_orgs = {o.id for o in meeting.organisations}
    allowed_contacts = {c.id for c in meeting.contacts}
    try:
        made = services.record_deliveries(
            version,
            channel=Channel.MEETING,
            delivered_on=meeting.local_start.date(),
            organisation_ids=[o for o in form.organisations.data or [] if o in allowed_orgs],
            contact_ids=[c for c in form.contacts.data or [] if c in allowed_contacts],
            meeting=meeting,
            by=current_user,
        )
    except services.InvalidMaterial as error:
        flash(str(error), "error")
        return redirect(back)
    db.session.commit()
    flash(_("Registrerat: lämnat till %(num)d mottagare.", num=len(made)), "success")
    return redirect(back)


@bp.post("/mote/<int:meeting_id>/referenser")
def link_reference(meeting_id: int):
    """Link a reference to a meeting where it was discussed."""
    meeting = db.session.get(Meeting, meeting_id) or abort(404)
    form = ReferenceLinkForm()
    back = url_for("meetings.detail", meeting_id=meeting.id, _anchor="references-heading")
    try:
        if not form.validate_on_submit():
            raise services.InvalidMaterial(_("Välj en referens i listan."))
        material = research.live_material(form.material_id.data)
        research.link_reference(meeting, material, by=current_user)
    except services.InvalidMaterial as error:
        flash(str(error), "error")
        return redirect(back)
    db.session.commit()
    flash(_("Referensen är kopplad till mötet."), "success")
    return redirect(back)


@bp.post("/mote/<int:meeting_id>/referenser/<int:material_id>/ta-bort")
def unlink_reference(meeting_id: int, material_id: int):
    """Remove a reference from a meeting."""
    meeting = db.session.get(Meeting, meeting_id) or abort(404)
    material = services.load_material(material_id) or abort(404)
    back = url_for("meetings.detail", meeting_id=meeting.id, _anchor="references-heading")
    if ReferenceLinkForm().validate_on_submit() and research.unlink_reference(
        meeting, material, by=current_user
    ):
        db.session.commit()
        flash(_("Referensen är borttagen från mötet."), "success")
    return redirect(back)
