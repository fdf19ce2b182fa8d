"""Bringing the maintained figures of some records up to date (`refresh`), called by the
session hooks (hooks.py) right after a flush, and the helpers the rebuild shares.

`refresh` replaces the noted meetings' and follow-ups' facts with freshly computed ones (those
of an organisation's meetings and follow-ups and its units' too, and a meeting's follow-ups),
adds the difference to the tallies, and recomputes the figures of every top-level
organisation whose facts changed. Recomputing from the database's own state, rather than
applying each change's delta, makes noting too much harmless: a meeting noted without need
contributes the same facts again.

On PostgreSQL two transactions refreshing the same meeting or organisation take turns (row
locks on them, in id order), so neither computes from a state the other is about to change.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

from sqlalchemy import bindparam, delete, func, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from app.common.bitmaps import grouped, take_rows
from app.extensions import db
from app.followups.models import FollowUp
from app.meetings.models import Meeting, meeting_organisations
from app.organisations.models import Organisation

from .facts import (
    ActivityRow,
    Fact,
    contact_activity,
    facts,
    follow_up_activity,
    follow_up_facts,
)
from .models import (
    CONTACT_RECORD,
    DAY,
    FOLLOW_UP_RECORD,
    MONTH,
    ROOT,
    ActivityFact,
    ActivityTally,
    DayTally,
    FollowUpFact,
    MeetingFact,
    MetMonth,
    RootFigures,
    Tally,
)

CHUNK = 500


def chunks(ids: Iterable[int], size: int = CHUNK) -> Iterator[list[int]]:
    iterator = iter(sorted(ids))
    while chunk := list(islice(iterator, size)):
        yield chunk


def _is_postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _meetings_of(organisation_ids: set[int], session: Session) -> set[int]:
    """The meetings held with these organisations or their units (trash or not)."""
    found: set[int] = set()
    for chunk in chunks(organisation_ids):
        units = select(Organisation.id).where(Organisation.parent_id.in_(chunk))
        found.update(
            session.scalars(
                select(meeting_organisations.c.meeting_id)
                .where(
                    meeting_organisations.c.organisation_id.in_(chunk)
                    | meeting_organisations.c.organisation_id.in_(
                        units.execution_options(include_deleted=True).scalar_subquery()
                    )
                )
                .distinct()
            )
        )
    return found


def _follow_ups_of(meeting_ids: set[int], organisation_ids: set[int], session: Session) -> set[int]:
    """The follow-ups of these meetings, and those naming these organisations or their units
    (trash or not)."""
    found: set[int] = set()
    for chunk in chunks(meeting_ids):
        found.update(
            session.scalars(
                select(FollowUp.id)
                .where(FollowUp.meeting_id.in_(chunk))
                .execution_options(include_deleted=True)
            )
        )
    for chunk in chunks(organisation_ids):
        units = select(Organisation.id).where(Organisation.parent_id.in_(chunk))
        found.update(
            session.scalars(
                select(FollowUp.id)
                .where(
                    FollowUp.organisation_id.in_(chunk)
                    | FollowUp.organisation_id.in_(
                        units.execution_options(include_deleted=True).scalar_subquery()
                    )
                )
                .execution_options(include_deleted=True)
            )
        )
    return found


def refresh(
    meeting_ids: Iterable[int],
    organisation_ids: Iterable[int] = (),
    follow_up_ids: Iterable[int] = (),
    contact_ids: Iterable[int] = (),
    *,
    session: Session | None = None,
) -> None:
    """Bring up to date the facts of these meetings and follow-ups (and of the meetings and
    follow-ups of these organisations and their units, and the follow-ups of these
    meetings), and with them the tallies and the organisations' figures."""
    session = session or db.session()
    organisations = set(organisation_ids)
    meetings = set(meeting_ids) | _meetings_of(organisations, session)
    roots: set[int] = set(organisations)
    roots |= _refresh_meetings(session, meetings)
    follow_ups = set(follow_up_ids) | _follow_ups_of(meetings, organisations, session)
    roots |= _refresh_follow_ups(session, follow_ups)
    recompute_roots(session, roots)
    _refresh_activity(session, FOLLOW_UP_RECORD, set(follow_up_ids), follow_up_activity)
    _refresh_activity(session, CONTACT_RECORD, set(contact_ids), contact_activity)


