"""`flask backup` and `flask restore`: a round trip with data, a backup taken while another
connection is mid-write, refusing to overwrite, bad input changing nothing, and an older
backup brought up to the current schema. Runs on SQLite and on the worker's PostgreSQL schema.
"""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask_migrate import stamp, upgrade
from sqlalchemy import delete, func, make_url, select, text, update

from app import create_app
from app.backup import BackupError, backup_database, postgres_target
from app.contacts.models import Contact
from app.contacts.services import ContactValues, create_contact
from app.extensions import db
from app.meetings import services as meetings
from app.meetings.models import Meeting, MeetingKind, MeetingStatus
from app.organisations.models import Organisation

from .conftest import TEST_DATABASE_URL, database_config
from .factories import make_organisation, make_user

#: What the restore says about a file that is no backup at all.
NOT_A_BACKUP = "is not a PostgreSQL backup" if TEST_DATABASE_URL else "is not a SQLite database"


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def stamped(app):
    """The test database marked as being at the newest migration, as a real one is.

    (The fixtures build the schema with create_all, which the migrations test shows equal
    to head.) On PostgreSQL the version table is dropped again: the schema is shared by the
    worker's later tests.
    """
    with app.app_context():
        stamp()
    yield app
    if TEST_DATABASE_URL:
        with app.app_context():
            db.session.execute(text("DROP TABLE IF EXISTS alembic_version"))
            db.session.commit()


@pytest.fixture
def world(stamped):
    """A coordinator, an organisation, a contact there and a meeting with both."""
    with stamped.app_context():
        user = make_user(name="Eva Berg")
        organisation = make_organisation(name="Föreningen Före")
        contact = create_contact(
            values=ContactValues(first_name="Anna", last_name="Ek"),
            organisation=organisation,
            by=None,
        )
        meeting = meetings.schedule_meeting(
            values=meetings.MeetingValues(
                title="Dialog om rutiner",
                kind=MeetingKind.DIGITAL,
                status=MeetingStatus.HELD,
                starts_at=datetime(2026, 11, 20, 9, tzinfo=UTC),
                ends_at=datetime(2026, 11, 20, 10, tzinfo=UTC),
                all_day=False,
                responsible_id=user.id,
                organisation_ids=[organisation.id],
                contact_ids=[contact.id],
            ),
            by=None,
        )
        db.session.commit()
        return {"organisation": organisation.id, "contact": contact.id, "meeting": meeting.id}


def state(app) -> dict[str, object]:
    """What the tests compare before and after: names, titles and who met whom."""
    with app.app_context():
        meeting = db.session.scalar(select(Meeting))
        return {
            "organisations": sorted(db.session.scalars(select(Organisation.name))),
            "contacts": sorted(db.session.scalars(select(Contact.last_name))),
            "meeting": meeting
            and (
                meeting.title,
                [c.full_name for c in meeting.contacts],
                [o.name for o in meeting.organisations],
            ),
        }


def change_everything(app, world) -> None:
    """After the backup: delete the meeting, rename the organisation, add a contact."""
    with app.app_context():
        db.session.execute(delete(Meeting).where(Meeting.id == world["meeting"]))
        db.session.execute(
            update(Organisation)
            .where(Organisation.id == world["organisation"])
            .values(name="Föreningen Efter")
        )
        create_contact(values=ContactValues(first_name="Sen", last_name="Efterkommare"), by=None)
        db.session.commit()


def test_round_trip_brings_back_the_data_and_drops_later_changes(app, runner, world, tmp_path):
    before = state(app)
    assert before["meeting"] == ("Dialog om rutiner", ["Anna Ek"], ["Föreningen Före"])
    path = tmp_path / "samverkan.backup"
    result = runner.invoke(args=["backup", str(path)])
    assert result.exit_code == 0, result.output
    assert f"to {path}: " in result.output and " tables" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert path.stat().st_mode & 0o077 == 0  # personal data: readable by the owner only

    change_everything(app, world)
    assert state(app)["meeting"] is None

    restored = runner.invoke(args=["restore", "--yes", str(path)])
    assert restored.exit_code == 0, restored.output
    assert "Restored" in restored.output and "schema is current" in restored.output
    assert state(app) == before
    with app.app_context():  # the app keeps working on the restored database
        create_contact(values=ContactValues(first_name="Ny", last_name="Igen"), by=None)
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(Contact)) == 2


def test_backup_is_consistent_while_another_connection_is_writing(app, runner, world, tmp_path):
    path = tmp_path / "samverkan.backup"
    before = state(app)
    with app.app_context():
        with db.engine.connect() as writer:
            transaction = writer.begin()  # SQLite: BEGIN IMMEDIATE, the write lock is held
            writer.execute(update(Organisation).values(name="Aldrig sparad"))
            writer.execute(delete(Meeting))
            result = runner.invoke(args=["backup", str(path)])
            transaction.rollback()
        db.engine.dispose()
    assert result.exit_code == 0, result.output

    change_everything(app, world)
    restored = runner.invoke(args=["restore", "--yes", str(path)])
    assert restored.exit_code == 0, restored.output
    assert state(app) == before


