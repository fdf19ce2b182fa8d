"""Migrations build the whole schema from empty, match the models, and go back down."""

from __future__ import annotations

import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text

from app import create_app
from app.extensions import db

from .conftest import TEST_DATABASE_URL, database_config, postgres_options


@pytest.fixture
def empty_database(tmp_path):
    """Settings for an empty database: a new SQLite file, or a new PostgreSQL schema."""
    if not TEST_DATABASE_URL:
        yield database_config(tmp_path, None, name="migrations.db")
        return
    schema = f"migrations_{uuid.uuid4().hex[:8]}"
    engine = create_engine(TEST_DATABASE_URL)
    with engine.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield {
            "SQLALCHEMY_DATABASE_URI": TEST_DATABASE_URL,
            "SQLALCHEMY_ENGINE_OPTIONS": postgres_options(schema),
        }
    finally:
        with engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


def test_upgrade_from_empty_matches_models_and_downgrades(empty_database):
    app = create_app({"SECRET_KEY": "x", **empty_database})
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "compare_server_default": True}
            )
            differences = compare_metadata(context, db.metadata)
        assert differences == []

        tables = set(inspect(db.engine).get_table_names())
        assert {t.name for t in db.metadata.sorted_tables} <= tables

        downgrade(revision="base")
        db.engine.dispose()
        remaining = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
        assert remaining == set()
        db.engine.dispose()


def test_directory_migration_indexes_existing_rows(empty_database):
    """Upgrading a step-1 database that holds organisations and contacts fills the new
    columns: search text, Swedish sort keys, and the first stage for municipalities."""
    app = create_app({"SECRET_KEY": "x", **empty_database})
    with app.app_context():
        upgrade(revision="3b8c43144204")
        with db.engine.begin() as connection:
            connection.execute(
                text("INSERT INTO counties VALUES ('18', 'Örebro län', 'Örebro', 'T')")
            )
            connection.execute(
                text(
                    "INSERT INTO organisations (id, name, short_name, kind, municipality_code,"
                    " county_code, notes, also_region, created_at, updated_at, version) VALUES"
                    " (1, 'Örebro kommun', 'Örebro', 'kommun', '1880', '18', '', false,"
                    "  CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1),"
                    " (2, 'Socialtjänsten', NULL, 'kommun', NULL, '18', '', false,"
                    "  CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1)"
                )
            )
            connection.execute(text("UPDATE organisations SET parent_id = 1 WHERE id = 2"))
            connection.execute(
                text(
                    "INSERT INTO contacts (id, first_name, last_name, notes, created_at,"
                    " updated_at, version) VALUES (1, 'Åsa', 'Öberg', '', CURRENT_TIMESTAMP,"
                    " CURRENT_TIMESTAMP, 1)"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO contact_emails (contact_id, address, position)"
                    " VALUES (1, 'asa@orebro.se', 0)"
                )
            )
        upgrade()
        with db.engine.connect() as connection:
            rows = connection.execute(
                text(
                    "SELECT id, search_text, sort_name, engagement_stage"
                    " FROM organisations ORDER BY id"
                )
            ).all()
            contact = connection.execute(text("SELECT search_text, sort_name FROM contacts")).one()
        assert rows[0][1:] == ("orebro kommun orebro 1880", "}rebro kommun", "ej_kontaktad")
        assert rows[1][1:] == ("socialtjansten orebro kommun orebro", "socialtj|nsten", None)
        assert tuple(contact) == ("asa oberg asa@orebro.se", "}berg {sa")
        downgrade(revision="base")
        db.engine.dispose()