def _refresh_activity(session: Session, record: str, ids: set[int], compute: Any) -> None:
    """Replace these records' activity facts and add the difference to the activity
    tallies (per day and per month)."""
    changes: Counter[tuple[str, str, Any, int]] = Counter()
    for chunk in chunks(ids):
        old = {
            ActivityRow(*row)
            for row in session.execute(
                select(
                    ActivityFact.record,
                    ActivityFact.record_id,
                    ActivityFact.dimension,
                    ActivityFact.owner_id,
                    ActivityFact.day,
                ).where(ActivityFact.record == record, ActivityFact.record_id.in_(chunk))
            )
        }
        new = compute(chunk)
        if old == new:
            continue
        for fact, sign in [*((f, -1) for f in old - new), *((f, 1) for f in new - old)]:
            changes[(fact.dimension, DAY, fact.day, fact.owner_id)] += sign
            changes[(fact.dimension, MONTH, fact.day.replace(day=1), fact.owner_id)] += sign
        session.execute(
            delete(ActivityFact).where(
                ActivityFact.record == record, ActivityFact.record_id.in_(chunk)
            )
        )
        insert_activity(session, new)
    _add_counts(session, ActivityTally, ("dimension", "grain", "period", "owner_id"), changes)


def insert_activity(session: Session, rows: Iterable[ActivityRow]) -> None:
    values = [row._asdict() for row in rows]
    for start in range(0, len(values), 5_000):
        session.execute(ActivityFact.__table__.insert(), values[start : start + 5_000])


def _refresh_follow_ups(session: Session, follow_up_ids: set[int]) -> set[int]:
    """Replace these follow-ups' facts; return the organisations whose facts changed."""
    roots: set[int] = set()
    for chunk in chunks(follow_up_ids):
        old = {
            tuple(row)
            for row in session.execute(
                select(FollowUpFact.follow_up_id, FollowUpFact.organisation_id).where(
                    FollowUpFact.follow_up_id.in_(chunk)
                )
            ).all()
        }
        new = follow_up_facts(chunk)
        if old == new:
            continue
        roots.update(organisation for _, organisation in old ^ new)
        session.execute(delete(FollowUpFact).where(FollowUpFact.follow_up_id.in_(chunk)))
        if new:
            session.execute(
                FollowUpFact.__table__.insert(),
                [{"follow_up_id": f, "organisation_id": o} for f, o in sorted(new)],
            )
    return roots


def _refresh_meetings(session: Session, meetings: set[int]) -> set[int]:
    """Replace these meetings' facts and add the difference to the tallies; return the
    organisations whose facts changed."""
    changes: Counter[tuple[str, Any, str]] = Counter()
    day_changes: Counter[tuple[str, Any, str]] = Counter()
    roots: set[int] = set()
    postgresql = _is_postgresql(session)
    for chunk in chunks(meetings):
        if postgresql:  # take turns with another transaction refreshing the same meetings
            session.execute(
                select(Meeting.id)
                .where(Meeting.id.in_(chunk))
                .order_by(Meeting.id)
                .with_for_update()
                .execution_options(include_deleted=True)
            )
        old = {
            Fact(*row)
            for row in session.execute(
                select(
                    MeetingFact.meeting_id,
                    MeetingFact.dimension,
                    MeetingFact.key,
                    MeetingFact.starts_at,
                    MeetingFact.day,
                    MeetingFact.month,
                ).where(MeetingFact.meeting_id.in_(chunk))
            )
        }
        new = set(facts(chunk))
        if old == new:
            continue
        for fact in old - new:
            changes[(fact.dimension, fact.month, fact.key)] -= 1
            day_changes[(fact.dimension, fact.day, fact.key)] -= 1
        for fact in new - old:
            changes[(fact.dimension, fact.month, fact.key)] += 1
            day_changes[(fact.dimension, fact.day, fact.key)] += 1
        roots.update(int(f.key) for f in old ^ new if f.dimension == ROOT)
        session.execute(delete(MeetingFact).where(MeetingFact.meeting_id.in_(chunk)))
        insert_facts(session, new)
    _add_counts(session, Tally, ("dimension", "month", "key"), changes)
    _add_counts(session, DayTally, ("dimension", "day", "key"), day_changes)
    refresh_met_months(session, {month for (d, month, _k), n in changes.items() if d == ROOT and n})
    return roots


