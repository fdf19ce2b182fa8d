"""Calendar pages: invitation and cancellation files, sending them, the subscription feeds
and the page where a user gets their feed links."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

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
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.access import public, readers_may_post
from app.auth.models import User
from app.common.downloads import attachment
from app.common.sections import Section, provides
from app.common.time import local_today, utcnow
from app.extensions import db
from app.meetings.models import Meeting, MeetingStatus
from app.meetings.services import load_meeting
from app.security.models import SecurityKind
from app.security.services import count_refusal_apart, refusals_since

from . import feeds, ics, invitations, services
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
    if meeting.organised_elsewhere:
        abort(404)
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
    if meeting.organised_elsewhere:
        abort(404)
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
    """E-mail the invitation (or the cancellation) to every attendee with an address, and a
    cancellation to each one invited before and removed since (calendar/invitations.py)."""
    meeting = load_meeting(meeting_id) or abort(404)
    settings = mail_settings() or abort(404)
    if meeting.organised_elsewhere:  # its organizer sends; a second event would duplicate it
        flash(
            _("Mötet organiseras av någon annan. Samverkan skickar ingen egen inbjudan."), "error"
        )
        return redirect(url_for("meetings.detail", meeting_id=meeting.id))
    event = services.meeting_event(meeting, url=_meeting_url(meeting))
    planned = invitations.plan_invitations(meeting, event)
    if not planned:
        flash(_("Ingen deltagare har en e-postadress."), "error")
        return redirect(url_for("meetings.detail", meeting_id=meeting.id))
    subject = (
        _("Inställt: %(title)s", title=meeting.title)
        if event.cancelled
        else _("Inbjudan: %(title)s", title=meeting.title)
    )
    text = render_template("calendar/invitation.txt", meeting=meeting, event=event)
    removed_subject = _("Du deltar inte längre: %(title)s", title=meeting.title)
    removed_text = render_template(
        "calendar/invitation.txt", meeting=meeting, event=event, removed=True
    )
    messages = [
        build_message(
            event=item.event,
            ics=item.data,
            method=item.method,
            to=item.to,
            subject=removed_subject if item.removed else subject,
            text=removed_text if item.removed else text,
            sender=settings.sender,
        )
        for item in planned
    ]
    try:
        send_messages(settings, messages)
    except MailFailed:
        current_app.logger.exception("Sending the invitation for meeting %s failed", meeting.id)
        flash(_("E-postservern svarade inte; inget skickades. Försök igen senare."), "error")
    else:
        invitations.record_sent(meeting, planned)
        db.session.commit()
        flash(_("Skickat till %(n)s mottagare.", n=len(messages)), "success")
    return redirect(url_for("meetings.detail", meeting_id=meeting.id))


@provides("meeting", order=50)
def calendar_section(meeting: Meeting) -> Section:
    return Section(
        "calendar/_section.html",
        {"meeting": meeting, "can_mail": mail_settings() is not None},
    )


# Feeds ---------------------------------------------------------------------------------


def _not_modified(etag: str) -> Response | None:
    """304 when the client already has this version of the feed."""
    if not request.if_none_match.contains(etag):
        return None
    return _feed_headers(Response(status=304), etag)


def _feed_headers(response: Response, etag: str) -> Response:
    response.set_etag(etag)
    response.headers["Cache-Control"] = "private, no-cache"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _feed_response(data: bytes, etag: str) -> Response:
    # The body says METHOD:PUBLISH; the Content-Type must say so too (RFC 6047 2.4).
    response = Response(data, content_type="text/calendar; charset=utf-8; method=PUBLISH")
    response.headers["Content-Disposition"] = 'inline; filename="samverkan.ics"'
    return _feed_headers(response, etag)


def _window() -> feeds.FeedWindow:
    return feeds.feed_window(current_app.config, local_today())


def _max_events() -> int:
    return int(current_app.config.get("FEED_MAX_EVENTS", feeds.DEFAULT_MAX_EVENTS))


def _personal_limits() -> tuple[int, int]:
    """A person's own feed: at most this many meetings, and follow-ups (the upcoming first)."""
    config = current_app.config
    return (
        int(config.get("FEED_PERSONAL_MAX_MEETINGS", feeds.DEFAULT_PERSONAL_MEETINGS)),
        int(config.get("FEED_PERSONAL_MAX_FOLLOW_UPS", feeds.DEFAULT_PERSONAL_FOLLOW_UPS)),
    )


