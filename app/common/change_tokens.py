"""Change tokens: caching an expensive figure for exactly as long as its data is unchanged.

Some figures aggregate the whole history (how many municipalities the team has ever reached)
and cost far more than a page may take once there are hundreds of thousands of meetings.
Each such figure watches the models it is computed from under a topic. Whenever a flush
writes any of those models, the topic's token in `change_tokens` is replaced by a fresh random
value in the same transaction, so it commits or rolls back with the change. A process keeps
the figure next to the token it was computed under, and reuses it only while the database
still holds that token: one small SELECT instead of the aggregate, and never a stale answer.

Writes that bypass the ORM (bulk inserts of demo data) call `touch(topic)` themselves. A
database without a token for the topic is never cached for, so nothing depends on it
existing first.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from sqlalchemy import Connection, String, event, insert, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

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


def touch(topic: str) -> None:
    """Give `topic` a fresh token (in the current transaction)."""
    _renew(db.session.connection(), topic)


def _renew(connection: Connection, topic: str) -> None:
    token = uuid.uuid4().hex
    result = connection.execute(
        update(ChangeToken).where(ChangeToken.topic == topic).values(token=token)
    )
    if result.rowcount == 0:
        connection.execute(insert(ChangeToken).values(topic=topic, token=token))


def cached(topic: str, key: Hashable, compute: Callable[[], T]) -> T:
    """`compute()`, or the value this process computed for `key` under the current token."""
    token = db.session.scalar(select(ChangeToken.token).where(ChangeToken.topic == topic))
    if token is not None:
        hit = _cache.get(topic)
        if hit is not None and hit[0] == token and hit[1] == key:
            return hit[2]
    value = compute()
    if token is not None:
        _cache[topic] = (token, key, value)
    return value


def _after_flush(session: Session, _context: Any) -> None:
    written = {type(o) for o in (*session.new, *session.dirty, *session.deleted)}
    for topic, models in _watched.items():
        if any(issubclass(kind, models) for kind in written):
            _renew(session.connection(), topic)


def install_change_tokens() -> None:
    """Register the flush hook (idempotent)."""
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)
