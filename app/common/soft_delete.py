"""Soft delete: records in the trash vanish from every query until they are restored.

Organisations, contacts, meetings and follow-ups carry `deleted_at` (and who deleted them).
Rather than trusting every list, search, export, feed and count to remember a
`deleted_at IS NULL`, one session hook adds that criterion to every ORM SELECT: the top-level
statement, its joins and subqueries, and the relationship loads that follow from it (a
meeting's participants, a follow-up's contact). A deleted row therefore answers 404 by id, is
left out of lists and counts, and drops out of collections at once.

Only the trash itself (and restoring from it) asks for deleted rows, with
`execution_options(include_deleted=True)` on the statement: see `including_deleted`.
Plain Core statements over `Table` objects (bulk inserts, the backup) are not ORM statements
and see everything.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypeVar
from weakref import WeakKeyDictionary

from sqlalchemy import ForeignKey, Index, Select, event, text
from sqlalchemy.orm import (
    Mapped,
    ORMExecuteState,
    Session,
    declared_attr,
    mapped_column,
    with_loader_criteria,
)

from app.common.db_types import UTCDateTime

INCLUDE_DELETED = "include_deleted"

S = TypeVar("S", bound=Select[Any])


class SoftDeletable:
    """Mixin: `deleted_at` (UTC) and `deleted_by_id` (the user, if still there)."""

    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)

    @declared_attr
    def deleted_by_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("users.id", ondelete="SET NULL"), default=None)

    @property
    def deleted(self) -> bool:
        return self.deleted_at is not None


def live_index(name: str, *columns: str) -> Index:
    """An index over the rows outside the trash only (a partial index on both databases).

    Every ORM query carries `deleted_at IS NULL`, so lists, their counts and their orderings
    can be answered from such an index without reading the table's rows.
    """
    where = text("deleted_at IS NULL")
    return Index(name, *columns, sqlite_where=where, postgresql_where=where)


def including_deleted(statement: S) -> S:
    """Return `statement` marked to see deleted rows too (for the trash and restoring)."""
    return statement.execution_options(**{INCLUDE_DELETED: True})


#: Each statement with the criterion added, for as long as the statement itself lives.
_HIDING: WeakKeyDictionary[Any, Any] = WeakKeyDictionary()


def _hide_deleted(execute_state: ORMExecuteState) -> None:
    if (
        execute_state.is_select
        and not execute_state.is_column_load
        and not execute_state.is_relationship_load
        and not execute_state.execution_options.get(INCLUDE_DELETED, False)
    ):
        # Relationship loads inherit the option from the statement that loaded their parent.
        execute_state.statement = hiding_deleted(execute_state.statement)


def hiding_deleted(statement: Any) -> Any:
    """`statement` with the criterion on every soft-deletable entity in it. A statement that
    is run again (one built once per process with parameters) gets the same one back, so
    SQLAlchemy finds its compiled form by a cache key it has already made: adding the option
    anew made a new statement whose key was worked out again on every run, more than a
    tenth of a millisecond each."""
    found = _HIDING.get(statement)
    if found is None:
        found = _HIDING[statement] = statement.options(
            with_loader_criteria(
                SoftDeletable,
                lambda cls: cls.deleted_at.is_(None),
                include_aliases=True,
            )
        )
    return found


def install_soft_delete_filter() -> None:
    """Register the hook on every ORM session (idempotent)."""
    if not event.contains(Session, "do_orm_execute", _hide_deleted):
        event.listen(Session, "do_orm_execute", _hide_deleted)
