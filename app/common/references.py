"""Is a row referred to? Answered from the schema's foreign keys, so new tables that point
at a row (meetings, follow-ups …) are covered without the owning domain knowing them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import exists, or_, select

from app.extensions import db


def referring_columns(table_name: str) -> list[Any]:
    """Columns that refer to `table_name.id`, except owned children (ON DELETE CASCADE)."""
    columns = []
    for table in db.metadata.tables.values():
        for foreign_key in table.foreign_keys:
            target = foreign_key.column
            owned = (foreign_key.ondelete or "").upper() == "CASCADE"
            if target.table.name == table_name and target.name == "id" and not owned:
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
