"""Heavy work bounded: at most HEAVY_WORK_LIMIT exports and imports at once, across every
worker and machine, because the slots are rows in the database.

A slot is a row of `heavy_slots` whose primary key is its number (0 … N-1): taking one is an
INSERT that the primary key lets only one holder win, giving it back is a DELETE. Each row
holds a lease that expires (HEAVY_WORK_LEASE): a worker killed mid-export leaves its row
behind, and the next taker deletes expired rows first, so a slot is never lost for longer
than a lease. Work that runs longer renews its lease as it goes (a streamed download renews
it while it sends).

The slot rows are written on a connection of their own, committed at once, so other workers
see them while the request's own transaction is still open.

`bounded(kind)` wraps a view: the next request beyond N gets the Swedish "try again in a
moment" page (429 with Retry-After). For a response that is made as it is sent, the slot is
given back when the response ends: after the last piece, or when the client goes away and
the server closes it.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime, timedelta
from functools import wraps
from typing import Any, TypeVar

from flask import Response, current_app, make_response, render_template, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import Engine, Integer, String, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from app.common.db_types import UTCDateTime
from app.extensions import Base, db

F = TypeVar("F", bound=Callable[..., Any])

BUSY_TITLE = _l("Upptaget just nu")
BUSY_MESSAGE = _l("Många exporter och importer pågår just nu. Försök igen om en stund.")


class HeavySlot(Base):
    """One taken slot for heavy work: who holds it (a random token) and until when."""

    __tablename__ = "heavy_slots"

    slot: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    holder: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    taken_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


def _now() -> datetime:
    return datetime.now(UTC)


class Lease:
    """A held slot: `renew()` moves its expiry on (at most every third of the lease),
    `release()` gives it back (once; later calls do nothing)."""

    def __init__(self, engine: Engine, slot: int, holder: str, lease: timedelta) -> None:
        self.engine = engine
        self.slot = slot
        self.holder = holder
        self.lease = lease
        self.renewed = time.monotonic()
        self.released = False

    def renew(self, *, force: bool = False) -> None:
        """Extend the lease from now, if a third of it has passed (or `force`)."""
        if self.released:
            return
        if not force and time.monotonic() - self.renewed < self.lease.total_seconds() / 3:
            return
        with self.engine.begin() as connection:
            connection.execute(
                update(HeavySlot)
                .where(HeavySlot.holder == self.holder)
                .values(expires_at=_now() + self.lease)
            )
        self.renewed = time.monotonic()

    def release(self) -> None:
        """Give the slot back."""
        if self.released:
            return
        self.released = True
        with self.engine.begin() as connection:
            connection.execute(delete(HeavySlot).where(HeavySlot.holder == self.holder))

    def __enter__(self) -> Lease:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.release()


def acquire(
    engine: Engine, *, kind: str, limit: int, lease: timedelta, now: datetime | None = None
) -> Lease | None:
    """Take a free slot of `limit` for `kind` of work, or return None when all are held.

    The slots are tried in order; only when all are taken are expired leases cleared and
    the slots tried again, so taking a free slot is one statement (and giving it back one).
    Each write is its own short transaction whose first statement writes, so on SQLite it
    waits on the busy timeout instead of failing, and on PostgreSQL a lost race (a duplicate
    key) aborts only that attempt."""
    now = now or _now()
    holder = secrets.token_hex(16)
    row = {"holder": holder, "kind": kind, "taken_at": now, "expires_at": now + lease}
    for attempt in range(2):
        if attempt:
            with engine.begin() as connection:
                cleared = connection.execute(delete(HeavySlot).where(HeavySlot.expires_at < now))
            if not cleared.rowcount:
                return None
        for slot in range(max(limit, 0)):
            try:
                with engine.begin() as connection:
                    connection.execute(insert(HeavySlot).values(slot=slot, **row))
            except IntegrityError:
                continue
            return Lease(engine, slot, holder, lease)
    return None


def held_slots(engine: Engine) -> int:
    """How many slots are held now (expired leases not counted)."""
    with engine.connect() as connection:
        return connection.scalar(
            select(func.count()).select_from(HeavySlot).where(HeavySlot.expires_at >= _now())
        )


def take_slot(kind: str) -> Lease | None:
    """A slot under this app's settings (HEAVY_WORK_LIMIT, HEAVY_WORK_LEASE_SECONDS)."""
    config = current_app.config
    return acquire(
        db.engine,
        kind=kind,
        limit=int(config["HEAVY_WORK_LIMIT"]),
        lease=timedelta(seconds=int(config["HEAVY_WORK_LEASE_SECONDS"])),
    )


def _end_sqlite_transaction(*, commit: bool) -> None:
    """On SQLite a request that may write began IMMEDIATE (app/common/database.py) and
    holds the database's one write lock, so the slot's own connection would wait for it
    forever: end that transaction first. Before the view it is committed (only what ran
    before the view is in it); after the view it is rolled back, as the end of the request
    would (the view has committed what it keeps)."""
    session = db.session()
    if session.in_transaction() and db.engine.dialect.name == "sqlite":
        if commit:
            session.commit()
        else:
            session.rollback()


def busy_response() -> Response:
    """The Swedish "try again in a moment" page: 429 with Retry-After."""
    retry_after = int(current_app.config["HEAVY_WORK_RETRY_AFTER"])
    page = render_template(
        "errors/busy.html", code=429, title=BUSY_TITLE, message=BUSY_MESSAGE, retry=retry_after
    )
    response = make_response(page, 429)
    response.headers["Retry-After"] = str(retry_after)
    response.headers["Cache-Control"] = "no-store"
    return response


def _renewing(chunks: Iterable[bytes], lease: Lease) -> Iterator[bytes]:
    """The response's pieces, renewing the lease while they are made; the slot is given
    back when the last is sent or the response is closed, with the inner iterable."""
    try:
        for chunk in chunks:
            lease.renew()
            yield chunk
    finally:
        try:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()
        finally:
            lease.release()


def hold_for_response(response: Response, lease: Lease) -> Response:
    """Keep `lease` while the work behind `response` goes on.

    A body made as it is sent (a streamed CSV) holds the slot until its last piece is sent
    or the response is closed (the client went away). A body already made (bytes in memory,
    or a finished temporary file sent in blocks) is sending, not work: the slot is given
    back at once."""
    if response.is_streamed and not response.direct_passthrough:
        response.response = _renewing(response.response, lease)
        response.call_on_close(lease.release)  # a body never started is only closed
    else:
        _end_sqlite_transaction(commit=False)
        lease.release()
    return response


def bounded(kind: str, *, methods: Iterable[str] | None = None) -> Callable[[F], F]:
    """Run the view holding a heavy-work slot (only for `methods`, if given); 429 when none
    is free."""
    limited = {m.upper() for m in methods} if methods is not None else None

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if limited is not None and request.method not in limited:
                return view(*args, **kwargs)
            _end_sqlite_transaction(commit=True)
            lease = take_slot(kind)
            if lease is None:
                return busy_response()
            try:
                response = make_response(view(*args, **kwargs))
            except BaseException:
                _end_sqlite_transaction(commit=False)
                lease.release()
                raise
            return hold_for_response(response, lease)

        return wrapper  # type: ignore[return-value]

    return decorate
