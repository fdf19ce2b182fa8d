"""Keeping the maintained figures right in the transaction that changes them, and rebuilding
them from scratch.

A flush that writes a meeting (or one of its perspectives) or a follow-up notes it; one that
changes an organisation's parent, kind, county or trash state notes the organisation. Right
after the flush, in the same transaction, `refresh` replaces the noted meetings' and
follow-ups' facts with freshly computed ones (those of an organisation's meetings and
follow-ups and its units' too, and a meeting's follow-ups), adds the difference to the
monthly tallies, and recomputes the figures of every top-level organisation whose facts
changed: the rest of the transaction, and every later one, reads figures with the write in.
Recomputing from the database's own state, rather than applying each change's delta, makes
noting too much harmless: a meeting noted without need contributes the same facts again.

A statement that writes meetings or organisations around the session (bulk UPDATE or DELETE)
cannot be followed row by row: the transaction then rebuilds everything before it commits
(no code path does so today: the trash and the organisation edits go through the flush, and
the contact merge's and import's statements write only contact columns, which no figure
reads; follow-ups are therefore not watched for such statements).
Writes outside the session altogether (`flask demo`, `flask restore`) call `rebuild()`.

On PostgreSQL two transactions refreshing the same meeting or organisation take turns (row
locks on them, in id order), so neither computes from a state the other is about to change.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from itertools import chain, islice
from typing import Any

from sqlalchemy import delete, event, func, inspect, literal, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import ORMExecuteState, Session

from app.common.written import take_written
from app.contacts.models import Contact
from app.extensions import db
from app.followups.models import FollowUp
from app.meetings.models import (
    Meeting,
    MeetingPerspective,
    TargetGroup,
    Topic,
    meeting_organisations,
)
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
    FollowUpFact,
    MeetingFact,
    RootFigures,
    Tally,
)

#: An organisation's fields that decide the facts of its meetings and its units' meetings.
ORGANISATION_FIELDS = ("parent_id", "kind", "county_code", "deleted_at")
#: Tables whose bulk writes (statements around the flush) call for a rebuild.
WATCHED_TABLES = frozenset(
    {
        "meetings",
        "meeting_organisations",
        "meeting_topics",
        "meeting_target_groups",
        "meeting_perspectives",
        "organisations",
        "topics",
        "target_groups",
    }
)
CHUNK = 500

_MEETINGS = "aggregates.meetings"
_FOLLOW_UPS = "aggregates.follow_ups"
_CONTACTS = "aggregates.contacts"
_ORGANISATIONS = "aggregates.organisations"
_EVERYTHING = "aggregates.everything"


def _noted(session: Session, name: str) -> set[int]:
    return session.info.setdefault(name, set())


def note_meetings(ids: Iterable[int], session: Session | None = None) -> None:
    """Refresh these meetings' facts before the transaction commits."""
    _noted(session or db.session(), _MEETINGS).update(ids)


def _after_flush(session: Session, _context: Any) -> None:
    meetings = _noted(session, _MEETINGS)
    organisations = _noted(session, _ORGANISATIONS)
    follow_ups = _noted(session, _FOLLOW_UPS)
    contacts = _noted(session, _CONTACTS)
    for obj in chain(session.new, session.dirty, session.deleted):
        if isinstance(obj, Meeting):
            meetings.add(obj.id)
        elif isinstance(obj, MeetingPerspective):
            meetings.add(obj.meeting_id)
        elif isinstance(obj, FollowUp):
            follow_ups.add(obj.id)
        elif isinstance(obj, Contact):
            contacts.add(obj.id)
        elif isinstance(obj, Organisation) and obj not in session.new:
            state = inspect(obj)
            if obj in session.deleted or any(
                state.attrs[field].history.has_changes() for field in ORGANISATION_FIELDS
            ):
                organisations.add(obj.id)
        elif isinstance(obj, (Topic, TargetGroup)) and obj in session.deleted:
            session.info[_EVERYTHING] = True


def _after_write_statement(state: ORMExecuteState) -> None:
    if not (state.is_update or state.is_delete or state.is_insert):
        return
    table = getattr(state.statement, "table", None)
    if getattr(table, "name", None) in WATCHED_TABLES:
        state.session.info[_EVERYTHING] = True


def _refresh_noted(session: Session) -> None:
    meetings = session.info.pop(_MEETINGS, set())
    organisations = session.info.pop(_ORGANISATIONS, set())
    follow_ups = session.info.pop(_FOLLOW_UPS, set())
    contacts = session.info.pop(_CONTACTS, set()) | take_written(session).get("contacts", set())
    if meetings or organisations or follow_ups or contacts:
        refresh(meetings, organisations, follow_ups, contacts, session=session)


