"""A questionnaire sent by a real worker process (`flask tasks worker`, Huey on its SQLite
storage) to a real SMTP sink: every organisation receives one message with a link of its
own that works (its hash stored with the mailing's id, the token nowhere in the database);
then a reminder planned for today is made by the worker's own periodic task (the hour set to
0 so that it is due) and sent to those who have not submitted, each with a new link."""

from __future__ import annotations

import email
import re
import subprocess
import tempfile
import time
from pathlib import Path

from sqlalchemy import select

from app import create_app
from app.auth.models import Role
from app.common.time import local_today
from app.extensions import db
from app.mailings.models import Mailing, MailingStatus
from app.organisations.models import OrganisationKind
from app.questionnaires import links, reminders, sending
from app.questionnaires.models import QuestionnaireLink, QuestionnaireReminder, ReminderStatus
from app.tasks.jobs import queue_mailing

from ..factories import make_organisation, make_user
from ..served import database_url, drop_schema
from ..smtp_sink import smtp_sink
from ..workers import migrate, start_worker, worker_environment
from .builders import make_questionnaire, make_response

ORGANISATIONS = 6
LINK = re.compile(r"https://enkat\.example\.se/svar/([A-Za-z0-9_-]{43})")
BODY = "Hej {namn}, svara senast {sista_dag}: {länk}"


def wait_for(condition, worker: subprocess.Popen, log: Path, seconds: float = 90):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        db.session.rollback()
        if condition():
            db.session.commit()
            return
        db.session.commit()  # hold no lock while the worker writes (SQLite)
        assert worker.poll() is None, log.read_text()
        time.sleep(0.2)
    raise AssertionError(f"timed out:\n{log.read_text()[-3000:]}")


def tokens_in(envelopes) -> dict[str, str]:
    found = {}
    for envelope in envelopes:
        text = email.message_from_bytes(envelope.content).get_payload(decode=True).decode()
        found[envelope.rcpt_tos[0]] = LINK.search(text).group(1)
    return found


def test_a_worker_sends_each_organisation_its_link_and_then_the_reminder():
    directory = Path(tempfile.mkdtemp(prefix="questionnaire-worker-"))
    url, schema = database_url(directory)
    log = directory / "worker.log"
    environment = worker_environment(
        directory,
        url,
        tasks_url=f"sqlite:///{directory / 'tasks.db'}",
        public_url="https://enkat.example.se",
        questionnaire_reminder_hour="0",
        mailing_batch_pause="0",
    )
    migrate(environment)
    worker = None
    app = create_app(
        {
            "DATABASE_URL": url,
            "SECRET_KEY": "test",
            "TASKS_IMMEDIATE": False,
            "TASKS_URL": environment["SAMVERKAN_TASKS_URL"],
            "MAIL_SERVER": "127.0.0.1",
            "PUBLIC_URL": "https://enkat.example.se",
        }
    )
    try:
        with smtp_sink() as (sink, port), app.app_context():
            environment["SAMVERKAN_MAIL_PORT"] = str(port)
            app.config["MAIL_PORT"] = port
            user = make_user(role=Role.COORDINATOR)
            organisations = [
                make_organisation(
                    name=f"Förening {n}",
                    kind=OrganisationKind.ANNAN,
                    mailbox=f"forening{n}@example.se",
                )
                for n in range(ORGANISATIONS)
            ]
            questionnaire = make_questionnaire()
            sending.save_recipients(questionnaire, criteria={"typ": "annan"}, by=user)
            mailing = sending.send_questionnaire(questionnaire, subject="Enkät", body=BODY, by=user)
            assert mailing.status is MailingStatus.SENDING
            mailing_id = mailing.id
            queue_mailing(mailing_id)  # commits, into the worker's queue (tasks.db)

            worker = start_worker(environment, log)
            wait_for(lambda: len(sink.received) == ORGANISATIONS, worker, log)
            first = tokens_in(sink.received)
            assert len(set(first.values())) == ORGANISATIONS
            stored = db.session.scalars(select(QuestionnaireLink)).all()
            assert {link.token_hash for link in stored} == {
                links.hash_token(t) for t in first.values()
            }
            assert {link.mailing_id for link in stored} == {mailing_id}
            for address, token in first.items():
                assert links.find_recipient(token).address == address

            # Two have submitted; the worker's periodic check makes and sends the reminder.
            for organisation in organisations[:2]:
                make_response(questionnaire, organisation, {}, submitted=True)
            reminders.plan_reminder(
                questionnaire,
                values=reminders.ReminderValues(
                    send_on=local_today(), subject="Påminnelse", body=BODY
                ),
                by=user,
            )
            db.session.commit()
            wait_for(lambda: len(sink.received) == 2 * ORGANISATIONS - 2, worker, log, seconds=150)
            reminded = tokens_in(sink.received[ORGANISATIONS:])
            assert set(reminded) == {o.mailbox for o in organisations[2:]}
            for address, token in reminded.items():
                assert token != first[address]
                assert links.find_recipient(token).address == address
                assert links.find_recipient(first[address]) is not None  # still works
            reminder = db.session.scalar(select(QuestionnaireReminder))
            assert reminder.status is ReminderStatus.SENT
            assert db.session.get(Mailing, reminder.mailing_id).questionnaire_id == (
                questionnaire.id
            )
    finally:
        if worker is not None and worker.poll() is None:
            worker.terminate()
            worker.wait(timeout=20)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        if schema:
            drop_schema(schema)
