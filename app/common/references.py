"""Is a row referred to? Answered from the schema's foreign keys, so new tables that point
at a row (meetings, follow-ups …) are covered without the owning domain knowing them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import exists, or_, select

from app.extensions import db

#: Foreign keys that do not keep a row alive: owned children go with it (CASCADE), and weak
#: links such as provenance or history forget it (SET NULL).
WEAK_LINKS = {"CASCADE", "SET NULL"}


def referring_columns(table_name: str) -> list[Any]:
    """Columns that refer to `table_name.id` and would keep a row from being deleted."""
    columns = []
    for table in db.metadata.tables.values():
        for foreign_key in table.foreign_keys:
            target = foreign_key.column
            weak = (foreign_key.ondelete or "").upper() in WEAK_LINKS
            if target.table.name == table_name and target.name == "id" and not weak:
                columns.append(foreign_key.parent)
    return columns


def is_referred_to(record: Any) -> bool:
    """True if any row of another (or the same) table refers to `record`."""
    columns = referring_columns(record.__tablename__)
    if not columns:
        return False
    return bool(
        db.session.scalar(select(or_(*(exists().where(column == record.id) for column in columns))))
    )
