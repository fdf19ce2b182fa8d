"""Reminders: planned and cancelled; on their day, at QUESTIONNAIRE_REMINDER_HOUR in
Europe/Stockholm, a mailing to those whose organisation has not submitted (a draft is not an
answer), each with a new link while the earlier ones keep working; once only, nothing after
the close; the periodic task and `flask questionnaires remind`."""

from __future__ import annotations

import email
import io
import zipfile
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.auth.models import User
from app.common.time import local_today
from app.extensions import db
from app.mailings import outgoing
from app.mailings.models import Mailing, MailingRecipient
from app.organisations.models import Organisation
from app.questionnaires import links, reminders, sending
from app.questionnaires.models import (
    Questionnaire,
    QuestionnaireLink,
    QuestionnaireReminder,
    QuestionnaireStatus,
    ReminderStatus,
)
from app.questionnaires.reminders import InvalidReminder, ReminderValues, is_due

from ..conftest import login
from .builders import make_response
from .sending_world import UPPSALA_KOMMUNER, world  # noqa: F401  (the fixture)
from .test_sending import BODY, LINK

REMINDER = "Påminnelse {namn}: svara senast {sista_dag} via {länk}"


@pytest.fixture
def app_config(app_config):
    return {**app_config, "PUBLIC_URL": "http://enkat.example.se"}


def links_of(mailing: Mailing) -> dict[int, str]:
    """organisation id → the token in its message (the .eml files, no SMTP here)."""
    target = io.BytesIO()
    outgoing.write_eml_zip(mailing, target)
    found = {}
    with zipfile.ZipFile(target) as archive:
        for name in archive.namelist():
            message = email.message_from_bytes(archive.read(name))
            token = LINK.search(message.get_payload(decode=True).decode()).group(1)
            found[links.find_recipient(token).organisation_id] = token
    return found


@pytest.fixture
def sent(seeded, world):  # noqa: F811
    """The questionnaire sent to Uppsala's three reachable municipalities, the first links
    taken from the .eml files; the first municipality has submitted, the second saved a
    draft."""
    with seeded.test_request_context():
        questionnaire = db.session.get(Questionnaire, world.questionnaire)
        user = db.session.get(User, world.user)
        sending.save_recipients(questionnaire, criteria=UPPSALA_KOMMUNER, by=user)
        mailing = sending.send_questionnaire(questionnaire, subject="Enkät", body=BODY, by=user)
        first_links = links_of(mailing)
        k = [db.session.get(Organisation, i) for i in world.kommuner]
        make_response(questionnaire, k[0], {}, submitted=True)
        make_response(questionnaire, k[1], {}, submitted=False)
        db.session.commit()
        yield world, questionnaire, user, first_links
        db.session.rollback()


def plan(questionnaire, user, day=None) -> QuestionnaireReminder:
    return reminders.plan_reminder(
        questionnaire,
        values=ReminderValues(send_on=day or local_today(), subject="Påminnelse", body=REMINDER),
        by=user,
    )


def test_planning_checks_the_day_and_the_message(sent):
    _world, questionnaire, user, _links = sent
    with pytest.raises(InvalidReminder, match="passerat"):
        plan(questionnaire, user, local_today() - timedelta(days=1))
    with pytest.raises(InvalidReminder, match="efter sista svarsdagen"):
        plan(questionnaire, user, questionnaire.closes_on + timedelta(days=1))
    with pytest.raises(sending.NotReady, match="länk"):
        reminders.plan_reminder(
            questionnaire,
            values=ReminderValues(send_on=local_today(), subject="P", body="Hej {namn}"),
            by=user,
        )
    with pytest.raises(InvalidReminder, match=r"\{fel\}"):
        reminders.plan_reminder(
            questionnaire,
            values=ReminderValues(send_on=local_today(), subject="P", body="{länk} {fel}"),
            by=user,
        )
    draft = db.session.get(Questionnaire, questionnaire.id)
    draft.status = QuestionnaireStatus.DRAFT
    with pytest.raises(InvalidReminder, match="skickad"):
        plan(draft, user)


def test_a_cancelled_reminder_is_not_sent(sent):
    _world, questionnaire, user, _links = sent
    reminder = plan(questionnaire, user)
    reminders.cancel_reminder(reminder, by=user)
    db.session.commit()
    assert reminders.send_due_reminders(ignore_hour=True) == []
    assert reminder.status is ReminderStatus.CANCELLED
    with pytest.raises(InvalidReminder):
        reminders.cancel_reminder(reminder, by=user)


