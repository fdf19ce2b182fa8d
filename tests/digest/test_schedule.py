"""When the digests go out: the periodic task in the queue from DIGEST_HOUR in Stockholm
(across summer and winter time), and `flask digest send` for cron or a systemd timer."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select

from app.common.time import STOCKHOLM, local_today, utcnow
from app.digest.models import DigestDelivery
from app.extensions import db
from app.tasks.jobs import digest_due, send_digests
from app.tasks.queue import huey

from ..smtp_sink import smtp_sink
from .builders import follow_up, make_reader


def first_due_minute(app, day: datetime) -> datetime:
    """The first UTC minute of `day` on which the scheduler starts the task."""
    with app.app_context():
        minute = day
        while not digest_due(minute):
            minute += timedelta(minutes=1)
    return minute


def test_the_task_is_scheduled_from_the_hour_in_stockholm(app, make_app):
    assert "send_digests" in {task.name for task in huey._registry.periodic_tasks}
    # Winter time (UTC+1): 07:00 in Stockholm is 06:00 UTC; summer time (UTC+2): 05:00 UTC.
    assert first_due_minute(app, datetime(2026, 12, 7)) == datetime(2026, 12, 7, 6, 0)
    assert first_due_minute(app, datetime(2026, 6, 18)) == datetime(2026, 6, 18, 5, 0)
    six = make_app(DIGEST_HOUR=6)
    assert first_due_minute(six, datetime(2026, 12, 7)) == datetime(2026, 12, 7, 5, 0)
    wrong = make_app(DIGEST_HOUR="sju")  # a wrong value falls back to 7
    assert first_due_minute(wrong, datetime(2026, 12, 7)) == datetime(2026, 12, 7, 6, 0)
    with app.app_context():
        assert digest_due(datetime(2026, 12, 7, 22, 59))  # still the same day in Stockholm
        assert not digest_due(datetime(2026, 12, 7, 23, 0))  # midnight: a new day begins


def deliveries() -> int:
    return db.session.scalar(select(func.count()).select_from(DigestDelivery))


def test_the_periodic_task_sends_todays_digest_once(app):
    app.config["DIGEST_HOUR"] = 0
    with smtp_sink() as (sink, port), app.app_context():
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
        me = make_reader()
        follow_up(me, "Försenad", local_today() - timedelta(days=2))
        db.session.commit()
        send_digests()  # TASKS_IMMEDIATE: runs now, as a worker would
        assert len(sink.received) == 1
        send_digests()
        assert len(sink.received) == 1 and deliveries() == 1


def test_the_command_sends_at_once_and_once(app):
    app.config["DIGEST_HOUR"] = 23
    runner = app.test_cli_runner()
    with app.app_context():
        me = make_reader()
        follow_up(me, "Försenad", local_today() - timedelta(days=2))
        db.session.commit()
    result = runner.invoke(args=["digest", "send"])
    assert result.exit_code == 0 and "MAIL_SERVER is not set" in result.output
    with smtp_sink() as (sink, port):
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
        result = runner.invoke(args=["digest", "send"])  # cron decides the hour
        assert result.exit_code == 0, result.output
        assert "1 sent" in result.output
        assert "0 sent" in runner.invoke(args=["digest", "send"]).output
        assert len(sink.received) == 1
        waits = runner.invoke(args=["digest", "send", "--at-hour"]).output
    # Before 23:00 in Stockholm the command waits for the hour; after it, it has sent already.
    assert "23:00" in waits or utcnow().astimezone(STOCKHOLM).hour == 23
