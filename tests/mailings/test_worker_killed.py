"""A mailing of 300 recipients sent by a real worker process (`flask tasks worker`) to a real
SMTP sink, with the queue in a SQLite file and (on PostgreSQL) in the app's own database, the
worker killed with SIGKILL once between batches and once inside a batch, then resumed by a
new worker: nobody receives two messages, and every recipient ends skickad or osäker (each
skickad one received exactly once)."""

from __future__ import annotations

import os
import signal
import subprocess
import tempfile
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app import create_app
from app.auth.models import Role
from app.extensions import db
from app.library import services as library
from app.library.models import Delivery, MaterialKind
from app.mailings import services
from app.mailings.models import Audience, MailingRecipient, MailingStatus, RecipientStatus
from app.organisations.models import OrganisationKind
from app.tasks.jobs import queue_mailing

from ..factories import make_organisation, make_user
from ..served import database_url, drop_schema
from ..smtp_sink import smtp_sink
from ..workers import migrate, start_worker, worker_environment

RECIPIENTS = 300
BATCH = 50

QUEUES = [
    pytest.param("file", id="sqlite-queue"),
    pytest.param(
        "database",
        id="postgresql-queue",
        marks=pytest.mark.skipif(
            not os.environ.get("TEST_DATABASE_URL"),
            reason="the queue in the app's database: PostgreSQL only",
        ),
    ),
]


def counts(mailing_id: int) -> Counter:
    db.session.rollback()
    rows = db.session.execute(
        select(MailingRecipient.status, func.count())
        .where(MailingRecipient.mailing_id == mailing_id)
        .group_by(MailingRecipient.status)
    )
    found = Counter(dict(rows.all()))
    db.session.commit()  # hold no lock while the worker writes (SQLite)
    return found


def wait_for(condition, mailing_id: int, worker: subprocess.Popen, log: Path, seconds=90):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        now = counts(mailing_id)
        if condition(now):
            return now
        assert worker.poll() is None, log.read_text()
        time.sleep(0.1)
    raise AssertionError(f"timed out at {dict(counts(mailing_id))}:\n{log.read_text()[-3000:]}")


@pytest.mark.parametrize("queue", QUEUES)
def test_killed_workers_send_nobody_twice_and_skip_nobody(queue):
    directory = Path(tempfile.mkdtemp(prefix="mailing-kill-"))
    url, schema = database_url(directory)
    log = directory / "worker.log"
    # "database": TASKS_URL unset, so the queue lives in the app's PostgreSQL database.
    tasks = {"tasks_url": f"sqlite:///{directory / 'tasks.db'}"} if queue == "file" else {}
    environment = worker_environment(
        directory,
        url,
        **tasks,
        mailing_batch_size=str(BATCH),
        mailing_batch_pause="2",
        mailing_lease_seconds="3",
    )
    migrate(environment)
    workers: list[subprocess.Popen] = []
    app = create_app(
        {
            "DATABASE_URL": url,
            "SECRET_KEY": "test",
            "TASKS_IMMEDIATE": False,
            "TASKS_URL": environment.get("SAMVERKAN_TASKS_URL"),
            "MAIL_SERVER": "127.0.0.1",
        }
    )
    try:
        with smtp_sink(delay=0.02) as (sink, port), app.app_context():
            environment["SAMVERKAN_MAIL_PORT"] = str(port)
            user = make_user(role=Role.COORDINATOR)
            for number in range(RECIPIENTS):
                make_organisation(
                    name=f"Förening {number:03d}",
                    kind=OrganisationKind.ANNAN,
                    mailbox=f"forening{number:03d}@example.se",
                )
            material = library.create_material(
                values=library.MaterialValues(kind=MaterialKind.INFORMATION, title="Broschyr"),
                by=None,
            )
            version = library.add_version(material, link="https://example.se/broschyr", by=None)
            mailing, choice = services.create_mailing(
                values=services.MailingValues(
                    subject="Broschyr",
                    body="Hej {namn}!",
                    audience=Audience.ORGANISATIONS,
                    criteria={"typ": "annan"},
                    version_id=version.id,
                ),
                by=user,
            )
            assert len(choice.recipients) == RECIPIENTS
            services.start_mailing(mailing, by=user)
            mailing_id = mailing.id
            assert mailing.status is MailingStatus.SENDING
            queue_mailing(mailing_id)  # into the worker's queue

            workers.append(start_worker(environment, log))
            # Between batches: a whole number of batches sent, nothing being sent.
            wait_for(
                lambda c: (
                    c[RecipientStatus.SENT] >= BATCH
                    and c[RecipientStatus.SENT] % BATCH == 0
                    and not c[RecipientStatus.SENDING]
                ),
                mailing_id,
                workers[-1],
                log,
            )
            os.kill(workers[-1].pid, signal.SIGKILL)
            workers[-1].wait()
            between = counts(mailing_id)

            workers.append(start_worker(environment, log))
            # Inside a batch: part of a batch sent since the last one ended.
            wait_for(
                lambda c: (
                    c[RecipientStatus.SENT] > between[RecipientStatus.SENT] + 10
                    and 10 <= c[RecipientStatus.SENT] % BATCH <= 40
                ),
                mailing_id,
                workers[-1],
                log,
            )
            os.kill(workers[-1].pid, signal.SIGKILL)
            workers[-1].wait()

            workers.append(start_worker(environment, log))
            final = wait_for(
                lambda c: not c[RecipientStatus.QUEUED] and not c[RecipientStatus.SENDING],
                mailing_id,
                workers[-1],
                log,
                seconds=120,
            )
            rows = db.session.execute(
                select(MailingRecipient.address, MailingRecipient.status).where(
                    MailingRecipient.mailing_id == mailing_id
                )
            ).all()
            received = Counter(r for envelope in sink.received for r in envelope.rcpt_tos)
            assert max(received.values()) == 1, "someone received two messages"
            assert set(final) <= {RecipientStatus.SENT, RecipientStatus.UNCERTAIN}
            assert final[RecipientStatus.SENT] + final[RecipientStatus.UNCERTAIN] == RECIPIENTS
            assert final[RecipientStatus.UNCERTAIN] <= 2  # at most one in flight per kill
            for address, status in rows:
                if status is RecipientStatus.SENT:
                    assert received[address] == 1
            assert set(received) <= {address for address, _status in rows}
            deliveries = db.session.scalar(select(func.count()).select_from(Delivery))
            assert deliveries == final[RecipientStatus.SENT]
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.terminate()
                worker.wait(timeout=20)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        if schema:
            drop_schema(schema)
