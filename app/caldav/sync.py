"""`caldav sync` as plain functions: read what changed on the server into proposals, then
publish what changed in Samverkan.

- The meetings published are the team feed's: the same window and the same cap
  (calendar/feeds.py). Each is written in full as an invitation writes it, without the
  people (calendar/services.meeting_event): a CalDAV calendar is not re-read every hour
  like a feed, so it keeps the agenda that the feed shortens.
- Each published meeting has a row in caldav_objects with the event's href, the server's
  ETag and the hash of the text sent. One REPORT lists the calendar's ETags; only events
  whose ETag moved are read, and only meetings whose text changed are written.
- A change on the server (time, place, STATUS:CANCELLED, deletion) becomes an open
  proposal (services.py) and is never applied here; while it is open, the meeting is not
  written, so the server keeps what its user did until a coordinator decides.
- An event whose text changed on the server in any other way is simply written again:
  Samverkan is where the meeting is kept.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import get_locale
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.calendar import feeds, ics
from app.calendar.services import meeting_event
from app.common.time import local_today, utcnow
from app.extensions import db
from app.meetings.models import Meeting, MeetingStatus
from app.organisations.models import Organisation

from .client import RemoteCalendar
from .events import ServerEvent, UnreadableEvent, content_hash, read_event, resource_text
from .models import CaldavObject, CaldavProposal, ProposalKind, ProposalStatus

#: When none of at least this many published events is on the server, the calendar is taken
#: for another one (renamed setting, new account) rather than proposing to cancel them all.
NEW_CALENDAR_AFTER = 3


@dataclass
class SyncReport:
    """What one sync did, for the command's output and the tests."""

    created: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    waiting: int = 0  # not written: a proposal is open, or the server's copy just changed
    read: int = 0  # events read back because their ETag moved
    proposals: int = 0  # new or renewed
    new_calendar: bool = False  # none of the published events was there: all written again

    @property
    def sent(self) -> int:
        """Write requests sent to the server (PUT and DELETE)."""
        return self.created + self.updated + self.deleted

    def summary(self) -> str:
        fresh = "None of the published events was found: published afresh. " * self.new_calendar
        return fresh + (
            f"CalDAV: {self.created} created, {self.updated} updated, {self.deleted} deleted, "
            f"{self.unchanged} unchanged, {self.waiting} waiting for a decision; "
            f"{self.read} read back, {self.proposals} proposals."
        )


def published_keys(config: Mapping[str, Any]) -> list[feeds.Key]:
    """(id, updated_at, version, ends_at) of the team feed's meetings today: in its window,
    cancelled ones while the feed keeps them, at most FEED_MAX_EVENTS (the upcoming first).
    No meeting is loaded."""
    window = feeds.feed_window(config, local_today())
    limit = int(config.get("FEED_MAX_EVENTS", feeds.DEFAULT_MAX_EVENTS))
    version = feeds.feed_version(window, limit=limit)
    base = select(Meeting.id, Meeting.updated_at, Meeting.version, Meeting.ends_at).where(
        feeds._in_window(window), feeds._shown_in(window)
    )
    return feeds._capped_keys(
        base,
        at=Meeting.starts_at,
        today=window.today,
        order=Meeting.id,
        limit=limit,
        total=version.meeting_count,
    )


def load_meetings(ids: list[int]) -> dict[int, Meeting]:
    """The meetings with their organisations, LOAD_CHUNK at a time."""
    meetings: dict[int, Meeting] = {}
    for start in range(0, len(ids), feeds.LOAD_CHUNK):
        chunk = ids[start : start + feeds.LOAD_CHUNK]
        for meeting in db.session.scalars(
            select(Meeting)
            .options(selectinload(Meeting.organisations).joinedload(Organisation.parent))
            .where(Meeting.id.in_(chunk))
            .order_by(Meeting.starts_at, Meeting.id)
        ):
            meetings[meeting.id] = meeting
    return meetings


def published_meetings(config: Mapping[str, Any]) -> list[Meeting]:
    """The team feed's meetings today (published_keys), loaded, in time order."""
    keys = published_keys(config)
    loaded = load_meetings([key[0] for key in keys])
    return [loaded[key[0]] for key in keys if key[0] in loaded]


def _published_location(meeting: Meeting) -> str:
    """LOCATION as meeting_event writes it."""
    return (meeting.place or meeting.online_link or "").strip()


