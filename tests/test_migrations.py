"""Migrations build the whole schema from empty, match the models, and go back down."""

from __future__ import annotations

import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.exc import IntegrityError

from app import create_app
from app.common.search_index import include_object
from app.extensions import db

from .conftest import (
    TEST_DATABASE_URL,
    database_config,
    keep_trigram_extension_in_public,
    postgres_options,
)


@pytest.fixture
def empty_database(tmp_path):
    """Settings for an empty database: a new SQLite file, or a new PostgreSQL schema."""
    if not TEST_DATABASE_URL:
        yield database_config(tmp_path, None, name="migrations.db")
        return
    schema = f"migrations_{uuid.uuid4().hex[:8]}"
    engine = create_engine(TEST_DATABASE_URL)
    with engine.begin() as connection:
        keep_trigram_extension_in_public(connection)  # not taken along when dropped
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
                connection,
                opts={
                    "compare_type": True,
                    "compare_server_default": True,
                    "include_object": include_object,
                },
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


def test_unit_kind_migration_converts_units_and_goes_back(empty_database):
    """Units (organisations with a parent) become kind 'enhet' whatever their parent's kind;
    the downgrade gives each its parent's kind back, a unit of a unit too."""
    app = create_app({"SECRET_KEY": "x", **empty_database})
    with app.app_context():
        upgrade(revision="63b5e036b39d")
        rows = [
            (1, "Kramfors kommun", "kommun", None),
            (2, "Socialtjänsten", "kommun", 1),
            (3, "Försörjningsstöd", "kommun", 2),
            (4, "Länsstyrelsen Västernorrland", "lansstyrelse", None),
            (5, "Integrationsenheten", "lansstyrelse", 4),
            (6, "Röda Korset", "civilsamhalle", None),
        ]
        with db.engine.begin() as connection:
            connection.execute(
                text("INSERT INTO counties VALUES ('22', 'Västernorrlands län', 'V', 'Y')")
            )
            for id_, name, kind, parent in rows:
                connection.execute(
                    text(
                        "INSERT INTO organisations (id, name, kind, parent_id, county_code, notes,"
                        " also_region, opportunities, challenges, search_text, sort_name,"
                        " created_at, updated_at, version) VALUES (:id, :name, :kind, :parent,"
                        " '22', '', false, '', '', '', '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP,"
                        " 1)"
                    ),
                    {"id": id_, "name": name, "kind": kind, "parent": parent},
                )

        def kinds() -> list[str]:
            with db.engine.connect() as connection:
                return list(
                    connection.execute(text("SELECT kind FROM organisations ORDER BY id")).scalars()
                )

        upgrade()
        assert kinds() == ["kommun", "enhet", "enhet", "lansstyrelse", "enhet", "civilsamhalle"]
        with db.engine.connect() as connection:
            # The CHECK constraint admits the new kind, and still nothing unknown.
            with pytest.raises(IntegrityError):
                connection.execute(text("UPDATE organisations SET kind = 'okand' WHERE id = 6"))
            connection.rollback()
        downgrade(revision="63b5e036b39d")
        assert kinds() == [
            "kommun",
            "kommun",
            "kommun",
            "lansstyrelse",
            "lansstyrelse",
            "civilsamhalle",
        ]
        with db.engine.connect() as connection:
            with pytest.raises(IntegrityError):
                connection.execute(text("UPDATE organisations SET kind = 'enhet' WHERE id = 2"))
            connection.rollback()
        downgrade(revision="base")
        db.engine.dispose()


def test_crosses_midnight_migration_fills_existing_meetings(empty_database):
    """Meetings written before `meetings.crosses_midnight` existed get it from their times
    (the column's server default alone would say true for all), and the partial index that
    the start page's weeks read is there; the downgrade drops both."""
    from datetime import date, time, timedelta

    from sqlalchemy import insert, select

    from app.common.time import local_to_utc
    from app.meetings.models import Meeting, MeetingKind, MeetingStatus

    from .factories import make_user

    def at(day: date, hour: int):
        return local_to_utc(day, time(hour))

    day = date(2026, 11, 23)
    times = {
        "Kort": (at(day, 9), at(day, 10)),
        "Över midnatt": (at(day, 22), at(day + timedelta(days=1), 2)),
        "Heldag": (at(day, 0), at(day + timedelta(days=1), 0)),
        "Konferens": (at(day, 9), at(day + timedelta(days=3), 16)),
    }
    app = create_app({"SECRET_KEY": "x", **empty_database})
    with app.app_context():
        upgrade()
        user = make_user()
        db.session.commit()
        db.session.execute(
            insert(Meeting.__table__),
            [
                {
                    "title": title,
                    "kind": MeetingKind.IN_PERSON,
                    "status": MeetingStatus.HELD,
                    "starts_at": start,
                    "ends_at": end,
                    "all_day": False,
                    "responsible_id": user.id,
                }
                for title, (start, end) in times.items()
            ],
        )
        db.session.commit()
        db.session.remove()
        downgrade(revision="a7c3e5f9b2d4")
        db.engine.dispose()
        columns = {c["name"] for c in inspect(db.engine).get_columns("meetings")}
        assert "crosses_midnight" not in columns
        upgrade()
        db.engine.dispose()
        with db.engine.connect() as connection:
            kept = dict(connection.execute(select(Meeting.title, Meeting.crosses_midnight)).all())
        assert kept == {"Kort": False, "Över midnatt": True, "Heldag": False, "Konferens": True}
        indexes = {i["name"] for i in inspect(db.engine).get_indexes("meetings")}
        assert "ix_meetings_crossing_starts_at" in indexes
        downgrade(revision="base")
        db.engine.dispose()
