"""The theme tally: counted mentions per theme, side, organisation and Stockholm day or month,
kept in the transaction that writes the mentions (ARCHITECTURE rule 11).

The lägesbild's theme figures (figures.py) count distinct municipalities over a period. They
read the tally's sets of organisations (`theme_tally_sets`, one row per grain, period, theme
and side), not the mentions: a period's whole months from the month rows, its first and last
part month from the day rows, so a year costs a few hundred rows however long the history. A
mention counts unless it was made at a meeting in the trash; whether the organisation is a
municipality, a unit of one or in the trash is decided when the figures are read (as the
organisation is now), so organisation edits need no upkeep here.

The session hooks below note the (theme, side, organisation, month) groups a flush touches —
a mention added, changed or removed, a meeting put in or taken out of the trash, a meeting
moved to another day (its mentions are dated by it, and move with it) — and recompute those
groups' rows from the mentions right after the flush: three statements, whatever the
history; and then the sets of organisations of the (theme, side) months they are in
(`ThemeTallySet`, which the figures read): four more. A statement that writes
`theme_mentions` around the session (the demo's and the restore's bulk inserts) cannot be
followed row by row: the transaction then rebuilds the whole tally before it commits, unless
the writer rebuilt it itself (`rebuild_tally`, also `flask themes rebuild-tally`). A
property test checks that maintained equals rebuilt.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta
from itertools import chain
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, func, inspect, or_, select, update
from sqlalchemy.orm import ORMExecuteState, Session

from app.common.bitmaps import grouped, take_rows
from app.common.session_events import listen_once
from app.common.soft_delete import including_deleted
from app.common.time import to_local
from app.extensions import db
from app.meetings.coverage import month_start, next_month_start
from app.meetings.models import Meeting

from .models import DAY, MONTH, ThemeMention, ThemeSide, ThemeTally, ThemeTallySet

#: (theme id, side, first day of the month) → organisation ids whose rows are recomputed.
Group = tuple[int, ThemeSide, date]

_NOTED = "themes.tally.noted"
_MOVED = "themes.tally.meetings"
_EVERYTHING = "themes.tally.everything"
_OWN = "themes_tally_own"  # execution option: a statement of this module's, not a bulk write


def mention_count(theme_id: int) -> int:
    """How many counted mentions the theme has (its page's list, `queries.mentions_of`):
    the sum of its month rows, a few hundred rows however many mentions there are."""
    total = db.session.scalar(
        select(func.coalesce(func.sum(ThemeTally.mentions), 0)).where(
            ThemeTally.theme_id == theme_id, ThemeTally.grain == MONTH
        )
    )
    return int(total or 0)


def counted() -> ColumnElement[bool]:
    """The mentions the figures count: all but those from a meeting in the trash (the
    statement must run `including_deleted`, or the trash filter hides those meetings)."""
    in_trash = (
        select(Meeting.id)
        .where(Meeting.id == ThemeMention.meeting_id, Meeting.deleted_at.is_not(None))
        .exists()
    )
    return ~in_trash


def _tally_rows(mentions: Iterable[tuple[int, ThemeSide, int, date, int]]) -> list[dict]:
    """Day and month rows from (theme, side, organisation, day, mentions) counts."""
    sums: dict[tuple, int] = defaultdict(int)
    for theme_id, side, organisation_id, day, count in mentions:
        sums[(DAY, day, theme_id, ThemeSide(side), organisation_id)] += count
        sums[(MONTH, month_start(day), theme_id, ThemeSide(side), organisation_id)] += count
    names = ("grain", "period", "theme_id", "side", "organisation_id")
    return [dict(zip(names, key, strict=True), mentions=n) for key, n in sums.items()]


def _day_counts(condition: ColumnElement[bool] | None = None):
    statement = (
        select(
            ThemeMention.theme_id,
            ThemeMention.side,
            ThemeMention.organisation_id,
            ThemeMention.mentioned_on,
            func.count(),
        )
        .where(counted())
        .group_by(
            ThemeMention.theme_id,
            ThemeMention.side,
            ThemeMention.organisation_id,
            ThemeMention.mentioned_on,
        )
    )
    # The trash filter would hide the trashed meetings `counted` looks for.
    statement = including_deleted(statement)
    return statement if condition is None else statement.where(condition)


def _insert(session: Session, rows: list[dict]) -> None:
    if rows:
        session.execute(ThemeTally.__table__.insert(), rows)


def _set_rows(rows: Iterable[tuple[str, date, int, ThemeSide, int]]) -> list[dict]:
    """`ThemeTallySet` rows from tally rows' (grain, period, theme, side, organisation)."""
    sets = grouped(
        ((grain, period, theme_id, ThemeSide(side)), organisation_id)
        for grain, period, theme_id, side, organisation_id in rows
    )
    names = ("grain", "period", "theme_id", "side")
    return [dict(zip(names, key, strict=True), organisations=bits) for key, bits in sets.items()]


def rebuild_tally(session: Session | None = None) -> int:
    """The whole tally and its sets from the mentions, from scratch; the number of tally
    rows written."""
    session = session or db.session
    session.execute(delete(ThemeTally), execution_options={_OWN: True})
    session.execute(delete(ThemeTallySet), execution_options={_OWN: True})
    rows = _tally_rows(session.execute(_day_counts(), execution_options={_OWN: True}))
    _insert(session, rows)
    sets = _set_rows(
        (r["grain"], r["period"], r["theme_id"], r["side"], r["organisation_id"]) for r in rows
    )
    if sets:
        session.execute(ThemeTallySet.__table__.insert(), sets)
    session.info.pop(_EVERYTHING, None)
    return len(rows)


def refresh_tally(groups: dict[Group, set[int]], *, session: Session) -> None:
    """Recompute the rows of the noted groups from their mentions: three statements."""
    if not groups:
        return
    mention_parts, day_parts, month_parts = [], [], []
    for (theme_id, side, first), organisations in groups.items():
        last, ids = next_month_start(first) - timedelta(days=1), sorted(organisations)
        mention_parts.append(
            and_(
                ThemeMention.theme_id == theme_id,
                ThemeMention.side == side,
                ThemeMention.organisation_id.in_(ids),
                ThemeMention.mentioned_on.between(first, last),
            )
        )
        same = (
            ThemeTally.theme_id == theme_id,
            ThemeTally.side == side,
            ThemeTally.organisation_id.in_(ids),
        )
        day_parts.append(and_(*same, ThemeTally.period.between(first, last)))
        month_parts.append(and_(*same, ThemeTally.period == first))
    session.execute(
        delete(ThemeTally).where(
            or_(
                and_(ThemeTally.grain == DAY, or_(*day_parts)),
                and_(ThemeTally.grain == MONTH, or_(*month_parts)),
            )
        ),
        execution_options={_OWN: True},
    )
    _insert(session, _tally_rows(session.execute(_day_counts(or_(*mention_parts)))))
    _refresh_sets(session, sorted({(theme_id, side, first) for theme_id, side, first in groups}))


def _refresh_sets(session: Session, months: list[Group]) -> None:
    """Recompute the sets of each (theme, side, month) from its tally rows: four statements.
    The month's set row is taken first (`take_rows`), so a refresh of the same theme, side
    and month in another transaction waits until this one ends."""
    take_rows(
        session,
        ThemeTallySet.__table__,
        ("grain", "period", "theme_id", "side"),
        [
            {
                "grain": MONTH,
                "period": first,
                "theme_id": theme_id,
                "side": side,
                "organisations": b"",
            }
            for theme_id, side, first in months
        ],
    )

    def within(model: Any) -> ColumnElement[bool]:  # a month's day rows and its month row
        return or_(
            *(
                and_(
                    model.theme_id == theme_id,
                    model.side == side,
                    model.period.between(first, next_month_start(first) - timedelta(days=1)),
                )
                for theme_id, side, first in months
            )
        )

    rows = session.execute(
        select(
            ThemeTally.grain,
            ThemeTally.period,
            ThemeTally.theme_id,
            ThemeTally.side,
            ThemeTally.organisation_id,
        ).where(within(ThemeTally))
    ).all()
    session.execute(delete(ThemeTallySet).where(within(ThemeTallySet)))
    sets = _set_rows(rows)
    if sets:
        session.execute(ThemeTallySet.__table__.insert(), sets)


# --- The session hooks ------------------------------------------------------------------------


def _groups_of(mention: ThemeMention) -> Iterable[tuple[Group, int]]:
    """The mention's group now and, if it changed in this flush, before."""
    names = ("theme_id", "side", "organisation_id", "mentioned_on")
    now = tuple(getattr(mention, name) for name in names)
    if None not in now:
        yield (now[0], ThemeSide(now[1]), month_start(now[3])), now[2]
    state = inspect(mention)
    if state.pending or mention.id is None:
        return
    before = []
    for name, current in zip(names, now, strict=True):
        history = state.attrs[name].history
        before.append(history.deleted[0] if history.deleted else current)
    if tuple(before) != now and None not in before:
        yield (before[0], ThemeSide(before[1]), month_start(before[3])), before[2]


def _noted(session: Session) -> dict[Group, set[int]]:
    return session.info.setdefault(_NOTED, defaultdict(set))


def _after_flush(session: Session, _context: Any) -> None:
    for obj in chain(session.new, session.dirty, session.deleted):
        if isinstance(obj, ThemeMention):
            for group, organisation_id in _groups_of(obj):
                _noted(session)[group].add(organisation_id)
        elif isinstance(obj, Meeting) and obj not in session.new:
            state = inspect(obj)
            if any(state.attrs[name].history.has_changes() for name in ("deleted_at", "starts_at")):
                session.info.setdefault(_MOVED, {})[obj.id] = to_local(obj.starts_at).date()


def _follow_meetings(session: Session, meetings: dict[int, date]) -> None:
    """Note the groups of the meetings' mentions, and date them by the meeting's day now."""
    noted = _noted(session)
    rows = session.execute(
        select(
            ThemeMention.meeting_id,
            ThemeMention.theme_id,
            ThemeMention.side,
            ThemeMention.organisation_id,
            ThemeMention.mentioned_on,
        ).where(ThemeMention.meeting_id.in_(sorted(meetings))),
        execution_options={_OWN: True},
    ).all()
    moved: set[int] = set()
    for meeting_id, theme_id, side, organisation_id, day in rows:
        noted[(theme_id, ThemeSide(side), month_start(day))].add(organisation_id)
        new_day = meetings[meeting_id]
        if day != new_day:
            noted[(theme_id, ThemeSide(side), month_start(new_day))].add(organisation_id)
            moved.add(meeting_id)
    for meeting_id in sorted(moved):
        session.execute(
            update(ThemeMention)
            .where(ThemeMention.meeting_id == meeting_id)
            .values(mentioned_on=meetings[meeting_id]),
            execution_options={_OWN: True, "synchronize_session": "fetch"},
        )


def _after_flush_postexec(session: Session, _context: Any) -> None:
    """Recompute what the flush touched at once, so the rest of the transaction reads a tally
    with its own writes in."""
    meetings = session.info.pop(_MOVED, None)
    if meetings:
        _follow_meetings(session, meetings)
    noted = session.info.pop(_NOTED, None)
    if noted:
        refresh_tally(noted, session=session)


def _after_write_statement(state: ORMExecuteState) -> None:
    if state.execution_options.get(_OWN) or not (
        state.is_update or state.is_delete or state.is_insert
    ):
        return
    table = getattr(state.statement, "table", None)
    if getattr(table, "name", None) == ThemeMention.__tablename__:
        state.session.info[_EVERYTHING] = True


def _before_commit(session: Session) -> None:
    session.flush()
    if session.info.get(_EVERYTHING):
        rebuild_tally(session)


def _after_transaction_end(session: Session, transaction: Any) -> None:
    if transaction.parent is None:
        for name in (_NOTED, _MOVED, _EVERYTHING):
            session.info.pop(name, None)


def install_maintenance() -> None:
    """Register the session hooks that keep `theme_tallies` (idempotent)."""
    listen_once(
        (
            ("after_flush", _after_flush),
            ("after_flush_postexec", _after_flush_postexec),
            ("do_orm_execute", _after_write_statement),
            ("before_commit", _before_commit),
            ("after_transaction_end", _after_transaction_end),
        )
    )