def refresh_met_months(session: Session, months: set[Any]) -> None:
    """Recompute these months' sets of organisations met from their ROOT tallies (four
    statements, a month's tallies being at most one row per organisation), after taking
    their rows (`take_rows`): a refresh of the same month in another transaction waits until
    this one ends, and then reads the tallies with this one's in."""
    if not months:
        return
    ordered = sorted(months)
    take_rows(
        session,
        MetMonth.__table__,
        ("month",),
        [{"month": month, "organisations": b""} for month in ordered],
    )
    found = met_month_rows(
        session.execute(
            select(Tally.month, Tally.key).where(Tally.dimension == ROOT, Tally.month.in_(ordered))
        )
    )
    session.execute(delete(MetMonth).where(MetMonth.month.in_(ordered)))
    if found:
        session.execute(MetMonth.__table__.insert(), found)


def met_month_rows(tallies: Iterable[tuple[Any, str]]) -> list[dict[str, Any]]:
    """`MetMonth` rows from (month, key) of ROOT tallies."""
    sets = grouped((month, int(key)) for month, key in tallies)
    return [{"month": month, "organisations": bits} for month, bits in sets.items()]


def insert_facts(session: Session, rows: Iterable[Fact]) -> None:
    values = [fact._asdict() for fact in rows]
    if values:
        session.execute(MeetingFact.__table__.insert(), values)


_UPSERTS = {"postgresql": postgresql_insert, "sqlite": sqlite_insert}


def _add_counts(
    session: Session, model: Any, keys: tuple[str, ...], changes: Counter[tuple[Any, ...]]
) -> None:
    """Add the changes to the model's counts (its last column counts; the others, `keys`,
    are its primary key): one upsert run for every changed row (executemany), then the rows
    that went down go if they reached zero (by primary key: the tables are large)."""
    changed = [(key, n) for key, n in sorted(changes.items()) if n]
    if not changed:
        return
    table = model.__table__
    name = next(c.name for c in table.columns if c.name not in keys)
    count = table.c[name]
    upsert = _UPSERTS[session.get_bind().dialect.name](table)
    session.execute(
        upsert.on_conflict_do_update(
            index_elements=list(keys), set_={name: count + upsert.excluded[name]}
        ),
        [{**dict(zip(keys, key, strict=True)), name: n} for key, n in changed],
    )
    went_down = [  # only a row that went down can have reached zero
        {f"old_{column}": value for column, value in zip(keys, key, strict=True)}
        for key, n in changed
        if n < 0
    ]
    if went_down:
        where = [table.c[column] == bindparam(f"old_{column}") for column in keys]
        session.execute(delete(table).where(*where, count <= 0), went_down)


def recompute_roots(session: Session, roots: set[int]) -> None:
    """Each organisation's held meetings, first and last, from its facts (an index range)."""
    for chunk in chunks(roots):
        if _is_postgresql(session):  # take turns with another refresh of the same ones
            session.execute(
                select(Organisation.id)
                .where(Organisation.id.in_(chunk))
                .order_by(Organisation.id)
                .with_for_update()
                .execution_options(include_deleted=True)
            )
        keys = [str(i) for i in chunk]
        figures: dict[int, dict[str, Any]] = {}
        for key, held, first, last in session.execute(
            select(
                MeetingFact.key,
                func.count(),
                func.min(MeetingFact.starts_at),
                func.max(MeetingFact.starts_at),
            )
            .where(MeetingFact.dimension == ROOT, MeetingFact.key.in_(keys))
            .group_by(MeetingFact.key)
        ):
            figures[int(key)] = {"held": held, "first_held_at": first, "last_held_at": last}
        for organisation, count in session.execute(
            select(FollowUpFact.organisation_id, func.count())
            .where(FollowUpFact.organisation_id.in_(chunk))
            .group_by(FollowUpFact.organisation_id)
        ):
            figures.setdefault(organisation, {})["open_follow_ups"] = count
        session.execute(delete(RootFigures).where(RootFigures.organisation_id.in_(chunk)))
        rows = [
            {
                "organisation_id": organisation,
                "held": values.get("held", 0),
                "first_held_at": values.get("first_held_at"),
                "last_held_at": values.get("last_held_at"),
                "open_follow_ups": values.get("open_follow_ups", 0),
            }
            for organisation, values in sorted(figures.items())
        ]
        if rows:
            session.execute(RootFigures.__table__.insert(), rows)
