"""Sending digests through a real SMTP server (tests/smtp_sink.py): one a day per user
however often it runs (also two runs at once), nothing for those who have not asked, nothing
without SMTP, nothing on a day with nothing to remind of; the message in text and HTML."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, time
from email import message_from_bytes, policy

import pytest
from sqlalchemy import func, select

from app.common.time import local_to_utc
from app.digest.models import DigestDelivery
from app.digest.sending import claim, send_digests
from app.extensions import db
from app.organisations.models import OrganisationKind

from ..factories import make_organisation, make_user
from ..smtp_sink import smtp_sink
from .builders import follow_up, make_reader, meeting, plan

TODAY = date(2026, 6, 18)
MORNING = local_to_utc(TODAY, time(7, 5))


@pytest.fixture
def sink(app):
    with smtp_sink() as (handler, port):
        app.config.update(
            MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_DEFAULT_SENDER="samverkan@example.se"
        )
        yield handler


def parsed(envelope):
    return message_from_bytes(envelope.content, policy=policy.default)


def rows() -> int:
    return db.session.scalar(select(func.count()).select_from(DigestDelivery))


def test_the_digest_reaches_the_user_in_text_and_html(ctx, sink):
    me = make_reader(name="Karin Öberg", email="karin@example.se")
    follow_up(me, "Ringa Kramfors kommun", date(2026, 6, 10))
    follow_up(me, "Skicka broschyren", date(2026, 6, 22))
    meeting(me, "Dialog med Ånge", date(2026, 6, 19), at=time(13))
    silent = make_organisation(name="Ånge kommun", kind=OrganisationKind.KOMMUN)
    plan(me, "Västernorrland", date(2026, 9, 30), [(silent, None)])
    db.session.commit()
    ctx.config["APP_URL"] = "https://samverkan.example.se/"

    run = send_digests(now=MORNING)

    assert (run.sent, run.failed) == (1, 0)
    [envelope] = sink.received
    assert envelope.rcpt_tos == ["karin@example.se"]
    message = parsed(envelope)
    assert message["Subject"] == "Samverkan: din sammanfattning 2026-06-18"
    assert message["To"].addresses[0].display_name == "Karin Öberg"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Hej Karin Öberg," in text
    assert "Försenade uppföljningar: 1" in text
    assert "2026-06-10  Ringa Kramfors kommun" in text
    assert "Förfaller till och med" in text and "Skicka broschyren" in text
    assert "13:00–14:00  Dialog med Ånge (Organisation för Dialog med Ånge)" in text
    assert "https://samverkan.example.se/uppfoljningar/" in text
    assert "Tysta i dina kontaktplaner (inget genomfört möte på 6 månader): 1" in text
    assert "- Ånge kommun, aldrig möte hållet · Västernorrland" in text
    assert "https://samverkan.example.se/rapporter/tystnad?manader=6" in text
    assert "https://samverkan.example.se/konto" in text
    assert '<a href="https://samverkan.example.se/moten/' in html
    assert "Ringa Kramfors kommun" in html and "<h2" in html
    delivery = db.session.scalar(select(DigestDelivery))
    assert delivery.day == TODAY and delivery.items == 4 and delivery.sent_at is not None


def test_in_the_users_language(ctx, sink):
    me = make_reader()
    me.locale = "en"
    follow_up(me, "Call", date(2026, 6, 10))
    db.session.commit()
    send_digests(now=MORNING)
    message = parsed(sink.received[0])
    # The English catalogue may not have these strings yet: then Swedish, never an error.
    assert message["Subject"].startswith("Samverkan: ")
    assert "Call" in message.get_body(("plain",)).get_content()


def test_two_runs_one_message_and_tomorrow_another(ctx, sink):
    me = make_reader()
    follow_up(me, "Försenad", date(2026, 6, 1))
    db.session.commit()
    assert send_digests(now=MORNING).sent == 1
    again = send_digests(now=local_to_utc(TODAY, time(18)))
    assert (again.sent, again.taken) == (0, 0)
    assert len(sink.received) == 1
    assert send_digests(now=local_to_utc(date(2026, 6, 19), time(7))).sent == 1
    assert len(sink.received) == 2


def test_a_claimed_day_is_not_claimed_again(ctx):
    me = make_reader()
    db.session.commit()
    assert claim(me.id, TODAY, MORNING) is not None
    db.session.commit()
    assert claim(me.id, TODAY, MORNING) is None
    db.session.rollback()
    assert rows() == 1


def test_two_runs_at_once_send_each_user_one_message(app, make_app, sink):
    with app.app_context():
        people = [make_reader() for _ in range(12)]
        for person in people:
            follow_up(person, "Försenad", date(2026, 6, 1))
        emails = sorted(person.email for person in people)
        db.session.commit()
    others = [make_app(**{k: app.config[k] for k in ("MAIL_SERVER", "MAIL_PORT")}) for _ in "ab"]
    start = threading.Barrier(2)
    runs = []

    def run(application):
        with application.app_context():
            start.wait()
            runs.append(send_digests(now=MORNING))
            db.session.remove()

    threads = [threading.Thread(target=run, args=(other,)) for other in others]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(runs) == 2
    assert sum(r.sent for r in runs) == 12 and not any(r.failed for r in runs)
    addresses = sorted(rcpt for envelope in sink.received for rcpt in envelope.rcpt_tos)
    assert addresses == emails


def test_off_by_default_and_opted_out_get_nothing(ctx, sink):
    never = make_reader(enabled=False)
    assert never.digest_enabled is False
    fresh = make_user()
    assert fresh.digest_enabled is False
    inactive = make_reader()
    for person in (never, fresh, inactive):
        follow_up(person, "Försenad", date(2026, 6, 1))
    inactive.active = False
    db.session.commit()
    run = send_digests(now=MORNING)
    assert run.sent == 0 and sink.received == [] and rows() == 0


def test_nothing_to_remind_of_sends_nothing_once(ctx, sink):
    make_reader()
    db.session.commit()
    assert send_digests(now=MORNING).empty == 1
    assert send_digests(now=MORNING).empty == 0  # the day is done
    assert sink.received == [] and rows() == 1


def test_nothing_without_smtp_and_the_day_stays_open(ctx):
    me = make_reader()
    follow_up(me, "Försenad", date(2026, 6, 1))
    db.session.commit()
    ctx.config["MAIL_SERVER"] = None
    run = send_digests(now=MORNING)
    assert run.sent == 0 and "MAIL_SERVER" in run.skipped
    assert rows() == 0
    with smtp_sink() as (handler, port):
        ctx.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
        assert send_digests(now=MORNING).sent == 1
        assert len(handler.received) == 1


def test_a_refused_message_is_tried_again_later(ctx):
    me = make_reader()
    follow_up(me, "Försenad", date(2026, 6, 1))
    db.session.commit()
    with smtp_sink() as (_handler, port):
        pass  # the port is free again: nobody listens there
    ctx.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_TIMEOUT=2)
    assert send_digests(now=MORNING).failed == 1
    assert rows() == 0
    with smtp_sink() as (handler, port):
        ctx.config["MAIL_PORT"] = port
        assert send_digests(now=MORNING).sent == 1
        assert len(handler.received) == 1


def test_not_before_the_hour_unless_asked(ctx, sink):
    me = make_reader()
    follow_up(me, "Försenad", date(2026, 6, 1))
    db.session.commit()
    ctx.config["DIGEST_HOUR"] = 8
    early = local_to_utc(TODAY, time(7, 59))
    assert "08:00" in send_digests(now=early).skipped
    assert send_digests(now=early, ignore_hour=True).sent == 1


def test_the_day_is_the_stockholm_day(ctx, sink):
    me = make_reader()
    follow_up(me, "Försenad", date(2026, 6, 1))
    db.session.commit()
    # 23:30 UTC on the 17th is 01:30 on the 18th in Stockholm.
    send_digests(now=datetime(2026, 6, 17, 23, 30, tzinfo=UTC), ignore_hour=True)
    assert db.session.scalar(select(DigestDelivery.day)) == TODAY
