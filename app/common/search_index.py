"""The text index behind every substring search: one per searched table, on its folded
`search_text` column (see text.py), in the form each database does best.

SQLite: an FTS5 table `<table>_search` with the trigram tokenizer, holding no copy of the text
(external content: it reads `<table>.search_text`), kept current by three triggers on the
table. `detail=none` keeps it small (no positions): a word is looked up as the AND of its
trigrams and the candidates are then checked with LIKE, so a hit is exactly a substring.

PostgreSQL: a GIN index with pg_trgm's `gin_trgm_ops` on `search_text`; the planner uses it for
`LIKE '%word%'` itself, and PostgreSQL keeps it current.

The index is created by the migration, and by `db.create_all()` (the tests) through the
metadata hook below. Because SQLite drops a table's triggers with the table, a later migration
that rebuilds one of these tables in batch mode must call `create_search_index` again.
Writes that bypass SQL (none today) and restores run `rebuild_search_index`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, column, event, literal_column, select, table
from sqlalchemy.engine import Connection

from app.extensions import db

#: The searched tables: each has an integer `id` and a folded `search_text`.
SEARCHED_TABLES = ("organisations", "contacts", "meetings")

#: The FTS5 shadow tables beside each `<table>_search` (data, not schema: never backed up
#: or counted as rows; the index is rebuilt from the source tables instead).
_SHADOW_SUFFIXES = ("_data", "_idx", "_docsize", "_config", "_content")

#: Trigram lookups of one word: enough to narrow it down; LIKE checks the rest.
MAX_TRIGRAMS = 6


def fts_table(name: str) -> str:
    return f"{name}_search"


def trigram_index(name: str) -> str:
    return f"ix_{name}_search_text_trgm"


def is_search_index(name: str | None) -> bool:
    """True for the index's own tables and indexes (the FTS5 table, its shadow tables, the
    GIN index): schema comparisons and backup row counts leave them out."""
    if not name:
        return False
    for source in SEARCHED_TABLES:
        base = fts_table(source)
        if name == base or name == trigram_index(source):
            return True
        if name.startswith(base) and name[len(base) :] in _SHADOW_SUFFIXES:
            return True
    return False


def include_object(object_: Any, name: str | None, type_: str, reflected: bool, compare_to: Any):
    """Alembic's `include_object`: the search index is not part of the models."""
    return not (reflected and compare_to is None and is_search_index(name))


def _sqlite_statements(name: str) -> list[str]:
    fts = fts_table(name)
    # Table names come from SEARCHED_TABLES, never from input.
    delete_old = (
        f"INSERT INTO {fts} ({fts}, rowid, search_text) "  # nosec B608
        "VALUES ('delete', old.id, old.search_text);"
    )
    insert_new = f"INSERT INTO {fts} (rowid, search_text) VALUES (new.id, new.search_text);"  # nosec B608
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5(search_text, content='{name}', "
        "content_rowid='id', tokenize='trigram', detail='none')",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_insert AFTER INSERT ON {name} BEGIN {insert_new} END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_delete AFTER DELETE ON {name} BEGIN {delete_old} END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_update AFTER UPDATE OF search_text ON {name} "
        f"WHEN old.search_text IS NOT new.search_text BEGIN {delete_old} {insert_new} END",
    ]


def _trigram_opclass(connection: Connection) -> str:
    """pg_trgm's operator class, qualified by the schema the extension lives in (it may not
    be on this connection's search_path)."""
    connection.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema = connection.exec_driver_sql(
        "SELECT n.nspname FROM pg_opclass o JOIN pg_namespace n ON n.oid = o.opcnamespace "
        "WHERE o.opcname = 'gin_trgm_ops' LIMIT 1"
    ).scalar_one()
    return f'"{schema}".gin_trgm_ops'


def create_search_index(connection: Connection, *, fill: bool = True) -> None:
    """Create the index of every searched table (if absent) and, when `fill`, fill it from
    the rows already there (PostgreSQL always fills an index it creates)."""
    if connection.dialect.name == "sqlite":
        for name in SEARCHED_TABLES:
            for statement in _sqlite_statements(name):
                connection.exec_driver_sql(statement)
        if fill:
            rebuild_search_index(connection)
    elif connection.dialect.name == "postgresql":
        opclass = _trigram_opclass(connection)
        for name in SEARCHED_TABLES:
            connection.exec_driver_sql(
                f"CREATE INDEX IF NOT EXISTS {trigram_index(name)} ON {name} "
                f"USING gin (search_text {opclass})"
            )


def drop_search_index(connection: Connection) -> None:
    """Drop the index (the extension stays: other schemas may use it)."""
    for name in SEARCHED_TABLES:
        if connection.dialect.name == "sqlite":
            for suffix in ("_insert", "_delete", "_update"):
                connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {fts_table(name)}{suffix}")
            connection.exec_driver_sql(f"DROP TABLE IF EXISTS {fts_table(name)}")
        elif connection.dialect.name == "postgresql":
            connection.exec_driver_sql(f"DROP INDEX IF EXISTS {trigram_index(name)}")


def rebuild_search_index(connection: Connection | None = None) -> None:
    """Refill the index from the source tables: after a restore, or to repair it. On
    PostgreSQL the GIN indexes are maintained by the database and need nothing."""
    connection = connection or db.session.connection()
    if connection.dialect.name != "sqlite":
        return
    for name in SEARCHED_TABLES:
        fts = fts_table(name)
        connection.exec_driver_sql(f"INSERT INTO {fts} ({fts}) VALUES ('rebuild')")  # nosec B608


@event.listens_for(db.metadata, "after_create")
def _create_with_schema(target: Any, connection: Connection, **kw: Any) -> None:
    """`db.create_all()` (the tests, a first start without migrations) creates the index too."""
    create_search_index(connection, fill=False)


# --- Conditions --------------------------------------------------------------------------------


def trigrams(word: str) -> list[str]:
    """The distinct trigrams of `word` (3 letters or more), at most MAX_TRIGRAMS of them,
    spread over the word so that its start and end are both looked up."""
    grams = list(dict.fromkeys(word[i : i + 3] for i in range(len(word) - 2)))
    if len(grams) <= MAX_TRIGRAMS:
        return grams
    step = (len(grams) - 1) / (MAX_TRIGRAMS - 1)
    return list(dict.fromkeys(grams[round(i * step)] for i in range(MAX_TRIGRAMS)))


def _quoted(gram: str) -> str:
    return '"' + gram.replace('"', '""') + '"'


def fts_query(words: list[list[str]]) -> str:
    """An FTS5 query: every word (given in its spellings) present, as the AND of trigrams."""
    parts = []
    for spellings in words:
        options = [" AND ".join(_quoted(g) for g in trigrams(s)) for s in spellings]
        parts.append(options[0] if len(options) == 1 else "(" + " OR ".join(options) + ")")
    return " AND ".join(f"({p})" for p in parts)


def indexed_candidates(
    id_column: Any, table_name: str, words: list[list[str]], dialect: str
) -> ColumnElement[bool] | None:
    """SQL narrowing `table_name` to rows that may contain every word (each in one of its
    spellings, all 3 letters or more) through the index, or None where the database's own
    planner uses the index for the LIKE conditions (PostgreSQL)."""
    if dialect != "sqlite" or not words:
        return None
    fts = fts_table(table_name)
    index = table(fts, column(fts))
    found = (
        select(literal_column("rowid"))
        .select_from(index)
        .where(index.c[fts].op("MATCH")(fts_query(words)))
    )
    return id_column.in_(found)
