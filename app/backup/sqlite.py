"""SQLite: copies with the online backup API, checked with PRAGMA integrity_check."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from sqlalchemy import URL, column, create_engine, func, inspect, select, table
from sqlalchemy.exc import DBAPIError

from app.common.database import SQLITE_BUSY_TIMEOUT_MS
from app.common.search_index import is_search_index

from .base import BackupError, BackupSummary


def is_sqlite(url: URL) -> bool:
    backend = url.get_backend_name()
    if backend not in {"sqlite", "postgresql"}:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {backend}.")
    return backend == "sqlite"


def sqlite_file(url: URL) -> Path:
    """The database file behind a sqlite:/// URL."""
    if url.database in (None, "", ":memory:") or url.query.get("mode") == "memory":
        raise BackupError("An in-memory SQLite database cannot be backed up or restored.")
    return Path(url.database)


def open_sqlite(path: Path, *, read_only: bool) -> sqlite3.Connection:
    """A plain sqlite3 connection that waits for writers as the app's connections do."""
    uri = path.resolve().as_uri() + ("?mode=ro" if read_only else "")
    connection = sqlite3.connect(uri, uri=True, timeout=SQLITE_BUSY_TIMEOUT_MS / 1000)
    connection.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    return connection


def copy_sqlite(source: Path, target: Path, *, self_contained: bool) -> None:
    """Copy `source` into `target` with the online backup API, in one step (one snapshot).

    A backup is made `self_contained` by leaving WAL mode (one file, no -wal beside it);
    a restore into a WAL database leaves the live database in WAL mode.
    """
    if not source.exists():
        raise BackupError(f"The database file {source} does not exist.")
    try:
        with (
            closing(open_sqlite(source, read_only=True)) as src,
            closing(open_sqlite(target, read_only=False)) as dst,
        ):
            src.backup(dst)
            if self_contained:
                dst.execute("PRAGMA journal_mode = DELETE")
    except sqlite3.Error as error:
        raise BackupError(f"Copying {source} to {target} failed: {error}") from None


def inspect_sqlite_backup(path: Path, *, require_revision: bool) -> BackupSummary:
    """Integrity check, then count tables and rows and read the Alembic revision."""
    try:
        with closing(open_sqlite(path, read_only=True)) as connection:
            problems = [row[0] for row in connection.execute("PRAGMA integrity_check")]
            if problems != ["ok"]:
                raise BackupError(f"{path} failed the integrity check: {problems[0]}")
            # SQLAlchemy over the same connection quotes the table names for the counts.
            engine = create_engine("sqlite://", creator=lambda: connection)
            with engine.connect() as conn:
                # The text index's tables are derived data, not counted (rebuilt on restore).
                names = [n for n in inspect(conn).get_table_names() if not is_search_index(n)]
                rows = sum(conn.scalar(select(func.count()).select_from(table(n))) for n in names)
                revision = (
                    conn.scalar(select(column("version_num")).select_from(table("alembic_version")))
                    if "alembic_version" in names
                    else None
                )
    except (sqlite3.DatabaseError, DBAPIError) as error:
        if "not a database" in str(error):
            raise BackupError(f"{path} is not a SQLite database.") from None
        reason = str(getattr(error, "orig", None) or error).splitlines()[0]
        raise BackupError(f"{path} is not a usable SQLite database: {reason}") from None
    if require_revision and revision is None:
        raise BackupError(f"{path} is not a Samverkan backup: it has no alembic_version table.")
    return BackupSummary(path, path.stat().st_size, len(names), rows, revision)


# --- PostgreSQL --------------------------------------------------------------------------------
