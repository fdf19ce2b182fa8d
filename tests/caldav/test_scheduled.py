"""The CalDAV sync on the task queue (app/tasks/jobs.py `sync_caldav`): the same run as
`flask caldav sync` against the real Radicale, under the same lock, and on the queue's
schedule only when CALDAV_URL and CALDAV_SYNC_MINUTES say so."""

from __future__ import annotations

from datetime import datetime

from app.caldav.lock import take_sync_lock
from app.extensions import db
from app.tasks.jobs import caldav_sync_due, sync_caldav
from app.tasks.queue import huey

from .test_sync import schedule, team  # noqa: F401 (a fixture)


def run_task(app) -> str:
    with app.app_context():
        return sync_caldav.call_local()


def test_the_task_publishes_the_meetings_like_the_command(app, team, other_client):  # noqa: F811
    schedule(app, team)
    assert "CalDAV: 1 created, 0 updated" in run_task(app)
    events = other_client().events()
    assert len(events) == 1
    assert "Dialog om återvandring" in events[0].data


def test_a_run_while_another_sync_holds_the_lock_does_nothing(app, team, other_client):  # noqa: F811
    schedule(app, team, title="Första mötet")
    run_task(app)
    schedule(app, team, title="Andra mötet", days=4)
    with app.app_context():
        lock = take_sync_lock(db.engine)
        assert lock is not None
    try:
        assert run_task(app) == "Another CalDAV sync is running; this one did nothing."
        assert len(other_client().events()) == 1
    finally:
        lock.release()
    run_task(app)
    assert len(other_client().events()) == 2


def test_without_a_server_the_task_does_nothing(make_app):
    off = make_app(CALDAV_URL=None)
    assert run_task(off) == "CalDAV sync is off: CALDAV_URL is not set."


def due_minutes(app) -> list[int]:
    """The minutes of one hour on which the queue's scheduler would start a sync."""
    with app.app_context():
        return [m for m in range(60) if caldav_sync_due(datetime(2026, 11, 23, 10, m))]


def test_the_schedule_follows_caldav_sync_minutes(app, make_app, radicale):
    assert "sync_caldav" in {task.name for task in huey._registry.periodic_tasks}
    assert due_minutes(app) == [0, 15, 30, 45]  # the default: every 15 minutes
    assert due_minutes(make_app(CALDAV_URL=radicale, CALDAV_SYNC_MINUTES=5))[:3] == [0, 5, 10]
    assert due_minutes(make_app(CALDAV_URL=radicale, CALDAV_SYNC_MINUTES=0)) == []
    assert due_minutes(make_app(CALDAV_URL=radicale, CALDAV_SYNC_MINUTES="x")) == []
    assert due_minutes(make_app(CALDAV_URL=None, CALDAV_SYNC_MINUTES=15)) == []