def _after_flush_postexec(session: Session, _context: Any) -> None:
    """Refresh what the flush noted at once, so the rest of the transaction reads figures
    that include its own writes."""
    _refresh_noted(session)


def _before_commit(session: Session) -> None:
    session.flush()
    if session.info.get(_EVERYTHING):
        _forget(session)
        rebuild(session)
        return
    _refresh_noted(session)  # rows noted by bulk statements since the last flush


def _forget(session: Session) -> None:
    take_written(session)
    for name in (_MEETINGS, _ORGANISATIONS, _FOLLOW_UPS, _CONTACTS, _EVERYTHING):
        session.info.pop(name, None)


def _after_transaction_end(session: Session, transaction: Any) -> None:
    if transaction.parent is None:
        _forget(session)


def install_maintenance() -> None:
    """Register the session hooks (idempotent)."""
    for name, hook in (
        ("after_flush", _after_flush),
        ("after_flush_postexec", _after_flush_postexec),
        ("do_orm_execute", _after_write_statement),
        ("before_commit", _before_commit),
        ("after_transaction_end", _after_transaction_end),
    ):
        if not event.contains(Session, name, hook):
            event.listen(Session, name, hook)


def _chunks(ids: Iterable[int], size: int = CHUNK) -> Iterator[list[int]]:
    iterator = iter(sorted(ids))
    while chunk := list(islice(iterator, size)):
        yield chunk


def _is_postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _meetings_of(organisation_ids: set[int], session: Session) -> set[int]:
    """The meetings held with these organisations or their units (trash or not)."""
    found: set[int] = set()
    for chunk in _chunks(organisation_ids):
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
    for chunk in _chunks(meeting_ids):
        found.update(
            session.scalars(
                select(FollowUp.id)
                .where(FollowUp.meeting_id.in_(chunk))
                .execution_options(include_deleted=True)
            )
        )
    for chunk in _chunks(organisation_ids):
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
    _recompute_roots(session, roots)
    _refresh_activity(session, FOLLOW_UP_RECORD, set(follow_up_ids), follow_up_activity)
    _refresh_activity(session, CONTACT_RECORD, set(contact_ids), contact_activity)


def _refresh_activity(session: Session, record: str, ids: set[int], compute: Any) -> None:
    """Replace these records' activity facts and add the difference to the activity
    tallies (per day and per month)."""
    changes: Counter[tuple[str, str, Any, int]] = Counter()
    for chunk in _chunks(ids):
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
        _insert_activity(session, new)
    _add_counts(session, ActivityTally, ("dimension", "grain", "period", "owner_id"), changes)


def _insert_activity(session: Session, rows: Iterable[ActivityRow]) -> None:
    values = [row._asdict() for row in rows]
    for start in range(0, len(values), 5_000):
        session.execute(ActivityFact.__table__.insert(), values[start : start + 5_000])


def _refresh_follow_ups(session: Session, follow_up_ids: set[int]) -> set[int]:
    """Replace these follow-ups' facts; return the organisations whose facts changed."""
    roots: set[int] = set()
    for chunk in _chunks(follow_up_ids):
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
    roots: set[int] = set()
    postgresql = _is_postgresql(session)
    for chunk in _chunks(meetings):
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
        for fact in new - old:
            changes[(fact.dimension, fact.month, fact.key)] += 1
        roots.update(int(f.key) for f in old ^ new if f.dimension == ROOT)
        session.execute(delete(MeetingFact).where(MeetingFact.meeting_id.in_(chunk)))
        _insert_facts(session, new)
    _add_to_tallies(session, changes)
    return roots


def _insert_facts(session: Session, rows: Iterable[Fact]) -> None:
    values = [fact._asdict() for fact in rows]
    if values:
        session.execute(MeetingFact.__table__.insert(), values)


_UPSERTS = {"postgresql": postgresql_insert, "sqlite": sqlite_insert}


def _add_to_tallies(session: Session, changes: Counter[tuple[str, Any, str]]) -> None:
    _add_counts(session, Tally, ("dimension", "month", "key"), changes)


