"""The subscription feeds: a bounded window, a version read before anything is built, and
each meeting's event made once per version.

- The window runs from `FEED_PAST_DAYS` before today to `FEED_FUTURE_DAYS` after it
  (Stockholm days; config), read from the index on `starts_at`. A feed holds at most
  `FEED_MAX_EVENTS` meetings: the upcoming first, then the most recent past ones.
- `feed_version` is one aggregate statement over the meetings the feed can show (the first
  `FEED_MAX_EVENTS` + 1 upcoming and last past ones, from the index: its cost follows the
  limit, not the history), plus the organisations (their names are in the events) and, for
  a personal feed, the user's follow-ups. The view turns it into the ETag: a client that
  has this version gets 304 after two statements, with nothing rendered.
- A meeting's event text is kept per (meeting, updated_at, version, language, address,
  organisations' version), a follow-up's likewise: a feed made again after one change reads
  the unchanged rows as three columns and renders only the changed one. Follow-ups, like
  meetings, are capped at `FEED_MAX_EVENTS`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select, union, union_all
from sqlalchemy.orm import aliased

from app.auth.models import User
from app.common.aliases import alias
from app.common.time import STOCKHOLM, local_midnight
from app.extensions import db
from app.followups.models import FollowUp, FollowUpStatus
from app.meetings.models import Meeting, MeetingStatus, meeting_organisations, meeting_team
from app.organisations.models import Organisation, display_name

from . import ics
from .services import (
    CANCELLED_KEPT,
    FEED_HISTORY,
    Detail,
    FeedMeeting,
    FeedWords,
    detail_for,
    feed_follow_up_event,
    feed_meeting_event,
)

#: The defaults of FEED_PAST_DAYS, FEED_FUTURE_DAYS and FEED_MAX_EVENTS (app/config.py).
DEFAULT_PAST_DAYS = FEED_HISTORY.days
DEFAULT_FUTURE_DAYS = 365
DEFAULT_MAX_EVENTS = 5000
#: FEED_PERSONAL_MAX_MEETINGS and FEED_PERSONAL_MAX_FOLLOW_UPS: a person's own feed.
DEFAULT_PERSONAL_MEETINGS = 450
DEFAULT_PERSONAL_FOLLOW_UPS = 250

#: Meetings read at a time when their events must be made.
LOAD_CHUNK = 500

#: Changes when the feeds' text changes for the same data (part of every ETag).
FORMAT = "feed-4"

#: Meetings' and follow-ups' events by version; ~1 KB an event with its key: at most ~20 MB
#: per worker.
_texts = ics.EventTexts(size=20_000)


@dataclass(frozen=True)
class FeedWindow:
    """The meetings a feed may hold start in [start, end); `today` is the start of today
    (UTC moments of Stockholm midnights)."""

    start: datetime
    end: datetime
    today: datetime


def feed_window(config: Mapping[str, Any], today: date) -> FeedWindow:
    """The window around `today` that the configuration asks for."""
    past = int(config.get("FEED_PAST_DAYS", DEFAULT_PAST_DAYS))
    future = int(config.get("FEED_FUTURE_DAYS", DEFAULT_FUTURE_DAYS))
    return FeedWindow(
        start=local_midnight(today - timedelta(days=past)),
        end=local_midnight(today + timedelta(days=future + 1)),
        today=local_midnight(today),
    )


def _in_window(window: FeedWindow) -> ColumnElement[bool]:
    return and_(Meeting.starts_at >= window.start, Meeting.starts_at < window.end)


def _shown_in(window: FeedWindow) -> ColumnElement[bool]:
    """Cancelled meetings stay (as STATUS:CANCELLED) for a while, then drop out."""
    return or_(
        Meeting.status != MeetingStatus.CANCELLED,
        Meeting.cancelled_at >= window.today - CANCELLED_KEPT,
    )


def _users_meetings(user: User, start: datetime, end: datetime) -> ColumnElement[bool]:
    """Meetings the user is responsible for or on the team of, starting in [start, end): a
    union of two window-bounded reads (the responsible's from the index on
    (responsible_id, starts_at), the team's from meeting_team's user index joined to the
    window), so a coordinator with years of history reads only the window, not the history."""
    mine = aliased(Meeting)  # not correlated with the enclosing query's meetings
    responsible = select(mine.id).where(
        mine.responsible_id == user.id, mine.starts_at >= start, mine.starts_at < end
    )
    team = (
        select(meeting_team.c.meeting_id)
        .join(mine, mine.id == meeting_team.c.meeting_id)
        .where(meeting_team.c.user_id == user.id, mine.starts_at >= start, mine.starts_at < end)
    )
    return Meeting.id.in_(union(responsible, team))


def _follow_up_window(user: User, window: FeedWindow) -> ColumnElement[bool]:
    return and_(
        FollowUp.owner_id == user.id,
        FollowUp.due_on >= window.start.date(),
        FollowUp.due_on < window.end.date() + timedelta(days=1),
    )


@dataclass(frozen=True)
class FeedVersion:
    """What a feed's content follows from: changes whenever any of it changes."""

    meetings: tuple[Any, ...]  # count, sum(id), sum(version), max(updated_at)
    organisations: tuple[Any, ...]  # count, max(updated_at)
    follow_ups: tuple[Any, ...]  # personal feeds: count, sum(id), sum(version), max(updated_at)

    @property
    def meeting_count(self) -> int:
        """The meetings the version covers: all in the window while this is at most the
        feed's limit (each part is read to one more than the limit), else more than it."""
        return int(self.meetings[0] or 0)

    @property
    def follow_up_count(self) -> int:
        return int(self.follow_ups[0] or 0) if self.follow_ups else 0

    @property
    def organisations_key(self) -> str:
        return repr(self.organisations)

    def etag(self, *parts: object) -> str:
        text = repr((FORMAT, self.meetings, self.organisations, self.follow_ups, *parts))
        return hashlib.sha256(text.encode()).hexdigest()[:40]


