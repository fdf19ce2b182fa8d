"""Calendar pages: invitation and cancellation files, sending them, the subscription feeds
and the page where a user gets their feed links."""

from __future__ import annotations

import hashlib
from datetime import datetime

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.access import public, readers_may_post
from app.common.downloads import attachment
from app.common.sections import Section, provides
from app.common.time import local_midnight, local_today
from app.extensions import db
from app.meetings.models import Meeting, MeetingStatus
from app.meetings.services import load_meeting

from . import ics, services
from .mail import MailFailed, MailSettings, build_message, send_messages

bp = Blueprint("calendar", __name__)


def _meeting_url(meeting: Meeting) -> str:
    return url_for("meetings.detail", meeting_id=meeting.id, _external=True)


def _file_name(meeting: Meeting, suffix: str = "") -> str:
    day = meeting.local_start.date().isoformat()
    title = "".join(c for c in meeting.title if c.isalnum() or c in " -_,.åäöÅÄÖ").strip()
    return f"{day} {title[:60]}{suffix}.ics"


def _calendar_file(data: bytes, *, method: str, filename: str) -> Response:
    return attachment(
        data, filename=filename, mimetype=f"text/calendar; charset=utf-8; method={method}"
    )


@bp.get("/moten/<int:meeting_id>/inbjudan.ics")
def invitation(meeting_id: int):
    """METHOD:REQUEST: the current state of the meeting (also the update after a change)."""
    meeting = load_meeting(meeting_id) or abort(404)
    if meeting.status is MeetingStatus.CANCELLED:
        return redirect(url_for(".cancellation", meeting_id=meeting.id))
    event = services.meeting_event(meeting, url=_meeting_url(meeting))
    return _calendar_file(
        ics.invite(event, method="REQUEST"), method="REQUEST", filename=_file_name(meeting)
    )


@bp.get("/moten/<int:meeting_id>/avbokning.ics")
def cancellation(meeting_id: int):
    """METHOD:CANCEL for a cancelled meeting: same UID, higher SEQUENCE."""
    meeting = load_meeting(meeting_id) or abort(404)
    if meeting.status is not MeetingStatus.CANCELLED:
        abort(404)
    event = services.meeting_event(meeting, url=_meeting_url(meeting))
    return _calendar_file(
        ics.invite(event, method="CANCEL"),
        method="CANCEL",
        filename=_file_name(meeting, " " + _("inställt")),
    )


def mail_settings() -> MailSettings | None:
    return MailSettings.from_config(current_app.config)


@bp.post("/moten/<int:meeting_id>/skicka")
def send(meeting_id: int):
    """E-mail the invitation (or the cancellation) to every attendee with an address."""
    meeting = load_meeting(meeting_id) or abort(404)
    settings = mail_settings() or abort(404)
    event = services.meeting_event(meeting, url=_meeting_url(meeting))
    method = "CANCEL" if event.cancelled else "REQUEST"
    data = ics.invite(event, method=method)
    recipients = [
        p for p in event.attendees if p.email.lower() != meeting.responsible.email.lower()
    ]
    if not recipients:
        flash(_("Ingen deltagare har en e-postadress."), "error")
        return redirect(url_for("meetings.detail", meeting_id=meeting.id))
    subject = (
        _("Inställt: %(title)s", title=meeting.title)
        if event.cancelled
        else _("Inbjudan: %(title)s", title=meeting.title)
    )
    text = render_template("calendar/invitation.txt", meeting=meeting, event=event)
    messages = [
        build_message(
            event=event,
            ics=data,
            method=method,
            to=person,
            subject=subject,
            text=text,
            sender=settings.sender,
        )
        for person in recipients
    ]
    try:
        send_messages(settings, messages)
    except MailFailed:
        current_app.logger.exception("Sending the invitation for meeting %s failed", meeting.id)
        flash(_("E-postservern svarade inte; inget skickades. Försök igen senare."), "error")
    else:
        flash(_("Skickat till %(n)s mottagare.", n=len(messages)), "success")
    return redirect(url_for("meetings.detail", meeting_id=meeting.id))


@provides("meeting", order=50)
def calendar_section(meeting: Meeting) -> Section:
    return Section(
        "calendar/_section.html",
        {"meeting": meeting, "can_mail": mail_settings() is not None},
    )


# Feeds ---------------------------------------------------------------------------------


def _feed_response(data: bytes) -> Response:
    """The feed with an ETag; 304 when the client already has this version."""
    etag = hashlib.sha256(data).hexdigest()[:32]
    if request.if_none_match.contains(etag):
        response = Response(status=304)
    else:
        response = Response(data, content_type="text/calendar; charset=utf-8")
        response.headers["Content-Disposition"] = 'inline; filename="samverkan.ics"'
    response.set_etag(etag)
    response.headers["Cache-Control"] = "private, no-cache"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _feed_day() -> datetime:
    """The moment a feed is counted from: the start of today (Stockholm), so that a feed is
    the same all day until something is written, and clients polling it get 304s."""
    return local_midnight(local_today())


@bp.get("/kalender/<token>.ics")
@public
def personal_feed(token: str):
    user = services.user_for_feed_token(token) or abort(404)

    def build() -> bytes:
        meetings, follow_ups = services.personal_feed_items(user, now=_feed_day())
        events = [
            services.meeting_event(m, url=_meeting_url(m), with_people=False) for m in meetings
        ]
        events += [
            services.follow_up_event(
                f, url=url_for("followups.detail", follow_up_id=f.id, _external=True)
            )
            for f in follow_ups
        ]
        name = _("Samverkan: %(name)s", name=user.name)
        return ics.feed(events, name=name, description=_("Möten och uppföljningar i Samverkan"))

    return _feed_response(build())


@bp.get("/kalender/<token>/team.ics")
@public
def team_feed(token: str):
    services.user_for_feed_token(token) or abort(404)

    def build() -> bytes:
        meetings = services.team_feed_meetings(now=_feed_day())
        events = [
            services.meeting_event(m, url=_meeting_url(m), with_people=False) for m in meetings
        ]
        return ics.feed(events, name=_("Samverkan: teamets möten"))

    return _feed_response(build())


def feed_links(token: str) -> dict[str, str]:
    mine = url_for(".personal_feed", token=token, _external=True)
    team = url_for(".team_feed", token=token, _external=True)
    return {
        "mine": mine,
        "mine_webcal": "webcal://" + mine.split("://", 1)[1],
        "team": team,
        "team_webcal": "webcal://" + team.split("://", 1)[1],
    }


@bp.get("/kalender")
def subscription():
    return render_template("calendar/subscription.html", links=None)


@bp.post("/kalender/ny-lank")
@readers_may_post
def new_link():
    """Make a new secret link (revoking the old) and show it, this once."""
    token = services.issue_feed_token(current_user)
    db.session.commit()
    return render_template("calendar/subscription.html", links=feed_links(token))


@bp.post("/kalender/ta-bort-lank")
@readers_may_post
def revoke_link():
    services.revoke_feed_token(current_user)
    db.session.commit()
    flash(_("Prenumerationslänken är borttagen; kalendrar som använde den uppdateras inte."))
    return redirect(url_for(".subscription"))
