"""SQL helpers for the reports' aggregates.

`unindexed(column)`: the column, which SQLite's planner must not reach through an index.
SQLite has no statistics unless ANALYZE was run, and then likes any index that saves it a
sort or narrows a range: it would read every held meeting one random row at a time through
the status index where one pass over the table is quicker, or every completed follow-up
due before a day through the due-day index when the completion-day index finds the few that
count. Its documented way out is the unary `+` ("+meetings.status"), which changes no value;
PostgreSQL gets the plain column and plans by its statistics as usual. Hiding a column can
also send SQLite to a worse index (situation.py counts open follow-ups by the status index
for that reason): check the plan at scale 100 (`make bench`) after using it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal


class unindexed(ColumnElement[Any]):  # named like the SQL function it reads as
    """`column`, with the same type (so comparisons bind values as the column does)."""

    inherit_cache = True
    _traverse_internals = [("column", InternalTraversal.dp_clauseelement)]

    def __init__(self, column: Any) -> None:
        self.column = (
            column.__clause_element__() if hasattr(column, "__clause_element__") else column
        )
        self.type = self.column.type
        # Keep the ORM's marks, so that the soft-delete criteria still find the entity.
        self._propagate_attrs = self.column._propagate_attrs

    @property
    def _from_objects(self) -> list[Any]:
        return self.column._from_objects


@compiles(unindexed)
def _plain(element: unindexed, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.column, **kw)


@compiles(unindexed, "sqlite")
def _unary_plus(element: unindexed, compiler: SQLCompiler, **kw: Any) -> str:
    return "+" + compiler.process(element.column, **kw)
