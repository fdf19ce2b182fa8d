"""Database behaviour: SQLite pragmas and write locking, UTC datetimes, the start-up check."""

from __future__ import annotations

import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import text

from app.auth.models import LoginFailure
from app.common.database import is_read_only_request
from app.extensions import db

from .conftest import TEST_DATABASE_URL

sqlite_only = pytest.mark.skipif(bool(TEST_DATABASE_URL), reason="SQLite behaviour")


@sqlite_only
def test_sqlite_pragmas(ctx):
    connection = db.session.connection()
    assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_foreign_keys_are_enforced(ctx):
    from sqlalchemy.exc import IntegrityError

    from app.organisations.models import Organisation, OrganisationKind

    db.session.add(Organisation(name="X", kind=OrganisationKind.ANNAN, county_code="99"))
    with pytest.raises(IntegrityError):
        db.session.flush()


@sqlite_only
def test_concurrent_writers_wait_instead_of_failing(app):
    """The classic SQLite failure: a writer that read first cannot upgrade its lock while
    another writes. With BEGIN IMMEDIATE the second writer waits for the first instead."""
    first_has_written = threading.Event()
    errors: list[BaseException] = []

    def first_writer() -> None:
        with app.app_context():
            try:
                db.session.add(LoginFailure(email="a@x.se", address="1"))
                db.session.flush()
                first_has_written.set()
                threading.Event().wait(0.3)
                db.session.commit()
            except BaseException as error:  # pragma: no cover - reported below
                errors.append(error)
                first_has_written.set()

    def second_writer() -> None:
        first_has_written.wait(5)
        with app.app_context():
            try:
                db.session.scalar(text("SELECT count(*) FROM login_failures"))
                db.session.add(LoginFailure(email="b@x.se", address="2"))
                db.session.commit()
            except BaseException as error:
                errors.append(error)

    threads = [threading.Thread(target=first_writer), threading.Thread(target=second_writer)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert errors == []
    with app.app_context():
        assert db.session.scalar(text("SELECT count(*) FROM login_failures")) == 2


def test_read_only_requests_are_the_safe_methods(app):
    with app.test_request_context("/", method="GET"):
        assert is_read_only_request()
    with app.test_request_context("/", method="POST"):
        assert not is_read_only_request()
    with app.app_context():
        assert not is_read_only_request()  # CLI commands write


def test_datetimes_are_stored_and_read_as_aware_utc(ctx):
    stockholm_summer = datetime(2026, 7, 1, 14, 0, tzinfo=timezone(timedelta(hours=2)))
    db.session.add(LoginFailure(email="a@x.se", address="1", failed_at=stockholm_summer))
    db.session.commit()
    db.session.expire_all()
    stored = db.session.scalar(db.select(LoginFailure.failed_at))
    assert stored == datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
    assert stored.utcoffset() == timedelta(0)


def test_naive_datetimes_are_refused(ctx):
    from sqlalchemy.exc import StatementError

    db.session.add(LoginFailure(email="a@x.se", address="1", failed_at=datetime(2026, 7, 1, 12)))
    with pytest.raises(StatementError, match="aware"):
        db.session.flush()


def start_wsgi(database_url: str, instance: object) -> subprocess.CompletedProcess[str]:
    """Import wsgi.py (what gunicorn and `flask --app wsgi` do) with this DATABASE_URL."""
    return subprocess.run(
        [sys.executable, "-c", "import wsgi"],
        env={
            "PATH": "/usr/bin:/bin",
            "DATABASE_URL": database_url,
            "SAMVERKAN_INSTANCE_PATH": str(instance),
        },
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_malformed_database_url_gives_a_clear_message(tmp_path):
    result = start_wsgi("inte-en-url:hemligt", tmp_path)
    assert result.returncode == 1
    assert "DATABASE_URL is not a database URL" in result.stderr
    assert "Traceback" not in result.stderr and "hemligt" not in result.stderr


def test_unreachable_database_at_start_gives_a_clear_message(tmp_path):
    result = start_wsgi("postgresql://samverkan:hemligt@127.0.0.1:9/samverkan", tmp_path)
    assert result.returncode == 1
    assert "DATABASE_URL=postgresql+psycopg://samverkan:***@127.0.0.1:9/samverkan" in result.stderr
    assert "Traceback" not in result.stderr
    assert "hemligt" not in result.stderr
