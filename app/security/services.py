"""Writing and reading the security log.

`record` adds an event to the request's session: it is committed with the change it
describes (a user edited, a feed link made) or by the view that handled the login. Refusals
(`count_refusal`) are counted per address and minute in one row by an upsert, so a script
cannot flood the table. Exports are recorded when they start (`start_export`) and completed
with their row count when the last row is written.

Whatever is written outside the request's own transaction (a refusal inside a GET request,
an export's start and end, a download) is written by `own_transaction`: a short transaction
on a connection of its own, which on SQLite begins IMMEDIATE, so it waits its turn on the
busy timeout behind other writers instead of failing with "database is locked" (as a write
following reads in the request's deferred transaction does once another worker has written).

Nothing here stores a password or a token: paths pass through `mask_secrets`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import Select, delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, joinedload

from app.common.database import BEGIN_IMMEDIATE
from app.common.time import local_midnight, utcnow
from app.extensions import db

from .access_log import mask
from .models import SecurityEvent, SecurityKind

UNKNOWN = "okänd"


def mask_secrets(text: str) -> str:
    """`text` with every feed token replaced by ***."""
    return str(mask(text))


@contextmanager
def own_transaction() -> Iterator[Session]:
    """A session on a connection of its own, in one short transaction committed at the end
    of the block (rolled back if it raises); on SQLite it begins IMMEDIATE, even inside a
    GET request, so it queues behind other writers on the busy timeout.

    The caller must not hold SQLite's write lock in the request's own session (a POST's
    transaction does: roll it back or commit it first), or this waits for itself."""
    with db.engine.connect() as connection:
        connection.execution_options(**{BEGIN_IMMEDIATE: True})
        with Session(bind=connection) as session, session.begin():
            yield session


def _cut(text: str | None, length: int) -> str | None:
    return None if text is None else text[:length]


def record(
    kind: SecurityKind,
    *,
    user: Any = None,
    email: str | None = None,
    address: str | None = None,
    subject: str | None = None,
    detail: str | None = None,
    rows: int | None = None,
) -> SecurityEvent:
    """Add one event to the session (committed with the caller's transaction)."""
    event = SecurityEvent(
        kind=kind.value,
        user_id=getattr(user, "id", None),
        email=_cut(email, 254),
        address=_cut(address, 64),
        subject=_cut(subject and mask_secrets(subject), 300),
        detail=_cut(detail and mask_secrets(detail), 2000),
        rows=rows,
    )
    db.session.add(event)
    db.session.flush()
    return event


def count_refusal(
    kind: SecurityKind,
    *,
    address: str,
    user: Any = None,
    user_id: int | None = None,
    email: str | None = None,
    subject: str | None = None,
    now: datetime | None = None,
    session: Session | None = None,
) -> None:
    """Count one refusal in the row for this kind, address, user and minute (an upsert:
    one statement, one row per minute however many arrive). The user is given as `user`
    or as `user_id`."""
    now = now or utcnow()
    minute = now.replace(second=0, microsecond=0)
    user_id = user_id if user_id is not None else getattr(user, "id", None)
    bucket = f"{kind.value}|{address[:64]}|{user_id or ''}|{email or ''}|{minute:%Y%m%d%H%M}"
    session = session or db.session
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = SecurityEvent.__table__
    statement = insert(table).values(
        kind=kind.value,
        occurred_at=minute,
        last_at=now,
        count=1,
        user_id=user_id,
        email=_cut(email, 254),
        address=address[:64],
        subject=_cut(subject and mask_secrets(subject), 300),
        bucket=bucket[:400],
    )
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["bucket"], set_={"count": table.c.count + 1, "last_at": now}
        )
    )


def refusals_since(kind: SecurityKind, *, address: str, since: datetime) -> int:
    """How many refusals of `kind` this address has had since `since` (whole minutes)."""
    return db.session.scalar(
        select(func.coalesce(func.sum(SecurityEvent.count), 0)).where(
            SecurityEvent.kind == kind.value,
            SecurityEvent.address == address[:64],
            SecurityEvent.occurred_at >= since.replace(second=0, microsecond=0),
        )
    )


def start_export(
    kind: SecurityKind, *, user: Any, address: str | None, subject: str, detail: str | None
) -> Callable[[int], None]:
    """Record that an export has started, in a transaction of its own (the export's request
    commits nothing); return the function that completes the row with its row count."""
    with own_transaction() as session:
        event = SecurityEvent(
            kind=kind.value,
            user_id=getattr(user, "id", None),
            address=_cut(address, 64),
            subject=_cut(subject, 300),
            detail=_cut(detail and mask_secrets(detail), 2000),
        )
        session.add(event)
        session.flush()
        event_id = event.id

    def complete(rows: int | None) -> None:
        with own_transaction() as session:
            session.execute(
                update(SecurityEvent)
                .where(SecurityEvent.id == event_id)
                .values(rows=rows, completed_at=utcnow())
            )

    return complete


def record_download(*, user: Any, address: str | None, subject: str, detail: str | None) -> None:
    """Record a finished download whose row count is not known, in one statement of its own
    transaction."""
    now = utcnow()
    with own_transaction() as session:
        session.add(
            SecurityEvent(
                kind=SecurityKind.EXPORT.value,
                occurred_at=now,
                last_at=now,
                completed_at=now,
                user_id=getattr(user, "id", None),
                address=_cut(address, 64),
                subject=_cut(subject, 300),
                detail=_cut(detail and mask_secrets(detail), 2000),
            )
        )


@dataclass(frozen=True)
class EventFilter:
    kind: str | None = None
    user_id: int | None = None
    start: date | None = None
    end: date | None = None


def event_query(filters: EventFilter) -> Select[tuple[SecurityEvent]]:
    """The events matching the filter, newest first, with their users."""
    query = select(SecurityEvent).options(joinedload(SecurityEvent.user))
    if filters.kind:
        query = query.where(SecurityEvent.kind == filters.kind)
    if filters.user_id:
        query = query.where(SecurityEvent.user_id == filters.user_id)
    if filters.start:
        query = query.where(SecurityEvent.occurred_at >= local_midnight(filters.start))
    if filters.end:
        end = local_midnight(filters.end + timedelta(days=1))
        query = query.where(SecurityEvent.occurred_at < end)
    return query.order_by(SecurityEvent.occurred_at.desc(), SecurityEvent.id.desc())


def prune(*, days: int, now: datetime | None = None) -> int:
    """Delete the events older than `days` days; return how many."""
    cutoff = (now or utcnow()) - timedelta(days=days)
    result = db.session.execute(delete(SecurityEvent).where(SecurityEvent.last_at < cutoff))
    return result.rowcount or 0


def count_refusal_apart(
    kind: SecurityKind,
    *,
    address: str,
    user_id: int | None = None,
    subject: str | None = None,
) -> None:
    """Count a refusal in a transaction of its own (`own_transaction`), committed at once.
    The request's own transaction is rolled back first: what it did is refused, and on SQLite
    a POST's transaction holds the write lock this write would otherwise wait for. A log
    that cannot be written (the busy timeout ran out) never turns the refusal into a 500."""
    try:
        db.session.rollback()
        with own_transaction() as session:
            count_refusal(kind, address=address, user_id=user_id, subject=subject, session=session)
    except SQLAlchemyError as error:
        current_app.logger.warning(
            "Could not count a %s in the security log: %s", kind.value, error
        )