def test_backup_refuses_to_overwrite_without_force(runner, stamped, tmp_path):
    path = tmp_path / "samverkan.backup"
    path.write_text("an older backup")
    refused = runner.invoke(args=["backup", str(path)])
    assert refused.exit_code != 0
    assert f"{path} exists; use --force to overwrite it." in refused.output
    assert path.read_text() == "an older backup"
    assert not [p for p in tmp_path.iterdir() if "partial" in p.name]

    forced = runner.invoke(args=["backup", "--force", str(path)])
    assert forced.exit_code == 0, forced.output
    assert path.read_bytes() != b"an older backup"


def damaged_copy(original: Path, damaged: Path) -> None:
    """A backup with part of its data lost (PostgreSQL) or overwritten (SQLite)."""
    data = bytearray(original.read_bytes())
    if TEST_DATABASE_URL:
        del data[len(data) * 3 // 4 :]
    else:
        middle = len(data) // 2 // 4096 * 4096
        data[middle : middle + 8192] = b"\xa5" * 8192
    damaged.write_bytes(bytes(data))


@pytest.mark.parametrize(
    ("make_file", "message"),
    [
        (lambda path, backup: None, "does not exist."),
        (lambda path, backup: path.write_text("namn;e-post\nAnna;anna@example.se\n"), NOT_A_BACKUP),
        (
            lambda path, backup: path.write_bytes(b""),
            NOT_A_BACKUP if TEST_DATABASE_URL else "is not a Samverkan backup",
        ),
        (
            lambda path, backup: damaged_copy(backup(), path),
            "damaged" if TEST_DATABASE_URL else "malformed",
        ),
    ],
    ids=["missing", "text-file", "empty-file", "damaged"],
)
def test_restore_of_bad_input_changes_nothing(app, runner, world, tmp_path, make_file, message):
    def backup() -> Path:
        """A good backup of `world`, made before the changes."""
        good = tmp_path / "good.backup"
        assert runner.invoke(args=["backup", str(good)]).exit_code == 0
        return good

    path = tmp_path / "bad.backup"
    make_file(path, backup)
    change_everything(app, world)
    after_change = state(app)

    result = runner.invoke(args=["restore", "--yes", str(path)])
    assert result.exit_code != 0
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"Error: {path} "), result.output
    assert message in lines[0], lines[0]
    assert "Traceback" not in result.output
    assert state(app) == after_change


@pytest.mark.skipif(bool(TEST_DATABASE_URL), reason="SQLite: a database without Alembic's table")
def test_restore_refuses_a_sqlite_database_that_is_not_samverkan(app, runner, world, tmp_path):
    import sqlite3

    path = tmp_path / "other.db"
    with sqlite3.connect(path) as other:
        other.execute("CREATE TABLE notes (body TEXT)")
    before = state(app)
    result = runner.invoke(args=["restore", "--yes", str(path)])
    assert result.exit_code != 0
    assert "is not a Samverkan backup: it has no alembic_version table." in result.output
    assert state(app) == before


def test_restore_asks_first(app, runner, world, tmp_path):
    path = tmp_path / "samverkan.backup"
    assert runner.invoke(args=["backup", str(path)]).exit_code == 0
    change_everything(app, world)
    after_change = state(app)
    declined = runner.invoke(args=["restore", str(path)], input="n\n")
    assert "Changes made since the backup will be lost" in declined.output
    assert declined.exit_code != 0 and "Aborted" in declined.output
    assert state(app) == after_change


@pytest.mark.skipif(
    bool(TEST_DATABASE_URL),
    reason="a PostgreSQL dump names its schema; an older-schema dump would need a second "
    "schema of the same name in the test database",
)
def test_an_older_backup_is_upgraded_to_the_current_schema(app, runner, stamped, tmp_path):
    older = create_app({"SECRET_KEY": "x", **database_config(tmp_path, None, name="old.db")})
    with older.app_context():
        upgrade(revision="c3b160d73356")  # before calendar identity and feed tokens
        db.engine.dispose()
    result = runner.invoke(args=["restore", "--yes", str(tmp_path / "old.db")])
    assert result.exit_code == 0, result.output
    assert "schema revision c3b160d73356" in result.output
    assert "schema upgraded to" in result.output
    with app.app_context():
        revision = db.session.scalar(text("SELECT version_num FROM alembic_version"))
        columns = {row[1] for row in db.session.execute(text("PRAGMA table_info(meetings)"))}
    assert revision != "c3b160d73356" and "uid" in columns


