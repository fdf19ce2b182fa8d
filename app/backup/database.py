"""Backup, inspection and restore of the configured database, whichever kind it is."""

from __future__ import annotations

import os
from collections.abc import Collection
from pathlib import Path

from sqlalchemy import URL, make_url

from .base import BackupError, BackupSummary
from .postgres import dump_postgres, inspect_postgres_backup, postgres_target, restore_postgres
from .sqlite import copy_sqlite, inspect_sqlite_backup, is_sqlite, sqlite_file


def backup_database(
    engine_url: str | URL,
    path: str | Path,
    *,
    connect_options: str | None = None,
    force: bool = False,
) -> BackupSummary:
    """Write a consistent copy of the database at `engine_url` to `path`.

    `connect_options` are libpq options the app's engine passes (SQLALCHEMY_ENGINE_OPTIONS
    connect_args "options", e.g. "-csearch_path=samverkan"); SQLite ignores them.
    An existing `path` is replaced only with `force`.
    """
    url = make_url(engine_url)
    sqlite = is_sqlite(url)
    path = Path(path)
    if path.is_dir():
        raise BackupError(f"{path} is a directory; give the name of the backup file.")
    if not path.parent.is_dir():
        raise BackupError(f"The directory {path.parent} does not exist.")
    if path.exists() and not force:
        raise BackupError(f"{path} exists; use --force to overwrite it.")
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    partial.unlink(missing_ok=True)
    # Created up front, readable by the owner only: a backup holds personal data and hashes.
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    try:
        if sqlite:
            copy_sqlite(sqlite_file(url), partial, self_contained=True)
            summary = inspect_sqlite_backup(partial, require_revision=False)
        else:
            target = postgres_target(url, connect_options)
            dump_postgres(target, partial)
            summary = inspect_postgres_backup(partial, require_revision=False)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return BackupSummary(path, summary.size, summary.tables, summary.rows, summary.revision)


def inspect_backup(
    engine_url: str | URL,
    path: str | Path,
    *,
    connect_options: str | None = None,
    revisions: Collection[str] | None = None,
) -> BackupSummary:
    """Check that `path` can be restored into the database at `engine_url`; change nothing.

    It must be a readable backup of that kind of database with an `alembic_version` table;
    when `revisions` is given, its schema revision must be one of them.
    """
    url = make_url(engine_url)
    path = Path(path)
    if not path.exists():
        raise BackupError(f"{path} does not exist.")
    if not path.is_file():
        raise BackupError(f"{path} is not a file.")
    if is_sqlite(url):
        database = sqlite_file(url)
        if database.exists() and database.samefile(path):
            raise BackupError(f"{path} is the live database itself.")
        summary = inspect_sqlite_backup(path, require_revision=True)
    else:
        schema = postgres_target(url, connect_options).schema or "public"
        summary = inspect_postgres_backup(path, require_revision=True, schema=schema)
    if revisions is not None and summary.revision not in revisions:
        raise BackupError(
            f"{path} has schema revision {summary.revision}, which this version of Samverkan "
            "does not know (a backup from a newer version?)."
        )
    return summary


def restore_database(
    engine_url: str | URL,
    path: str | Path,
    *,
    connect_options: str | None = None,
    revisions: Collection[str] | None = None,
) -> BackupSummary:
    """Replace the database at `engine_url` with the backup at `path`.

    The backup is checked first (`inspect_backup`); if it fails, nothing is changed.
    The caller brings the schema up to date afterwards (`flask_migrate.upgrade()`).
    """
    url = make_url(engine_url)
    path = Path(path)
    summary = inspect_backup(url, path, connect_options=connect_options, revisions=revisions)
    if is_sqlite(url):
        copy_sqlite(path, sqlite_file(url), self_contained=False)
    else:
        restore_postgres(postgres_target(url, connect_options), path)
    return summary


# --- SQLite ------------------------------------------------------------------------------------