def test_only_those_who_have_not_submitted_get_a_new_link_and_old_links_still_work(sent):
    w, questionnaire, user, first_links = sent
    reminder = plan(questionnaire, user)
    db.session.commit()
    (mailing_id,) = reminders.send_due_reminders(ignore_hour=True)
    mailing = db.session.get(Mailing, mailing_id)
    assert mailing.questionnaire_id == questionnaire.id
    reached = db.session.scalars(
        select(MailingRecipient.organisation_id).where(MailingRecipient.mailing_id == mailing_id)
    ).all()
    # The first submitted; the second only saved a draft, which is not an answer.
    assert sorted(reached) == sorted(w.kommuner[1:3])
    new_links = links_of(mailing)
    assert set(new_links) == set(w.kommuner[1:3])
    for organisation_id, token in new_links.items():
        assert token != first_links[organisation_id]
        assert links.find_recipient(first_links[organisation_id]).organisation_id == (
            organisation_id
        )
    stored = db.session.scalars(
        select(QuestionnaireLink).where(QuestionnaireLink.mailing_id == mailing_id)
    ).all()
    assert {link.token_hash for link in stored} == {links.hash_token(t) for t in new_links.values()}
    db.session.refresh(reminder)
    assert reminder.status is ReminderStatus.SENT and reminder.mailing_id == mailing_id


def test_a_reminder_runs_once(sent):
    _world, questionnaire, user, _links = sent
    plan(questionnaire, user)
    db.session.commit()
    assert len(reminders.send_due_reminders(ignore_hour=True)) == 1
    assert reminders.send_due_reminders(ignore_hour=True) == []
    count = select(func.count()).select_from(Mailing).where(Mailing.questionnaire_id.isnot(None))
    assert db.session.scalar(count) == 2  # the sending and one reminder


def test_nothing_after_the_close(sent):
    _world, questionnaire, user, _links = sent
    reminder = plan(questionnaire, user, questionnaire.closes_on)
    db.session.commit()
    after = datetime.combine(questionnaire.closes_on + timedelta(days=1), datetime.min.time())
    assert reminders.send_due_reminders(now=after.replace(hour=12, tzinfo=UTC)) == []
    db.session.refresh(reminder)
    assert reminder.status is ReminderStatus.CANCELLED and reminder.mailing_id is None

    closed = plan(questionnaire, user)
    questionnaire.status = QuestionnaireStatus.CLOSED
    db.session.commit()
    assert reminders.send_due_reminders(ignore_hour=True) == []
    db.session.refresh(closed)
    assert closed.status is ReminderStatus.CANCELLED


@pytest.mark.parametrize(
    ("day", "moment", "due"),
    [
        # Winter (CET, UTC+1): 08.00 in Stockholm is 07.00 UTC.
        (date(2027, 1, 15), datetime(2027, 1, 15, 6, 59, tzinfo=UTC), False),
        (date(2027, 1, 15), datetime(2027, 1, 15, 7, 0, tzinfo=UTC), True),
        # Just after midnight in Stockholm, still the 14th in UTC: the day, not the hour.
        (date(2027, 1, 15), datetime(2027, 1, 14, 23, 30, tzinfo=UTC), False),
        # The day DST begins (CEST, UTC+2): 08.00 is 06.00 UTC.
        (date(2027, 3, 28), datetime(2027, 3, 28, 5, 59, tzinfo=UTC), False),
        (date(2027, 3, 28), datetime(2027, 3, 28, 6, 0, tzinfo=UTC), True),
        # A day missed is caught up; a day ahead is not due.
        (date(2027, 1, 15), datetime(2027, 1, 16, 1, 0, tzinfo=UTC), True),
        (date(2027, 1, 15), datetime(2027, 1, 14, 12, 0, tzinfo=UTC), False),
    ],
)
def test_the_hour_is_stockholms(day, moment, due):
    assert is_due(day, moment, hour=8) is due