def test_missing_pg_dump_is_named(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(BackupError, match="pg_dump was not found on PATH"):
        backup_database("postgresql+psycopg://eva@127.0.0.1:9/samverkan", tmp_path / "x.dump")
    assert list(tmp_path.iterdir()) == []


def test_postgres_url_becomes_libpq_url_and_environment():
    target = postgres_target(
        make_url(
            "postgresql+psycopg://eva:hemligt@db.example:5433/samverkan"
            "?sslmode=require&options=-csearch_path%3Dcrm"
        ),
        "-cstatement_timeout=0",
    )
    assert target.url == "postgresql://eva@db.example:5433/samverkan?sslmode=require"
    assert target.env["PGPASSWORD"] == "hemligt"
    assert target.env["PGOPTIONS"] == "-csearch_path=crm -cstatement_timeout=0"
    assert target.schema == "crm"


@pytest.mark.skipif(not TEST_DATABASE_URL, reason="PostgreSQL's planner statistics")
def test_restore_on_postgresql_gathers_statistics(app, runner, world, tmp_path):
    path = tmp_path / "samverkan.backup"
    assert runner.invoke(args=["backup", str(path)]).exit_code == 0
    restored = runner.invoke(args=["restore", "--yes", str(path)])
    assert restored.exit_code == 0, restored.output
    assert "Statistics gathered (ANALYZE)" in restored.output
    with app.app_context():
        analysed = db.session.execute(
            text(
                "SELECT relname FROM pg_stat_user_tables WHERE schemaname = current_schema()"
                " AND last_analyze IS NOT NULL"
            )
        ).scalars()
        assert {"contacts", "meetings", "organisations"} <= set(analysed)


@pytest.mark.skipif(not TEST_DATABASE_URL, reason="a PostgreSQL schema of the app's own")
def test_restore_keeps_the_schema_and_what_lives_in_it_beside_the_tables(
    app, runner, world, tmp_path
):
    """The app's schema can hold objects a schema-limited dump does not (pg_trgm, when it was
    created where the search_path pointed); the restore replaces the tables and keeps the
    schema instead of failing on "cannot drop schema"."""
    path = tmp_path / "samverkan.backup"
    assert runner.invoke(args=["backup", str(path)]).exit_code == 0
    with app.app_context():
        db.session.execute(text("CREATE VIEW kept_beside AS SELECT 1 AS one"))
        db.session.commit()
    change_everything(app, world)
    restored = runner.invoke(args=["restore", "--yes", str(path)])
    assert restored.exit_code == 0, restored.output
    assert state(app)["meeting"] == ("Dialog om rutiner", ["Anna Ek"], ["Föreningen Före"])
    with app.app_context():
        assert db.session.execute(text("SELECT one FROM kept_beside")).scalar() == 1
        db.session.execute(text("DROP VIEW kept_beside"))
        db.session.commit()


@pytest.mark.skipif(not TEST_DATABASE_URL, reason="the queue in the app's PostgreSQL database")
def test_the_task_queue_in_the_apps_database_is_left_out_of_backup_and_restore(
    app, runner, world, tmp_path
):
    """With TASKS_URL unset on PostgreSQL the queue's tables live beside the app's. They hold
    work in flight, not the record: the backup leaves them out, and a restore neither empties
    nor rolls back the queue (as the SQLite queue's tasks.db beside the database)."""
    from app.tasks.queue import postgres_storage

    options = app.config["SQLALCHEMY_ENGINE_OPTIONS"]["connect_args"]
    storage = postgres_storage(app.config["SQLALCHEMY_DATABASE_URI"], options)
    try:
        storage.enqueue(b"queued before the backup")
        path = tmp_path / "samverkan.backup"
        result = runner.invoke(args=["backup", str(path)])
        assert result.exit_code == 0, result.output
        listing = subprocess.run(
            ["pg_restore", "--list", str(path)], capture_output=True, text=True, check=True
        ).stdout
        assert " TABLE " in listing and "huey_" not in listing
        storage.enqueue(b"queued after the backup")
        change_everything(app, world)
        restored = runner.invoke(args=["restore", "--yes", str(path)])
        assert restored.exit_code == 0, restored.output
        assert state(app)["meeting"] == ("Dialog om rutiner", ["Anna Ek"], ["Föreningen Före"])
        assert storage.queue_size() == 2
        assert storage.dequeue() == b"queued before the backup"
    finally:
        storage.database.drop_tables([storage.KV, storage.Schedule, storage.Task, storage.Counter])
        storage.close()


def test_restore_leaves_the_text_index_matching_the_restored_rows(app, runner, world, tmp_path):
    """The search finds what was restored, not what was written after the backup; the index's
    own tables are not counted as data."""
    from app.common.search_index import SEARCHED_TABLES, fts_table
    from app.search.services import search_everything

    path = tmp_path / "samverkan.backup"
    result = runner.invoke(args=["backup", str(path)])
    assert result.exit_code == 0, result.output
    assert "_search" not in result.output
    change_everything(app, world)
    restored = runner.invoke(args=["restore", "--yes", str(path)])
    assert restored.exit_code == 0, restored.output
    with app.app_context():
        results = search_everything("rutiner")
        assert [m.title for m in results.meetings] == ["Dialog om rutiner"]
        assert [c.full_name for c in search_everything("anna").contacts] == ["Anna Ek"]
        assert search_everything("efterkommare").contacts == []
        if db.engine.dialect.name == "sqlite":
            for name in SEARCHED_TABLES:
                fts = fts_table(name)
                db.session.execute(
                    text(f"INSERT INTO {fts} ({fts}, rank) VALUES ('integrity-check', 1)")
                )
