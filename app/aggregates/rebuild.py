"""Computing every maintained figure from scratch: `flask aggregates rebuild`, and after the
writes that go around the session (`flask demo`, `flask restore`)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import delete, func, inspect, literal, select, text
from sqlalchemy.orm import Session

from app.contacts.models import Contact
from app.extensions import db
from app.followups.models import FollowUp
from app.meetings.models import Meeting

from .facts import contact_activity, facts, follow_up_activity, follow_up_facts
from .maintain import insert_activity, insert_facts, met_month_rows, recompute_roots
from .models import (
    DAY,
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


def refresh_planner_statistics(session: Session) -> None:
    """On PostgreSQL, ANALYZE every table first. A rebuild follows bulk writes (the demo, a
    restore, an import's bulk statements), often in the same transaction, when the planner's
    statistics still describe the tables before them: for a new database, empty. Planned for
    empty tables, the fact statement took minutes per 20,000 meetings at scale 100. ANALYZE
    counts the rows the current transaction has written; SQLite plans without statistics of
    that kind. Only the app's own tables (in the schema its statements use): another schema
    in the same database is not this rebuild's to lock."""
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        return
    present = set(inspect(connection).get_table_names())
    names = [table.name for table in db.metadata.sorted_tables if table.name in present]
    if names:
        session.execute(text("ANALYZE " + ", ".join(f'"{name}"' for name in names)))


def rebuild(session: Session | None = None) -> dict[str, int]:
    """Compute every maintained figure from scratch: the facts of meetings, follow-ups and
    contacts by ranges of ids, then the tallies and organisation figures from the facts.
    Returns row counts."""
    session = session or db.session()
    refresh_planner_statistics(session)
    for model in (
        MeetingFact,
        FollowUpFact,
        Tally,
        DayTally,
        MetMonth,
        RootFigures,
        ActivityFact,
        ActivityTally,
    ):
        session.execute(delete(model))
    # Meetings by ranges of 20,000 ids: their facts in memory, then written.
    first, last = session.execute(select(func.min(Meeting.id), func.max(Meeting.id))).one()
    count = 0
    for start in range(first or 0, (last or -1) + 1, 20_000):
        batch = list(facts(between=(start, start + 19_999)))
        insert_facts(session, batch)
        count += len(batch)
    session.execute(
        Tally.__table__.insert().from_select(
            ["dimension", "month", "key", "meetings"],
            select(
                MeetingFact.dimension, MeetingFact.month, MeetingFact.key, func.count()
            ).group_by(MeetingFact.dimension, MeetingFact.month, MeetingFact.key),
        )
    )
    rows = met_month_rows(
        session.execute(select(Tally.month, Tally.key).where(Tally.dimension == ROOT))
    )
    if rows:
        session.execute(MetMonth.__table__.insert(), rows)
    session.execute(
        DayTally.__table__.insert().from_select(
            ["dimension", "day", "key", "meetings"],
            select(MeetingFact.dimension, MeetingFact.day, MeetingFact.key, func.count()).group_by(
                MeetingFact.dimension, MeetingFact.day, MeetingFact.key
            ),
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
    recompute_roots(session, roots)
    for model, compute in ((FollowUp, follow_up_activity), (Contact, contact_activity)):
        first, last = session.execute(select(func.min(model.id), func.max(model.id))).one()
        for start in range(first or 0, (last or -1) + 1, 20_000):
            insert_activity(session, sorted(compute(between=(start, start + 19_999))))
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
