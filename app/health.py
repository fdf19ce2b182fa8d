"""`/healthz`: for load balancers and monitoring. JSON 200 when the database answers and can
be written, else 503.

Answering is not enough: a database that is read-only (a replica, a read-only mount, a
PostgreSQL server in `default_transaction_read_only`) or full answers every SELECT while
every save fails. So the check also writes, in a transaction that is always rolled back,
on a connection of its own: nothing is ever kept.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, current_app, jsonify
from sqlalchemy import Connection, insert, text
from sqlalchemy.exc import SQLAlchemyError

from app.auth.access import public
from app.common.heavy_work import HeavySlot
from app.extensions import db

bp = Blueprint("health", __name__)

#: Bytes the SQLite probe writes: more than a page, so a full database (max_page_count,
#: a full disk) fails the check even when existing pages have room for a small row.
SQLITE_PROBE_BYTES = 16 * 1024


def probe_write(connection: Connection) -> None:
    """Write something the database must store: on SQLite a new table with a row bigger
    than a page (new pages must be allocated), elsewhere a row of `heavy_slots`."""
    if connection.dialect.name == "sqlite":
        connection.execute(text("CREATE TABLE healthz_probe (data BLOB)"))
        connection.execute(
            text("INSERT INTO healthz_probe VALUES (zeroblob(:size))"),
            {"size": SQLITE_PROBE_BYTES},
        )
    else:
        now = datetime.now(UTC)
        connection.execute(
            insert(HeavySlot).values(
                slot=-1, holder="healthz", kind="healthz", taken_at=now, expires_at=now
            )
        )


def check_writable() -> None:
    """Raise SQLAlchemyError unless the database can be read and written; the write is
    rolled back whatever happens."""
    with db.engine.connect() as connection:
        transaction = connection.begin()
        try:
            connection.execute(text("SELECT 1"))
            probe_write(connection)
        finally:
            transaction.rollback()


@bp.get("/healthz")
@public
def healthz():
    """Report whether the app can read and write its database."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        db.session.rollback()
        current_app.logger.warning("Health check failed: %s", error)
        response = jsonify(status="error", database="unavailable")
        response.status_code = 503
    else:
        try:
            check_writable()
        except SQLAlchemyError as error:
            current_app.logger.warning("Health check: the database cannot be written: %s", error)
            response = jsonify(status="error", database="read-only")
            response.status_code = 503
        else:
            response = jsonify(status="ok", database="ok")
    response.headers["Cache-Control"] = "no-store"
    return response