def test_the_periodic_task_sends_at_the_hour_in_stockholm(sent, seeded):
    _world, questionnaire, user, _links = sent
    seeded.config["QUESTIONNAIRE_REMINDER_HOUR"] = 23
    reminder = plan(questionnaire, user)
    db.session.commit()
    now = datetime.now(UTC)
    from app.common.time import STOCKHOLM

    before_hour = datetime.combine(local_today(), datetime.min.time()).replace(
        hour=22, minute=59, tzinfo=STOCKHOLM
    )
    assert reminders.send_due_reminders(now=before_hour.astimezone(UTC)) == []
    from app.tasks.jobs import send_questionnaire_reminders

    send_questionnaire_reminders()  # TASKS_IMMEDIATE: runs now, in a session of its own
    db.session.commit()
    db.session.refresh(reminder)
    local_hour = now.astimezone(STOCKHOLM).hour
    assert (reminder.status is ReminderStatus.SENT) == (local_hour >= 23)
    seeded.config["QUESTIONNAIRE_REMINDER_HOUR"] = 0
    db.session.commit()  # no snapshot held over the task's own session (SQLite)
    send_questionnaire_reminders()
    db.session.commit()
    db.session.refresh(reminder)
    assert reminder.status is ReminderStatus.SENT and reminder.mailing_id is not None


def test_the_cli_sends_the_due_ones_now(sent, seeded):
    _world, questionnaire, user, _links = sent
    seeded.config["QUESTIONNAIRE_REMINDER_HOUR"] = 23
    plan(questionnaire, user)
    plan(questionnaire, user, local_today() + timedelta(days=1))  # not yet
    db.session.commit()
    result = seeded.test_cli_runner().invoke(args=["questionnaires", "remind"])
    assert result.exit_code == 0, result.output
    assert "written as .eml files" in result.output
    statuses = db.session.scalars(
        select(QuestionnaireReminder.status).order_by(QuestionnaireReminder.send_on)
    ).all()
    assert statuses == [ReminderStatus.SENT, ReminderStatus.PLANNED]
    result = seeded.test_cli_runner().invoke(args=["questionnaires", "remind"])
    assert "no reminders due" in result.output


def test_the_reminders_page_plans_and_cancels(sent, seeded, client):
    w, questionnaire, _user, _links = sent
    email_address = db.session.get(User, w.user).email
    db.session.commit()
    login(client, email_address)
    base = f"/enkater/{questionnaire.id}/paminnelser"
    page = client.get(base)
    assert page.status_code == 200 and "2 organisationer har inte svarat än." in page.text
    day = (local_today() + timedelta(days=2)).isoformat()
    response = client.post(base, data={"send_on": day, "subject": "Påminnelse", "body": REMINDER})
    assert response.status_code == 302
    page = client.get(base)
    assert day in page.text and "Planerad" in page.text
    response = client.post(base, data={"send_on": "2000-01-01", "subject": "P", "body": REMINDER})
    assert response.status_code == 200 and "Dagen har redan passerat." in response.text
    reminder_id = db.session.scalar(select(QuestionnaireReminder.id))
    db.session.commit()
    assert client.post(f"{base}/{reminder_id}/avbryt").status_code == 302
    assert "Avbruten" in client.get(base).text
    assert client.post(f"{base}/999/avbryt").status_code == 404
    assert f"{day}: Avbruten" in client.get(f"/enkater/{questionnaire.id}").text


def test_the_reminders_page_says_a_reminder_for_today_after_the_hour_goes_at_the_next_check(
    sent, seeded, client
):
    w, questionnaire, _user, _links = sent
    email_address = db.session.get(User, w.user).email
    db.session.commit()
    seeded.config["QUESTIONNAIRE_REMINDER_HOUR"] = 0  # the hour has always passed today
    login(client, email_address)
    base = f"/enkater/{questionnaire.id}/paminnelser"
    page = client.get(base)
    assert "klockan 00.00 till de organisationer" in page.text
    assert "skickas vid nästa kontroll: inom en minut om en bakgrundsarbetare körs" in page.text
    today = local_today().isoformat()
    response = client.post(
        base,
        data={"send_on": today, "subject": "Påminnelse", "body": REMINDER},
        follow_redirects=True,
    )
    assert f"Påminnelsen är planerad till {today}. Klockan har passerat 00.00" in response.text
    # The next check (the periodic task's function) sends it.
    with seeded.test_request_context():
        assert len(reminders.send_due_reminders()) == 1