def _propose(
    meeting: Meeting,
    kind: ProposalKind,
    *,
    current: CaldavProposal | None,
    event: ServerEvent | None = None,
    etag: str | None = None,
) -> CaldavProposal:
    """Open a proposal for the meeting, or renew the open one with what the server says now."""
    proposal = current or CaldavProposal(meeting_id=meeting.id, status=ProposalStatus.OPEN)
    if current is None:
        db.session.add(proposal)
    proposal.kind = kind
    proposal.etag = etag
    proposal.detected_at = utcnow()
    proposal.starts_at = proposal.ends_at = proposal.all_day = proposal.place = None
    if kind is ProposalKind.CHANGE and event is not None:
        proposal.starts_at, proposal.ends_at = event.starts_at, event.ends_at
        proposal.all_day = event.all_day
        if event.location != _published_location(meeting):
            proposal.place = event.location[:300]
    return proposal


def _what_changed(meeting: Meeting, event: ServerEvent) -> ProposalKind | None:
    """The kind of proposal the server's event makes, or None if it agrees with the meeting
    on time, place and status."""
    if event.cancelled:
        return None if meeting.status is MeetingStatus.CANCELLED else ProposalKind.CANCEL
    moved = (event.starts_at, event.ends_at, event.all_day) != (
        meeting.starts_at,
        meeting.ends_at,
        meeting.all_day,
    )
    if moved or event.location != _published_location(meeting):
        return ProposalKind.CHANGE
    return None


def pull_changes(
    remote: RemoteCalendar,
    meetings: dict[int, Meeting],
    objects: dict[int, CaldavObject],
    proposals: dict[int, CaldavProposal],
    report: SyncReport,
    *,
    listing: dict[str, str | None] | None = None,
) -> None:
    """Compare the server's ETags (`listing`, else one listing now) with the kept ones;
    read each moved event and turn a change of time, place or status, or a deletion, into
    a proposal. `meetings` holds the meetings to look at; the others are unchanged."""
    if listing is None:
        listing = remote.listing()
    known = [row for row in objects.values() if row.gone_at is None]
    if len(known) >= NEW_CALENDAR_AFTER and not any(row.href in listing for row in known):
        # Not one of many events is there: another calendar (CALDAV_CALENDAR or the account
        # changed, or it was emptied by hand), not deletions to propose. Publish afresh.
        for row in known:
            objects.pop(row.meeting_id)  # type: ignore[arg-type]
            db.session.delete(row)
        db.session.flush()
        report.new_calendar = True
        return
    for meeting_id, row in objects.items():
        meeting = meetings.get(meeting_id)
        if meeting is None or row.gone_at is not None or not row.content_hash:
            continue  # not published any more, or Samverkan's version is to be written
        if row.href not in listing:
            if meeting.status is MeetingStatus.CANCELLED:
                row.gone_at = utcnow()
            else:
                proposals[meeting_id] = _propose(
                    meeting, ProposalKind.DELETED, current=proposals.get(meeting_id)
                )
                report.proposals += 1
            continue
        etag = listing[row.href]
        if row.etag is None or etag is None:
            row.etag = etag  # the server named no ETag when it was written: take today's
            continue
        if etag == row.etag:
            continue
        found = remote.read(row.href)
        report.read += 1
        if found is None:
            continue  # deleted between the listing and the read: the next sync sees it
        text, row.etag = found[0], found[1] or etag
        try:
            event = read_event(text)
        except UnreadableEvent:
            row.content_hash = ""  # write Samverkan's version back
            continue
        kind = _what_changed(meeting, event)
        if kind is None:
            row.content_hash = ""  # nothing Samverkan keeps changed: write ours back
            if (stale := proposals.pop(meeting_id, None)) is not None:
                db.session.delete(stale)  # changed and changed back before anyone decided
            continue
        proposals[meeting_id] = _propose(
            meeting, kind, current=proposals.get(meeting_id), event=event, etag=row.etag
        )
        report.proposals += 1


