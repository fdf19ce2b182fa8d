"""One `caldav sync` at a time: the lock is a row in the database (so it holds across
processes), a second sync says so and exits with status 1, an expired lease is taken over."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.caldav.lock import take_sync_lock
from app.extensions import db

from .test_sync import schedule, sync, team  # noqa: F401 (a fixture)


def test_the_lock_is_held_once_and_an_expired_lease_is_taken_over(app):
    with app.app_context():
        now = datetime.now(UTC)
        first = take_sync_lock(db.engine, lease=timedelta(minutes=5), now=now)
        assert first is not None
        assert take_sync_lock(db.engine, now=now + timedelta(minutes=4)) is None
        later = take_sync_lock(db.engine, now=now + timedelta(minutes=6))  # the first died
        assert later is not None
        first.release()  # the old holder's release does not free the new holder's lock
        assert take_sync_lock(db.engine, now=now + timedelta(minutes=7)) is None
        later.release()
        again = take_sync_lock(db.engine)
        assert again is not None
        again.release()


def test_a_second_sync_while_one_runs_says_so_and_fails(app, team, other_client):  # noqa: F811
    meeting_id = schedule(app, team, title="Samråd")
    with app.app_context():
        running = take_sync_lock(db.engine)
    result = app.test_cli_runner().invoke(args=["caldav", "sync"])
    assert result.exit_code == 1
    assert "Another CalDAV sync is running" in result.output
    running.release()
    assert "1 created" in sync(app)  # the lock was given back by the first
    assert "0 created" in sync(app)  # and by each sync when it ends
    assert meeting_id
