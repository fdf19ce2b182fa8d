"""Pages of a list with a count that stays cheap at any size.

An exact `count(*)` reads every matching row (or index entry): half a million meetings take
tens of milliseconds on SQLite, on every page view. A list page needs the exact number only
while it is small enough to mean something; beyond `COUNT_LIMIT` it says "more than 10 000"
and the user narrows the list with the filters (the exports always hold every row).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, func, literal, select

from app.extensions import db

#: Lists count exactly up to this many rows.
COUNT_LIMIT = 10_000


def bounded_count(query: Select[Any], limit: int = COUNT_LIMIT) -> int:
    """The number of rows `query` gives, or `limit + 1` if there are more than `limit`."""
    capped = (
        query.order_by(None)
        .with_only_columns(literal(1), maintain_column_froms=True)
        .limit(limit + 1)
        .subquery()
    )
    return db.session.scalar(select(func.count()).select_from(capped)) or 0


def paginate(
    query: Select[Any],
    *,
    page: int,
    per_page: int,
    load: Callable[[list[int]], Iterable[Any]] | None = None,
    total: int | None = None,
) -> Pagination:
    """`db.paginate` with a bounded count; `page.more_than` is set when the count is capped.
    `total`, when the caller has it from a maintained figure of the same records, is used
    instead of counting the query.

    With `load`, the page is found narrow first: `query` filtered and ordered but selecting
    only the records' ids, LIMIT/OFFSET applied, so the database sorts (id, sort key) pairs
    instead of whole rows (a meeting's notes and agenda, thousands of hits for a search);
    then `load(ids)` reads just the page's records (with what the list shows, in any order:
    they are put in the page's order here). One statement more than without it."""
    if load is None:
        result = db.paginate(query, page=page, per_page=per_page, error_out=False, count=False)
    else:
        entity = query.column_descriptions[0]["entity"]
        result = db.paginate(
            query.with_only_columns(entity.id),
            page=page,
            per_page=per_page,
            error_out=False,
            count=False,
        )
        ids = list(result.items)
        loaded = {item.id: item for item in load(ids)} if ids else {}
        result.items = [loaded[i] for i in ids if i in loaded]
    if total is None:
        result.total = bounded_count(query)
        result.more_than = COUNT_LIMIT if result.total > COUNT_LIMIT else None
    else:
        result.total, result.more_than = total, None
    return result


def no_records(table_name: str) -> bool:
    """True when the table holds no record outside the trash: a list empty for that reason
    (a fresh install) says how to start, rather than that nothing matches its filter. One
    statement, run only for an empty list page."""
    table = db.metadata.tables[table_name]
    query = select(literal(1)).select_from(table)
    if "deleted_at" in table.c:
        query = query.where(table.c.deleted_at.is_(None))
    return db.session.scalar(query.limit(1)) is None
