"""One `caldav sync` at a time, across processes and machines: the lock is a row of
`caldav_sync_locks`, taken by an INSERT that its primary key lets only one holder win and
given back by a DELETE, each on a connection of its own and committed at once (so another
process sees it while the sync's own transaction is open).

The row carries a lease (CALDAV_SYNC_LEASE_SECONDS, default an hour): a sync killed midway
leaves it behind, and a later one takes over once it has expired. A second sync while the
first runs does not wait: it says so and exits with status 1 (cron or the timer simply
tries again at the next run).
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, String, delete, insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from app.common.db_types import UTCDateTime
from app.extensions import Base

NAME = "caldav-sync"
DEFAULT_LEASE = timedelta(hours=1)


class CaldavSyncLock(Base):
    """A held sync lock: who holds it (a random token) and until when."""

    __tablename__ = "caldav_sync_locks"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    holder: Mapped[str] = mapped_column(String(64))
    taken_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SyncLock:
    """A taken lock; `release()` gives it back (once)."""

    def __init__(self, engine: Engine, holder: str) -> None:
        self.engine, self.holder, self.released = engine, holder, False

    def release(self) -> None:
        if self.released:
            return
        self.released = True
        with self.engine.begin() as connection:
            connection.execute(delete(CaldavSyncLock).where(CaldavSyncLock.holder == self.holder))

    def __enter__(self) -> SyncLock:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.release()


def take_sync_lock(
    engine: Engine, *, lease: timedelta = DEFAULT_LEASE, now: datetime | None = None
) -> SyncLock | None:
    """The lock, or None while another sync holds it (an expired lease is taken over)."""
    now = now or datetime.now(UTC)
    holder = secrets.token_hex(16)
    row = {"name": NAME, "holder": holder, "taken_at": now, "expires_at": now + lease}
    for attempt in range(2):
        if attempt:
            with engine.begin() as connection:
                cleared = connection.execute(
                    delete(CaldavSyncLock).where(
                        CaldavSyncLock.name == NAME, CaldavSyncLock.expires_at < now
                    )
                )
            if not cleared.rowcount:
                return None
        try:
            with engine.begin() as connection:
                connection.execute(insert(CaldavSyncLock).values(**row))
        except IntegrityError:
            continue
        return SyncLock(engine, holder)
    return None
