"""Change tokens: caching an expensive figure for exactly as long as its data is unchanged.

Some figures aggregate the whole history (how many municipalities the team has ever reached)
and cost far more than a page may take once there are hundreds of thousands of meetings.
Each such figure watches the models it is computed from under a topic. When a transaction
that wrote any of those models commits, the topic's token in `change_tokens` is replaced by a
fresh random value as part of that commit, so it commits or rolls back with the change (once
per transaction, however many flushes it made). Until then that transaction computes the
figure afresh and keeps nothing. A process keeps the figure next to the token it was
computed under, and reuses it only while the database still holds that token: one small
SELECT instead of the aggregate, and never a stale answer.

Statements run through the session that write (bulk INSERT, UPDATE, DELETE of imports,
merges and the trash) renew every topic, as they bypass the flush. Writes outside the session
(the demo data's bulk inserts) call `touch(topic)` themselves. A database without a token for
the topic is never cached for, so nothing depends on it existing first.

A token names a state of the data, not a moment: a restored backup brings back the token it
was taken under together with the data that token stood for.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from sqlalchemy import Connection, String, event, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, mapped_column

from app.extensions import db

T = TypeVar("T")

#: topic → the model classes whose writes change it.
_watched: dict[str, tuple[type, ...]] = {}
#: topic → (token, key, value) computed in this process.
_cache: dict[str, tuple[str, Hashable, Any]] = {}


class ChangeToken(db.Model):
    """The current token of one topic."""

    __tablename__ = "change_tokens"

    topic: Mapped[str] = mapped_column(String(40), primary_key=True)
    token: Mapped[str] = mapped_column(String(32))


def watch(topic: str, *models: type) -> None:
    """Replace `topic`'s token whenever a flush writes one of `models`."""
    _watched[topic] = tuple(set(_watched.get(topic, ())) | set(models))


def touch(*topics: str) -> None:
    """Give `topics` (all watched topics when none is named) a fresh token now, in the
    current transaction: for writes that bypass the session."""
    for topic in topics or sorted(_watched):
        _renew(db.session.connection(), topic)
    db.session().info.pop(_READ, None)


#: INSERT … ON CONFLICT for the databases we run on.
_UPSERTS = {"postgresql": postgresql_insert, "sqlite": sqlite_insert}


def _renew(connection: Connection, topic: str) -> None:
    """One statement that writes the topic's new token, creating its row if there is none:
    two first writers at once cannot both try to create it (a plain UPDATE, then an INSERT
    when nothing was updated, made the second one fail on the primary key)."""
    token = uuid.uuid4().hex
    statement = _UPSERTS[connection.dialect.name](ChangeToken).values(topic=topic, token=token)
    connection.execute(
        statement.on_conflict_do_update(index_elements=["topic"], set_={"token": token})
    )


def cached(topic: str, key: Hashable, compute: Callable[[], T]) -> T:
    """`compute()`, or the value this process computed for `key` under the current token.

    Inside a transaction that has written to the topic's models, the value is computed and
    not kept: its token is renewed only at commit."""
    token = None if topic in pending_topics() else current_token(topic)
    if token is not None:
        hit = _cache.get(topic)
        if hit is not None and hit[0] == token and hit[1] == key:
            return hit[2]
    value = compute()
    if token is not None:
        _cache[topic] = (token, key, value)
    return value


def current_token(topic: str) -> str | None:
    """The topic's token (None when the database has none for it). All topics are read in
    one statement, once per transaction."""
    info = db.session().info
    tokens = info.get(_READ)
    if tokens is None:
        tokens = info[_READ] = dict(
            db.session.execute(select(ChangeToken.topic, ChangeToken.token)).all()
        )
    return tokens.get(topic)


def pending_topics(session: Session | None = None) -> set[str]:
    """The topics this session's transaction has written to (renewed when it commits)."""
    return (session or db.session()).info.setdefault(_PENDING, set())


_PENDING = "change_tokens.pending"
_READ = "change_tokens.read"


def _after_flush(session: Session, _context: Any) -> None:
    written = {type(o) for o in (*session.new, *session.dirty, *session.deleted)}
    for topic, models in _watched.items():
        if any(issubclass(kind, models) for kind in written):
            pending_topics(session).add(topic)


def _after_write_statement(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        pending_topics(state.session).update(_watched)


def _before_commit(session: Session) -> None:
    session.flush()  # the commit's own flush comes after this hook: its writes count too
    pending = pending_topics(session)
    for topic in sorted(pending):
        _renew(session.connection(), topic)
    pending.clear()


def _after_transaction_end(session: Session, transaction: Any) -> None:
    if transaction.parent is None:  # the outermost transaction: committed or rolled back
        pending_topics(session).clear()
        session.info.pop(_READ, None)


def install_change_tokens() -> None:
    """Register the session hooks (idempotent)."""
    for name, hook in (
        ("after_flush", _after_flush),
        ("do_orm_execute", _after_write_statement),
        ("before_commit", _before_commit),
        ("after_transaction_end", _after_transaction_end),
    ):
        if not event.contains(Session, name, hook):
            event.listen(Session, name, hook)