def _candidates(window: FeedWindow, user: User | None, limit: int) -> Any:
    """The meetings a feed can show, read from the index on `starts_at`: the first
    `limit` + 1 upcoming and the last `limit` + 1 past in the window (what `_capped_keys`
    picks from), not every meeting of the window (200,000 at scale 100)."""

    def part(where: ColumnElement[bool], *order: Any) -> Any:
        statement = select(Meeting.id, Meeting.updated_at, Meeting.version).where(where)
        return select(statement.order_by(*order).limit(limit + 1).subquery())

    def between(start: datetime, end: datetime) -> ColumnElement[bool]:
        within = and_(Meeting.starts_at >= start, Meeting.starts_at < end)
        return within if user is None else and_(within, _users_meetings(user, start, end))

    upcoming = part(between(window.today, window.end), Meeting.starts_at, Meeting.id)
    past = part(between(window.start, window.today), Meeting.starts_at.desc(), Meeting.id.desc())
    return union_all(upcoming, past).subquery()


def feed_version(window: FeedWindow, *, user: User | None = None, limit: int) -> FeedVersion:
    """One statement: aggregates over the meetings the feed can show (`_candidates`: a
    trash or a restore changes the set and so the count or the sum of ids; an edit or a
    cancellation raises `version` and `updated_at`), over the organisations (their names
    are in the events), and the user's follow-ups in the window. Bounded by the limit, not
    by the history: at scale 100 the window holds 200,000 meetings."""
    shown = _candidates(window, user, limit)
    columns: list[Any] = [
        func.count(shown.c.id),
        func.sum(shown.c.id),
        func.sum(shown.c.version),
        func.max(shown.c.updated_at),
        select(func.count(Organisation.id)).scalar_subquery(),
        select(func.max(Organisation.updated_at)).scalar_subquery(),
    ]
    if user is not None:
        mine = _follow_up_window(user, window)
        columns += [
            select(func.count(FollowUp.id)).where(mine).scalar_subquery(),
            select(func.sum(FollowUp.id)).where(mine).scalar_subquery(),
            select(func.sum(FollowUp.version)).where(mine).scalar_subquery(),
            select(func.max(FollowUp.updated_at)).where(mine).scalar_subquery(),
        ]
    row = tuple(db.session.execute(select(*columns).select_from(shown)).one())
    return FeedVersion(meetings=row[:4], organisations=row[4:6], follow_ups=row[6:])


Key = tuple[int, datetime, int, Any]  # id, updated_at, version, end (ends_at or due_on)


def _capped_keys(
    base: Select, *, at: Any, today: Any, order: Any, limit: int, total: int
) -> list[Key]:
    """(id, updated_at, version, end) of `base`'s rows in time order (`at`, then `order`): all of
    them, or when there may be more than `limit`, the upcoming ones (`at` from `today`) first
    and then the latest past ones (one statement while `total` is no more than `limit`)."""
    if total <= limit:
        return [tuple(r) for r in db.session.execute(base.order_by(at, order))]  # type: ignore[misc]
    upcoming: list[Key] = [
        tuple(r)  # type: ignore[misc]
        for r in db.session.execute(base.where(at >= today).order_by(at, order).limit(limit))
    ]
    past: list[Key] = []
    if len(upcoming) < limit:
        past = [
            tuple(r)  # type: ignore[misc]
            for r in db.session.execute(
                base.where(at < today)
                .order_by(at.desc(), order.desc())
                .limit(limit - len(upcoming))
            )
        ]
    return past[::-1] + upcoming


