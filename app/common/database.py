"""Engine set-up per database, and the check that the database answers.

SQLite is the embedded default and gets what a multi-worker web app needs: foreign keys on,
WAL (readers never wait for the writer), a busy timeout, and write transactions that begin
IMMEDIATE, so two workers writing at once queue on the busy timeout instead of one failing
with "database is locked" when it tries to upgrade a read lock.

Which transactions write? A request with a safe method (GET, HEAD, OPTIONS) never changes
state (a rule the route tests enforce), so it begins a plain deferred transaction and reads
concurrently with a writer; every other request, and every CLI command, begins IMMEDIATE.
A connection may ask for IMMEDIATE inside a read-only request too (the execution option
`BEGIN_IMMEDIATE`): the security log writes a refusal that way on a connection of its own.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from flask import Flask, has_request_context, request
from sqlalchemy import Engine, event, make_url, text
from sqlalchemy.exc import SQLAlchemyError

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

#: Execution option of a connection whose transactions begin IMMEDIATE on SQLite whatever
#: the request's method (a short write of its own, app/security/services.py).
BEGIN_IMMEDIATE = "samverkan_begin_immediate"

#: Milliseconds a writer waits for another writer before giving up.
SQLITE_BUSY_TIMEOUT_MS = 15_000


class DatabaseUnavailable(RuntimeError):
    """The configured database cannot be reached; the message is meant for an operator."""


def engine_options(uri: str, configured: dict[str, Any]) -> dict[str, Any]:
    """Return SQLALCHEMY_ENGINE_OPTIONS suited to the database behind `uri`."""
    options = dict(configured)
    if make_url(uri).get_backend_name() == "sqlite":
        connect_args = dict(options.get("connect_args", {}))
        connect_args.setdefault("timeout", SQLITE_BUSY_TIMEOUT_MS / 1000)
        options["connect_args"] = connect_args
    else:
        options.setdefault("pool_pre_ping", True)
    return options


def configure_sqlite(engine: Engine) -> None:
    """Install the pragmas and the BEGIN behaviour described in the module docstring."""

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when a transaction begins.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Any) -> None:
        immediate = connection.get_execution_options().get(BEGIN_IMMEDIATE)
        deferred = is_read_only_request() and not immediate
        connection.exec_driver_sql("BEGIN" if deferred else "BEGIN IMMEDIATE")


def is_read_only_request() -> bool:
    """True inside a request whose method must not change state."""
    return has_request_context() and request.method in SAFE_METHODS


def safe_url(uri: str) -> str:
    """Render a database URL for messages, with any password hidden."""
    return make_url(uri).render_as_string(hide_password=True)


def check_database(app: Flask) -> None:
    """Run `SELECT 1`; raise DatabaseUnavailable naming DATABASE_URL when it fails."""
    from app.extensions import db

    with app.app_context():
        try:
            with db.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except SQLAlchemyError as error:
            reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
            raise DatabaseUnavailable(
                "Cannot reach the database at DATABASE_URL="
                f"{safe_url(app.config['SQLALCHEMY_DATABASE_URI'])}: {reason}\n"
                "Check DATABASE_URL (environment or instance/config.py) and that the "
                "database server is running."
            ) from error