def _add_counts(
    session: Session, model: Any, keys: tuple[str, ...], changes: Counter[tuple[Any, ...]]
) -> None:
    """Add the changes to the model's counts (its last column counts; the others, `keys`,
    are its primary key): one upsert per changed row, then rows at zero go."""
    changed = [(key, n) for key, n in sorted(changes.items()) if n]
    if not changed:
        return
    table = model.__table__
    count = table.c[next(c.name for c in table.columns if c.name not in keys)]
    upsert = _UPSERTS[session.get_bind().dialect.name]
    for key, n in changed:
        statement = upsert(table).values({**dict(zip(keys, key, strict=True)), count.name: n})
        session.execute(
            statement.on_conflict_do_update(
                index_elements=list(keys),
                set_={count.name: count + statement.excluded[count.name]},
            )
        )
    session.execute(delete(table).where(count <= 0))


def _recompute_roots(session: Session, roots: set[int]) -> None:
    """Each organisation's held meetings, first and last, from its facts (an index range)."""
    for chunk in _chunks(roots):
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


def rebuild(session: Session | None = None) -> dict[str, int]:
    """Compute every maintained figure from scratch: the facts of meetings, follow-ups and
    contacts by ranges of ids, then the tallies and organisation figures from the facts.
    Returns row counts."""
    session = session or db.session()
    for model in (MeetingFact, FollowUpFact, Tally, RootFigures, ActivityFact, ActivityTally):
        session.execute(delete(model))
    # Meetings by ranges of 20,000 ids: their facts in memory, then written.
    first, last = session.execute(select(func.min(Meeting.id), func.max(Meeting.id))).one()
    count = 0
    for start in range(first or 0, (last or -1) + 1, 20_000):
        batch = list(facts(between=(start, start + 19_999)))
        _insert_facts(session, batch)
        count += len(batch)
    session.execute(
        Tally.__table__.insert().from_select(
            ["dimension", "month", "key", "meetings"],
            select(
                MeetingFact.dimension, MeetingFact.month, MeetingFact.key, func.count()
            ).group_by(MeetingFact.dimension, MeetingFact.month, MeetingFact.key),
        )
    )
    # Read, then written (an INSERT … SELECT would not get the trash filter of ORM reads).
    links = sorted(follow_up_facts())
    for start in range(0, len(links), 5_000):
        session.execute(
            FollowUpFact.__table__.insert(),
            [{"follow_up_id": f, "organisation_id": o} for f, o in links[start : start + 5_000]],
        )
    # Every organisation with facts: its figures (an organisation has few, so per chunk).
    roots = {
        int(key)
        for key in session.scalars(
            select(MeetingFact.key).where(MeetingFact.dimension == ROOT).distinct()
        )
    }
    roots.update(session.scalars(select(FollowUpFact.organisation_id).distinct()))
    _recompute_roots(session, roots)
    for model, compute in ((FollowUp, follow_up_activity), (Contact, contact_activity)):
        first, last = session.execute(select(func.min(model.id), func.max(model.id))).one()
        for start in range(first or 0, (last or -1) + 1, 20_000):
            _insert_activity(session, sorted(compute(between=(start, start + 19_999))))
    # Per day in SQL; per month from those in Python (SQLite and PostgreSQL name the month
    # of a date differently).
    session.execute(
        ActivityTally.__table__.insert().from_select(
            ["dimension", "grain", "period", "owner_id", "count"],
            select(
                ActivityFact.dimension,
                literal(DAY),
                ActivityFact.day,
                ActivityFact.owner_id,
                func.count(),
            ).group_by(ActivityFact.dimension, ActivityFact.day, ActivityFact.owner_id),
        )
    )
    months: Counter[tuple[str, Any, int]] = Counter()
    for dimension, day, owner, number in session.execute(
        select(
            ActivityTally.dimension,
            ActivityTally.period,
            ActivityTally.owner_id,
            ActivityTally.count,
        ).where(ActivityTally.grain == DAY)
    ):
        months[(dimension, day.replace(day=1), owner)] += number
    rows = [
        {"dimension": d, "grain": MONTH, "period": m, "owner_id": o, "count": n}
        for (d, m, o), n in sorted(months.items())
    ]
    for start in range(0, len(rows), 5_000):
        session.execute(ActivityTally.__table__.insert(), rows[start : start + 5_000])
    tallies = session.scalar(select(func.count()).select_from(Tally)) or 0
    organisations = session.scalar(select(func.count()).select_from(RootFigures)) or 0
    activity = session.scalar(select(func.count()).select_from(ActivityFact)) or 0
    return {
        "facts": count,
        "tallies": tallies,
        "organisations": organisations,
        "activity": activity,
    }