def _kept_texts(
    kind: str,
    keys: Sequence[Key],
    *,
    detail: Callable[[Any], Detail],
    load: Callable[[list[int]], Iterable[Any]],
    make: Callable[[Any, Detail], ics.CalendarEvent],
    context: tuple[object, ...],
) -> list[bytes]:
    """Each row's event text, from the kept ones where the row is unchanged (same
    updated_at and version, and the same `detail(end)`: a description says less of an
    event long ahead or over); the others loaded (`LOAD_CHUNK` at a time), made and kept.
    `context` is what else the text depends on (language, address, …)."""
    texts: dict[int, bytes] = {}
    missing: dict[int, tuple[Any, ...]] = {}
    for row_id, updated_at, version, end in keys:
        key = (kind, row_id, updated_at, version, detail(end), *context)
        text = _texts.get(key)
        if text is None:
            missing[row_id] = key
        else:
            texts[row_id] = text
    ids = list(missing)
    for start in range(0, len(ids), LOAD_CHUNK):
        for item in load(ids[start : start + LOAD_CHUNK]):
            key = missing[item.id]
            text = ics.event_text(make(item, key[4]))
            _texts.put(key, text)
            texts[item.id] = text
    return [texts[row_id] for row_id, *_rest in keys if row_id in texts]


def _load_meetings(ids: list[int]) -> list[tuple[FeedMeeting, list[str]]]:
    """The meetings' columns and their organisations' display names (two statements; no
    ORM objects: a feed may make thousands of events)."""
    rows = db.session.execute(
        select(*(getattr(Meeting, name) for name in FeedMeeting._fields)).where(Meeting.id.in_(ids))
    )
    meetings = [FeedMeeting(*row) for row in rows]
    parent = alias(Organisation, "calendar.feeds.parent")
    names: dict[int, list[str]] = {}
    for meeting_id, name, parent_name in db.session.execute(
        select(meeting_organisations.c.meeting_id, Organisation.name, parent.name)
        .join(Organisation, Organisation.id == meeting_organisations.c.organisation_id)
        .outerjoin(parent, parent.id == Organisation.parent_id)
        .where(meeting_organisations.c.meeting_id.in_(ids))
        .order_by(meeting_organisations.c.meeting_id, Organisation.sort_name)
    ):
        names.setdefault(meeting_id, []).append(display_name(name, parent_name))
    return [(meeting, names.get(meeting.id, [])) for meeting in meetings]


class _Loaded:
    """A loaded meeting with its organisations, as `_kept_texts` wants it (`.id`)."""

    __slots__ = ("id", "meeting", "organisations")

    def __init__(self, meeting: FeedMeeting, organisations: list[str]) -> None:
        self.id, self.meeting, self.organisations = meeting.id, meeting, organisations


def meeting_texts(
    window: FeedWindow,
    version: FeedVersion,
    *,
    user: User | None,
    limit: int,
    url: Callable[[int], str],
    context: tuple[object, ...],
) -> list[bytes]:
    """The events of the feed's meetings (the user's, or the team's for None), made only for
    meetings changed since they were last made."""
    base = select(Meeting.id, Meeting.updated_at, Meeting.version, Meeting.ends_at).where(
        _in_window(window), _shown_in(window)
    )
    if user is not None:
        base = base.where(_users_meetings(user, window.start, window.end))
    keys = _capped_keys(
        base,
        at=Meeting.starts_at,
        today=window.today,
        order=Meeting.id,
        limit=limit,
        total=version.meeting_count,
    )
    words = FeedWords.current()
    return _kept_texts(
        "meeting",
        keys,
        detail=lambda ends_at: detail_for(ends_at, today=window.today),
        load=lambda ids: [_Loaded(*row) for row in _load_meetings(ids)],
        make=lambda loaded, detail: feed_meeting_event(
            loaded.meeting,
            organisations=loaded.organisations,
            url=url(loaded.id),
            detail=detail,
            words=words,
        ),
        context=(*context, version.organisations_key),
    )


def follow_up_texts(
    user: User,
    window: FeedWindow,
    version: FeedVersion,
    *,
    limit: int,
    url: Callable[[int], str],
    context: tuple[object, ...],
) -> list[bytes]:
    """The user's follow-ups due in the window as all-day events: open ones, and those
    closed in the last 30 days (shown as cancelled); at most `limit`, the upcoming first."""
    recently = (window.today - CANCELLED_KEPT).date()
    base = select(FollowUp.id, FollowUp.updated_at, FollowUp.version, FollowUp.due_on).where(
        _follow_up_window(user, window),
        or_(FollowUp.status == FollowUpStatus.OPEN, FollowUp.completed_on >= recently),
    )
    today = window.today.astimezone(STOCKHOLM).date()
    words = FeedWords.current()
    keys = _capped_keys(
        base,
        at=FollowUp.due_on,
        today=today,
        order=FollowUp.id,
        limit=limit,
        total=version.follow_up_count,
    )
    return _kept_texts(
        "follow-up",
        keys,
        detail=lambda due_on: detail_for(
            local_midnight(due_on + timedelta(days=1)), today=window.today
        ),
        load=lambda ids: db.session.scalars(select(FollowUp).where(FollowUp.id.in_(ids))),
        make=lambda f, detail: feed_follow_up_event(f, url=url(f.id), detail=detail, words=words),
        context=context,
    )


def clear_kept_events() -> None:
    """Forget every kept event text (tests)."""
    _texts.clear()
