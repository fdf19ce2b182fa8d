"""`/healthz` tells the truth: a database that answers but cannot be written is unhealthy."""

from __future__ import annotations

import pytest
from sqlalchemy import event, inspect

from app import create_app
from app.extensions import db

from .conftest import TEST_DATABASE_URL, postgres_options


def test_a_writable_database_is_healthy_and_keeps_nothing(app, client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}
    assert response.headers["Cache-Control"] == "no-store"
    with app.app_context():
        assert "healthz_probe" not in inspect(db.engine).get_table_names()
        assert db.session.execute(db.text("SELECT count(*) FROM heavy_slots")).scalar() == 0


def on_every_connection(app, *statements: str) -> None:
    """Run `statements` on each new connection of the app's engine (the pool is emptied)."""
    with app.app_context():
        engine = db.engine

        @event.listens_for(engine, "connect")
        def restrict(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            for statement in statements:
                cursor.execute(statement)
            cursor.close()

        engine.dispose()


@pytest.mark.skipif(bool(TEST_DATABASE_URL), reason="SQLite's pragmas")
def test_a_read_only_sqlite_database_is_unhealthy(app, client):
    on_every_connection(app, "PRAGMA query_only = ON")
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json == {"status": "error", "database": "read-only"}


@pytest.mark.skipif(bool(TEST_DATABASE_URL), reason="SQLite's pragmas")
def test_a_full_sqlite_database_is_unhealthy(app, client):
    with app.app_context():
        pages = db.session.execute(db.text("PRAGMA page_count")).scalar()
        db.session.rollback()
    # The database may not grow: as if its disk were full.
    on_every_connection(app, f"PRAGMA max_page_count = {pages}")
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json["database"] == "read-only"


@pytest.mark.skipif(not TEST_DATABASE_URL, reason="PostgreSQL's read-only transactions")
def test_a_read_only_postgresql_database_is_unhealthy(app_config, postgres_schema):
    options = postgres_options(postgres_schema)
    options["connect_args"]["options"] += " -cdefault_transaction_read_only=on"
    app = create_app({**app_config, "SQLALCHEMY_ENGINE_OPTIONS": options})
    try:
        response = app.test_client().get("/healthz")
        assert response.status_code == 503
        assert response.json == {"status": "error", "database": "read-only"}
    finally:
        with app.app_context():
            db.engine.dispose()
