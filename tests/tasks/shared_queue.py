"""A small mailing enqueued by this process into a shared queue (TASKS_URL naming Redis or
PostgreSQL) and sent by a real `flask tasks worker` process to the SMTP sink."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from huey.storage import MemoryStorage
from sqlalchemy import select

from app import create_app
from app.auth.models import Role
from app.extensions import db
from app.mailings import services
from app.mailings.models import Audience, MailingRecipient, RecipientStatus
from app.organisations.models import OrganisationKind
from app.tasks.jobs import queue_mailing
from app.tasks.queue import QUEUE_NAME, huey

from ..factories import make_organisation, make_user
from ..served import database_url, drop_schema
from ..smtp_sink import smtp_sink
from ..workers import migrate, start_worker, worker_environment

RECIPIENTS = 5


def send_mailing_through_worker(tasks_url: str | Callable[[str], str] | None, storage: str) -> None:
    """The mailing is queued here, the worker (on `storage`, its class name) sends it: every
    recipient receives one message and ends skickad. `tasks_url` may be made from the
    test's database URL."""
    directory = Path(tempfile.mkdtemp(prefix="tasks-shared-"))
    url, schema = database_url(directory)
    log = directory / "worker.log"
    if callable(tasks_url):
        tasks_url = tasks_url(url)
    environment = worker_environment(directory, url, mailing_batch_pause="0")
    settings = {"DATABASE_URL": url, "SECRET_KEY": "test", "TASKS_IMMEDIATE": False}
    if tasks_url:
        environment["SAMVERKAN_TASKS_URL"] = tasks_url
        settings["TASKS_URL"] = tasks_url
    migrate(environment)
    app = create_app({**settings, "MAIL_SERVER": "127.0.0.1"})
    assert type(huey.storage).__name__ == storage
    worker = None
    try:
        with smtp_sink() as (sink, port), app.app_context():
            environment["SAMVERKAN_MAIL_PORT"] = str(port)
            user = make_user(role=Role.COORDINATOR)
            for number in range(RECIPIENTS):
                make_organisation(
                    name=f"Förening {number}",
                    kind=OrganisationKind.ANNAN,
                    mailbox=f"forening{number}@example.se",
                )
            mailing, choice = services.create_mailing(
                values=services.MailingValues(
                    subject="Inbjudan",
                    body="Hej {namn}!",
                    audience=Audience.ORGANISATIONS,
                    criteria={"typ": "annan"},
                ),
                by=user,
            )
            assert len(choice.recipients) == RECIPIENTS
            services.start_mailing(mailing, by=user)
            mailing_id = mailing.id
            queue_mailing(mailing_id)  # into the shared queue: nothing is sent here
            assert huey.pending_count() == 1
            assert not sink.received

            worker = start_worker(environment, log)
            deadline = time.monotonic() + 60
            while True:
                db.session.rollback()
                statuses = db.session.scalars(
                    select(MailingRecipient.status).where(MailingRecipient.mailing_id == mailing_id)
                ).all()
                db.session.commit()
                if all(status is RecipientStatus.SENT for status in statuses):
                    break
                assert worker.poll() is None, log.read_text()
                assert time.monotonic() < deadline, f"{statuses}\n{log.read_text()[-3000:]}"
                time.sleep(0.2)
            received = sorted(r for envelope in sink.received for r in envelope.rcpt_tos)
            assert received == [f"forening{n}@example.se" for n in range(RECIPIENTS)]
            assert f"on {storage}" in log.read_text()
            # The queue empties: the worker's own periodic checks (the questionnaire
            # reminders, every minute) may be in it for a moment at a minute's turn.
            while huey.pending_count():
                assert time.monotonic() < deadline + 10, log.read_text()[-3000:]
                time.sleep(0.2)
    finally:
        if worker is not None and worker.poll() is None:
            worker.terminate()
            worker.wait(timeout=20)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        huey.storage.close()
        huey.storage = MemoryStorage(QUEUE_NAME)  # no connection left to the dropped schema
        if schema:
            drop_schema(schema)