def push_changes(
    remote: RemoteCalendar,
    meetings: dict[int, Meeting],
    objects: dict[int, CaldavObject],
    orphans: list[CaldavObject],
    proposals: dict[int, CaldavProposal],
    *,
    url: Callable[[int], str],
    report: SyncReport,
    context: str = "",
) -> None:
    """Write each meeting whose event text changed since it was last written (new ones
    too), and delete the events of meetings no longer published. A meeting whose
    `source_key` is the one its text was made from is not made again."""
    for meeting in meetings.values():
        row = objects.get(meeting.id)
        if meeting.id in proposals:
            report.waiting += 1
            continue
        if row is not None and row.gone_at is not None:
            continue
        source = source_key(meeting, context)
        if row is not None and row.content_hash and row.source_key == source:
            report.unchanged += 1  # made from the same data as the text on the server
            continue
        event = meeting_event(meeting, url=url(meeting.id), with_people=False)
        text = resource_text(ics.event_text(event))
        digest = content_hash(text)
        if row is not None and row.content_hash == digest:
            row.source_key = source
            report.unchanged += 1
            continue
        written = remote.write(
            row.href if row else None,
            meeting.uid,
            text.decode(),
            if_match=row.etag if row else None,
        )
        if written is None:
            report.waiting += 1  # changed on the server since the listing: read next time
            continue
        href, etag = written
        if row is None:
            row = CaldavObject(meeting_id=meeting.id, href=href)
            db.session.add(row)
            report.created += 1
        else:
            report.updated += 1
        row.href, row.etag, row.content_hash, row.source_key = href, etag, digest, source
        row.sequence, row.published_at = meeting.sequence, utcnow()
        db.session.flush()  # a failure later leaves what was written recorded
    for row in orphans:
        remote.delete(row.href)
        db.session.delete(row)
        report.deleted += 1
        db.session.flush()


def source_context(url: Callable[[int], str]) -> str:
    """What every event's text depends on besides its meeting: the organisations (their
    names are in it; one statement), the address of the app and the language."""
    count, changed = db.session.execute(
        select(func.count(Organisation.id), func.max(Organisation.updated_at))
    ).one()
    return repr((count, changed, url(0), str(get_locale())))


def source_key(meeting: Meeting, context: str) -> str:
    """The data a meeting's event text is made from, as a digest."""
    return key_of(meeting.id, meeting.version, meeting.updated_at, context)


def key_of(meeting_id: int, version: int, updated_at: Any, context: str) -> str:
    """source_key from the columns alone (published_keys), without loading the meeting."""
    text = repr((meeting_id, version, updated_at, context))
    return hashlib.sha256(text.encode()).hexdigest()


def _to_load(
    keys: list[feeds.Key],
    objects: dict[int, CaldavObject],
    proposals: dict[int, CaldavProposal],
    listing: dict[str, str | None],
    context: str,
) -> set[int]:
    """The published meetings a sync has to look at: new ones, those whose event is to be
    written again or changed since it was written (source_key), those with an open
    proposal, and those whose event moved or went on the server (its ETag). The others are
    unchanged on both sides and are not loaded."""
    needed: set[int] = set()
    for meeting_id, updated_at, version, _end in keys:
        row = objects.get(meeting_id)
        if row is not None and row.gone_at is not None:
            continue
        if (
            row is None
            or meeting_id in proposals
            or not row.content_hash
            or row.source_key != key_of(meeting_id, version, updated_at, context)
            or row.etag is None
            or listing.get(row.href, "") != row.etag
        ):
            needed.add(meeting_id)
    return needed


def sync_calendar(
    remote: RemoteCalendar, *, config: Mapping[str, Any], url: Callable[[int], str]
) -> SyncReport:
    """One sync: changes on the server become proposals, then Samverkan's changes are
    written. One listing of the server's ETags; only the meetings changed on either side
    are loaded (`_to_load`), so a sync of unchanged meetings reads no event and makes none.
    Flushes, never commits (the command does)."""
    report = SyncReport()
    keys = published_keys(config)
    published = {key[0] for key in keys}
    objects: dict[int, CaldavObject] = {}
    orphans: list[CaldavObject] = []
    for row in db.session.scalars(select(CaldavObject).order_by(CaldavObject.id)):
        if row.meeting_id is not None and row.meeting_id in published:
            objects[row.meeting_id] = row
        elif row.gone_at is None:
            orphans.append(row)  # its event is deleted on the server
        else:
            db.session.delete(row)  # already gone there
    proposals = {
        p.meeting_id: p
        for p in db.session.scalars(
            select(CaldavProposal).where(CaldavProposal.status == ProposalStatus.OPEN)
        )
    }
    context = source_context(url)
    listing = remote.listing()
    wanted = _to_load(keys, objects, proposals, listing, context)
    meetings = load_meetings([key[0] for key in keys if key[0] in wanted])
    pull_changes(remote, meetings, objects, proposals, report, listing=listing)
    db.session.flush()
    if report.new_calendar:  # every event is written afresh
        meetings = load_meetings([key[0] for key in keys])
    else:
        report.unchanged += sum(
            1
            for meeting_id in published - set(meetings)
            if (row := objects.get(meeting_id)) is not None and row.gone_at is None
        )
    push_changes(
        remote,
        meetings,
        objects,
        orphans,
        proposals,
        url=url,
        report=report,
        context=context,
    )
    return report