def _links(endpoint: str, argument: str) -> Callable[[int], str]:
    """The address of each item by id, with url_for called once: a feed has thousands of
    links that differ only in the id, and url_for was a tenth of a feed's time."""
    marker = "987654321"
    head, tail = url_for(endpoint, **{argument: int(marker)}, _external=True).split(marker, 1)
    return lambda item_id: f"{head}{item_id}{tail}"


def _feed_etag(version: feeds.FeedVersion, window: feeds.FeedWindow, *parts: object) -> str:
    """The feed's version with everything else its text depends on: the window, the
    language, the address of the app, the events' limit."""
    return version.etag(window, str(get_locale()), request.url_root, _max_events(), *parts)


def _feed_owner(token: str) -> User:
    """The feed token's user; 404 for a wrong token (counted per address and minute in the
    security log), 429 once an address has guessed wrong FEED_THROTTLE_LIMIT times within
    FEED_THROTTLE_WINDOW (counted in the database, so across every worker)."""
    address = request.remote_addr or "unknown"
    window = current_app.config["FEED_THROTTLE_WINDOW"]
    if not isinstance(window, timedelta):
        window = timedelta(seconds=int(window))
    limit = int(current_app.config["FEED_THROTTLE_LIMIT"])
    since = utcnow() - window
    if refusals_since(SecurityKind.FEED_TOKEN_REFUSED, address=address, since=since) >= limit:
        count_refusal_apart(SecurityKind.FEED_THROTTLED, address=address, subject=request.path)
        abort(429)
    user = services.user_for_feed_token(token)
    if user is None:
        count_refusal_apart(SecurityKind.FEED_TOKEN_REFUSED, address=address, subject=request.path)
        abort(404)
    return user


@bp.get("/kalender/<token>.ics")
@public
def personal_feed(token: str):
    """The user's meetings (responsible or on the team) and follow-ups' due days in the
    window, each kind capped (`_personal_limits`); 304 when unchanged, decided before
    anything is built."""
    user = _feed_owner(token)
    window = _window()
    meeting_limit, follow_up_limit = _personal_limits()
    version = feeds.feed_version(window, user=user, limit=meeting_limit)
    etag = _feed_etag(
        version,
        window,
        "personal",
        meeting_limit,
        follow_up_limit,
        user.id,
        user.name,
        user.feed_token_hash,
    )
    if (unchanged := _not_modified(etag)) is not None:
        return unchanged
    context = (str(get_locale()), request.url_root)
    texts = feeds.meeting_texts(
        window,
        version,
        user=user,
        limit=meeting_limit,
        url=_links("meetings.detail", "meeting_id"),
        context=context,
    )
    texts += feeds.follow_up_texts(
        user,
        window,
        version,
        limit=follow_up_limit,
        url=_links("followups.detail", "follow_up_id"),
        context=context,
    )
    name = _("Samverkan: %(name)s", name=user.name)
    body = ics.feed_from_texts(
        texts, name=name, description=_("Möten och uppföljningar i Samverkan")
    )
    return _feed_response(body, etag)


@bp.get("/kalender/<token>/team.ics")
@public
def team_feed(token: str):
    """Every meeting of the team in the window; 304 when unchanged."""
    user = _feed_owner(token)
    window = _window()
    version = feeds.feed_version(window, limit=_max_events())
    etag = _feed_etag(version, window, "team", user.feed_token_hash)
    if (unchanged := _not_modified(etag)) is not None:
        return unchanged
    texts = feeds.meeting_texts(
        window,
        version,
        user=None,
        limit=_max_events(),
        url=_links("meetings.detail", "meeting_id"),
        context=(str(get_locale()), request.url_root),
    )
    return _feed_response(ics.feed_from_texts(texts, name=_("Samverkan: teamets möten")), etag)


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
