"""Backup and restore of the database while the app runs: `flask backup`, `flask restore`.

SQLite: SQLite's online backup API copies the database page by page from one snapshot, so a
copy taken while workers write is consistent (a plain file copy of a WAL database is not).
The copy is written next to its destination, switched to a single self-contained file
(journal mode DELETE), checked with `PRAGMA integrity_check` and only then renamed into place.
A restore copies the other way, again with the backup API, so connections that stay open see
either the old database or the restored one, never a mixture.

PostgreSQL: `pg_dump --format=custom` and `pg_restore --clean --if-exists --single-transaction`,
so a failed restore is rolled back. When the app's connections set a search_path (one schema
per installation, or per test worker), only that schema is dumped.

Either way a restore refuses a file that is not a readable backup of this kind of database, or
whose schema revision this code does not know, before anything is changed; the `restore`
command then runs the migrations so an older backup is brought to the current schema.
Messages are English, for operators.
"""

from .base import BackupError, BackupSummary, human_size
from .commands import backup, restore
from .database import backup_database, inspect_backup, restore_database
from .postgres import PostgresTarget, postgres_target

__all__ = [
    "BackupError",
    "BackupSummary",
    "PostgresTarget",
    "backup",
    "backup_database",
    "human_size",
    "inspect_backup",
    "postgres_target",
    "restore",
    "restore_database",
]
