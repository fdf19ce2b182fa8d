"""Sending a questionnaire: recipients chosen with the organisation list's filters (one per
organisation, the default address rule, a picked contact, not reachable ones), the readiness
checks, the lock, and the mailing whose every message carries a distinct working link (kept
only hashed) — as .eml files without SMTP, and through a real SMTP sink with tasks run at
once."""

from __future__ import annotations

import email
import io
import re
import zipfile
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.auth.models import User
from app.common.time import local_today
from app.extensions import db
from app.mailings import outgoing
from app.mailings import services as mailing_services
from app.mailings.models import Mailing, MailingRecipient, MailingStatus, RecipientStatus
from app.questionnaires import links, sending, services
from app.questionnaires.models import (
    Question,
    QuestionKind,
    Questionnaire,
    QuestionnaireLink,
    QuestionnaireRecipient,
    QuestionnaireStatus,
)
from app.questionnaires.services import QuestionnaireLocked, QuestionnaireValues

from ..conftest import login
from ..smtp_sink import smtp_sink
from .sending_world import UPPSALA_KOMMUNER, world  # noqa: F401  (the fixture)

LINK = re.compile(r"http://enkat\.example\.se/svar/([A-Za-z0-9_-]{43})")
BODY = "Hej {namn} på {organisation}! Svara senast {sista_dag}: {länk}"


@pytest.fixture
def app_config(app_config):
    return {**app_config, "PUBLIC_URL": "http://enkat.example.se"}


@pytest.fixture
def env(seeded, world):  # noqa: F811
    with seeded.test_request_context():
        yield world
        db.session.rollback()


def the(world):  # noqa: F811
    return db.session.get(Questionnaire, world.questionnaire), db.session.get(User, world.user)


def test_one_recipient_per_organisation_of_the_filtered_county_with_the_default_rule(env):
    choice = sending.choose_recipients(UPPSALA_KOMMUNER)
    assert choice.matched == 8
    chosen = {item.organisation.id: item.chosen for item in choice.reachable}
    k = env.kommuner
    assert env.elsewhere not in chosen  # another county: the filter leaves it out
    assert set(chosen) == {k[0], k[1], k[2]}
    assert chosen[k[0]].address == "registrator@forsta.example.se"
    assert chosen[k[1]].address == "kommun@andra.example.se"  # the mailbox before a contact
    assert chosen[k[1]].contact_id is None
    assert chosen[k[2]].contact_id == env.first_by_name  # Berg before Öst
    assert len(next(i for i in choice.reachable if i.organisation.id == k[2]).options) == 2
    unreachable = {organisation.id for organisation, _reason in choice.unreachable}
    assert unreachable == set(k[3:])  # the opted-out contact does not count as an address


def test_a_picked_contact_and_a_shared_address(env):
    k = env.kommuner
    choice = sending.choose_recipients(UPPSALA_KOMMUNER, {k[1]: env.picked_contact, k[0]: 999})
    chosen = {item.organisation.id: item.chosen for item in choice.reachable}
    assert chosen[k[1]].address == "karin.ek@andra.example.se"
    assert chosen[k[0]].address == "registrator@forsta.example.se"  # unknown pick: default

    from app.organisations.models import Organisation

    db.session.get(Organisation, k[4]).mailbox = "REGISTRATOR@forsta.example.se"
    db.session.flush()
    choice = sending.choose_recipients(UPPSALA_KOMMUNER)
    addresses = [item.chosen.address.lower() for item in choice.reachable]
    assert len(addresses) == len(set(addresses)) == 3
    assert k[4] in {organisation.id for organisation, _reason in choice.unreachable}


def test_saving_adds_to_the_recipients_and_keeps_those_chosen_with_their_address(env):
    questionnaire, user = the(env)
    k = env.kommuner
    first = sending.save_recipients(
        questionnaire, criteria=UPPSALA_KOMMUNER, picks={k[1]: env.picked_contact}, by=user
    )
    assert {item.organisation.id for item in first.reachable} == set(k[:3])
    # Stockholm's county next: added, Uppsala's kept.
    second = sending.save_recipients(
        questionnaire, criteria={"lan": "01", "typ": "kommun"}, by=user
    )
    assert [item.organisation.id for item in second.reachable] == [env.elsewhere]
    # Uppsala again, now picking the mailbox for k[1]: nothing new, the contact stays.
    again = sending.save_recipients(
        questionnaire, criteria=UPPSALA_KOMMUNER, picks={k[1]: sending.MAILBOX}, by=user
    )
    assert again.reachable == [] and {o.id for o in again.kept} == set(k[:3])
    assert again.matched == 8
    saved = sending.recipients_of(questionnaire)
    assert sorted(r.organisation_id for r in saved) == sorted([*k[:3], env.elsewhere])
    picked = next(r for r in saved if r.organisation_id == k[1])
    assert (picked.contact_id, picked.address) == (env.picked_contact, "karin.ek@andra.example.se")


def test_an_address_already_chosen_is_not_given_to_a_second_organisation(env):
    questionnaire, user = the(env)
    k = env.kommuner
    sending.save_recipients(questionnaire, criteria=UPPSALA_KOMMUNER, by=user)
    from app.organisations.models import Organisation

    # Stockholm's first municipality now shares Uppsala's first mailbox.
    db.session.get(Organisation, env.elsewhere).mailbox = "Registrator@forsta.example.se"
    db.session.flush()
    choice = sending.save_recipients(
        questionnaire, criteria={"lan": "01", "typ": "kommun"}, by=user
    )
    assert env.elsewhere in {organisation.id for organisation, _reason in choice.unreachable}
    assert len(sending.recipients_of(questionnaire)) == 3
    assert k[0] in sending.chosen_addresses(questionnaire)


def test_removing_one_or_all_recipients_of_a_draft(env):
    questionnaire, user = the(env)
    k = env.kommuner
    sending.save_recipients(questionnaire, criteria=UPPSALA_KOMMUNER, by=user)
    sending.save_recipients(questionnaire, criteria={"lan": "01", "typ": "kommun"}, by=user)
    assert sending.remove_recipients(questionnaire, organisation_ids=[k[0]], by=user) == 1
    assert sending.remove_recipients(questionnaire, organisation_ids=[k[0]], by=user) == 0
    groups = sending.by_county(sending.recipients_of(questionnaire))
    assert [(g.name, len(g.recipients)) for g in groups] == [
        ("Stockholms län", 1),
        ("Uppsala län", 2),
    ]
    # Removed, it can be added again (with the default address).
    sending.save_recipients(questionnaire, criteria=UPPSALA_KOMMUNER, by=user)
    assert len(sending.recipients_of(questionnaire)) == 4
    assert sending.remove_recipients(questionnaire, by=user) == 4
    assert sending.recipients_of(questionnaire) == []


def test_a_sent_questionnaires_recipients_cannot_change(env):
    questionnaire, user = the(env)
    sending.save_recipients(questionnaire, criteria=UPPSALA_KOMMUNER, by=user)
    sending.send_questionnaire(questionnaire, subject="Enkät", body=BODY, by=user)
    with pytest.raises(QuestionnaireLocked):
        sending.remove_recipients(questionnaire, by=user)
    with pytest.raises(QuestionnaireLocked):
        sending.save_recipients(questionnaire, criteria={"lan": "01"}, by=user)
    assert len(sending.recipients_of(questionnaire)) == 3


def test_readiness_checks(env):
    questionnaire, user = the(env)
    sending.save_recipients(questionnaire, criteria=UPPSALA_KOMMUNER, by=user)
    assert sending.readiness_problems(questionnaire) == []

    questionnaire.closes_on = local_today() - timedelta(days=1)
    single = next(q for s in questionnaire.sections for q in s.questions if q.kind.has_options)
    single.options = []
    problems = sending.readiness_problems(questionnaire)
    assert "Sista svarsdagen har redan passerat." in problems
    assert any(single.text in p for p in problems)
    with pytest.raises(sending.NotReady):
        sending.send_questionnaire(questionnaire, subject="Enkät", body=BODY, by=user)
    assert questionnaire.status is QuestionnaireStatus.DRAFT

    questionnaire.closes_on = None
    assert "Ange sista svarsdag." in sending.readiness_problems(questionnaire)

    empty = services.create_questionnaire(values=QuestionnaireValues(title="Tom"), by=user)
    empty.closes_on = local_today()
    assert sending.readiness_problems(empty) == ["Enkäten har inga frågor."]
    with pytest.raises(sending.NotReady, match="Välj mottagare"):
        sending.send_questionnaire(empty, subject="Enkät", body=BODY, by=user)


def test_the_message_must_carry_the_link_and_know_its_placeholders(env):
    questionnaire, user = the(env)
    sending.save_recipients(questionnaire, criteria=UPPSALA_KOMMUNER, by=user)
    with pytest.raises(sending.NotReady, match="länk"):
        sending.send_questionnaire(questionnaire, subject="Enkät", body="Hej {namn}", by=user)
    with pytest.raises(mailing_services.InvalidMailing, match=r"\{okänd\}"):
        sending.send_questionnaire(questionnaire, subject="Enkät", body="{länk} {okänd}", by=user)
    assert questionnaire.status is QuestionnaireStatus.DRAFT


def sent(env) -> tuple[Questionnaire, Mailing]:
    questionnaire, user = the(env)
    sending.save_recipients(questionnaire, criteria=UPPSALA_KOMMUNER, by=user)
    mailing = sending.send_questionnaire(
        questionnaire, subject="Enkät till {organisation}", body=BODY, by=user
    )
    return questionnaire, mailing


def test_sending_locks_the_questionnaire_and_makes_a_mailing_to_each_organisation(env):
    questionnaire, mailing = sent(env)
    assert questionnaire.status is QuestionnaireStatus.SENT and questionnaire.locked
    assert questionnaire.sent_at is not None
    assert mailing.questionnaire_id == questionnaire.id
    assert mailing.status is MailingStatus.FILES  # no SMTP server set up
    rows = db.session.scalars(
        select(MailingRecipient).where(MailingRecipient.mailing_id == mailing.id)
    ).all()
    assert sorted(r.organisation_id for r in rows) == sorted(env.kommuner[:3])
    # The builder's services refuse edits from now on.
    user = db.session.get(User, env.user)
    with pytest.raises(QuestionnaireLocked):
        services.update_questionnaire(
            questionnaire,
            values=QuestionnaireValues(title="Ny", closes_on=questionnaire.closes_on),
            expected_version=questionnaire.version,
            by=user,
        )
    with pytest.raises(QuestionnaireLocked):
        sending.save_recipients(questionnaire, criteria=UPPSALA_KOMMUNER, by=user)
    with pytest.raises(QuestionnaireLocked):
        sending.send_questionnaire(questionnaire, subject="Igen", body=BODY, by=user)


def eml_messages(mailing: Mailing) -> list[email.message.Message]:
    target = io.BytesIO()
    outgoing.write_eml_zip(mailing, target)
    with zipfile.ZipFile(target) as archive:
        return [email.message_from_bytes(archive.read(name)) for name in archive.namelist()]


def test_each_message_has_a_distinct_working_link_kept_only_hashed(env):
    questionnaire, mailing = sent(env)
    # The mailing page's preview makes no link.
    first = db.session.scalars(
        select(MailingRecipient).where(MailingRecipient.mailing_id == mailing.id)
    ).first()
    _subject, preview = outgoing.preview_text(mailing, first)
    assert "[mottagarens personliga länk]" in preview
    assert not db.session.scalars(select(QuestionnaireLink)).all()

    messages = eml_messages(mailing)
    assert len(messages) == 3
    tokens = {}
    for message in messages:
        text = message.get_payload(decode=True).decode()
        assert questionnaire.closes_on.isoformat() in text
        (token,) = LINK.findall(text)
        tokens[message["To"]] = token
    assert len(set(tokens.values())) == 3
    stored = db.session.scalars(select(QuestionnaireLink)).all()
    assert {link.token_hash for link in stored} == {links.hash_token(t) for t in tokens.values()}
    assert all(link.mailing_id == mailing.id for link in stored)
    columns = [
        str(value)
        for link in stored
        for value in (link.token_hash, link.recipient_id, link.mailing_id)
    ]
    assert not set(tokens.values()) & set(columns)  # the token itself is nowhere
    for to, token in tokens.items():
        recipient = links.find_recipient(token)
        assert recipient is not None and recipient.address in to


def test_the_eml_download_keeps_the_links(seeded, world, client):  # noqa: F811
    with seeded.test_request_context():
        questionnaire, user = the(world)
        sending.save_recipients(questionnaire, criteria=UPPSALA_KOMMUNER, by=user)
        mailing = sending.send_questionnaire(questionnaire, subject="Enkät", body=BODY, by=user)
        db.session.commit()
        mailing_id, email_address = mailing.id, user.email
    login(client, email_address)
    response = client.get(f"/utskick/{mailing_id}/e-postfiler.zip")
    assert response.status_code == 200
    data = response.data
    response.close()  # the spooled file behind it
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        texts = [
            email.message_from_bytes(archive.read(name)).get_payload(decode=True).decode()
            for name in archive.namelist()
        ]
    tokens = [LINK.search(text).group(1) for text in texts]
    with seeded.test_request_context():
        found = [links.find_recipient(token) for token in tokens]
        assert {r.organisation_id for r in found} == set(world.kommuner[:3])
    assert client.get(f"/svar/{tokens[0]}").status_code == 200


def test_pages_pick_send_and_land_on_the_mailing(seeded, world, client):  # noqa: F811
    with seeded.app_context():
        email_address = db.session.get(User, world.user).email
    login(client, email_address)
    base = f"/enkater/{world.questionnaire}"
    page = client.get(f"{base}/mottagare?lan=03&typ=kommun")
    assert page.status_code == 200
    assert "8 organisationer matchar urvalet." in page.text
    assert "Kan inte nås" in page.text and "karin.ek@andra.example.se" in page.text
    response = client.post(
        f"{base}/mottagare?lan=03&typ=kommun",
        data={f"kontakt-{world.kommuner[1]}": str(world.picked_contact), "kontakt-x": "1"},
    )
    # Back to the recipients (to add another county), which lists those chosen.
    assert response.status_code == 302 and response.location.endswith(f"{base}/mottagare#valda")
    page = client.get(f"{base}/mottagare")
    assert "3 mottagare är tillagda." in page.text
    assert "Valda mottagare: 3" in page.text and "karin.ek@andra.example.se" in page.text
    page = client.get(f"{base}/skicka")
    assert "Skicka till 3 organisationer" in page.text and "{länk}" in page.text
    response = client.post(f"{base}/skicka", data={"subject": "Enkät", "body": BODY})
    assert response.status_code == 302 and "/utskick/" in response.location
    assert client.get(response.location).status_code == 200
    detail = client.get(base)
    assert detail.status_code == 200 and "Har inte svarat" in detail.text
    # Locked: the pages lead back to the questionnaire.
    assert client.get(f"{base}/skicka").status_code == 302
    with seeded.app_context():
        picked = db.session.scalar(
            select(QuestionnaireRecipient).where(
                QuestionnaireRecipient.organisation_id == world.kommuner[1]
            )
        )
        assert picked.contact_id == world.picked_contact


def test_a_reader_cannot_send(seeded, world, as_role):  # noqa: F811
    client = as_role("reader")
    base = f"/enkater/{world.questionnaire}"
    assert client.get(f"{base}/mottagare?lan=03").status_code == 403
    assert client.post(f"{base}/skicka", data={"subject": "x", "body": "{länk}"}).status_code == 403


def test_through_a_real_smtp_sink_each_organisation_gets_its_own_link(seeded, world, client):  # noqa: F811
    with smtp_sink() as (sink, port):
        seeded.config.update(
            MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_DEFAULT_SENDER="samverkan@example.se"
        )
        with seeded.app_context():
            email_address = db.session.get(User, world.user).email
        login(client, email_address)
        base = f"/enkater/{world.questionnaire}"
        client.post(f"{base}/mottagare?lan=03&typ=kommun", data={})
        response = client.post(f"{base}/skicka", data={"subject": "Enkät", "body": BODY})
        assert response.status_code == 302
        assert len(sink.received) == 3
        tokens = {}
        for envelope in sink.received:
            text = email.message_from_bytes(envelope.content).get_payload(decode=True).decode()
            tokens[envelope.rcpt_tos[0]] = LINK.search(text).group(1)
    assert len(set(tokens.values())) == 3
    with seeded.test_request_context():
        for address, token in tokens.items():
            assert links.find_recipient(token).address == address
        mailing = db.session.scalar(select(Mailing).where(Mailing.questionnaire_id.isnot(None)))
        assert mailing.status is MailingStatus.DONE
        statuses = db.session.scalars(
            select(MailingRecipient.status).where(MailingRecipient.mailing_id == mailing.id)
        ).all()
        assert statuses == [RecipientStatus.SENT] * 3


def test_choice_questions_need_options_to_be_ready(env):
    questionnaire, _user = the(env)
    question = db.session.scalar(
        select(Question).where(
            Question.questionnaire_id == questionnaire.id, Question.kind == QuestionKind.MULTIPLE
        )
    )
    question.options = []
    assert sending.readiness_problems(questionnaire) == [
        f"Frågan ”{question.text}” saknar svarsalternativ."
    ]


def test_the_send_page_says_which_links_start_with_which_address(
    seeded,
    world,  # noqa: F811
    client,
):
    seeded.config.update(
        MAIL_SERVER="127.0.0.1", MAIL_PORT=2525, PUBLIC_URL=None, TASKS_IMMEDIATE=False
    )
    with seeded.app_context():
        email_address = db.session.get(User, world.user).email
    login(client, email_address)
    base = f"/enkater/{world.questionnaire}"
    client.post(f"{base}/mottagare?lan=03&typ=kommun", data={})  # 3 recipients

    def notice() -> str:
        page = client.get(f"{base}/skicka").text
        found = page.find('id="link-notice"')
        start = page.rfind("<p", 0, found)
        return " ".join(page[start : page.find("</p>", start)].split()) if found > 0 else ""

    # Workers send: every link, and the reminders', starts with the default.
    text = notice()
    assert "meddelandena och påminnelserna skickas av bakgrundsarbetarna" in text
    assert "http://localhost:5000/svar" in text and 'role="alert"' in text
    # Sent in this request (tasks run in the process): its own address, but not reminders'.
    seeded.config.update(TASKS_IMMEDIATE=True, MAILING_BATCH_PAUSE=2, MAILING_BATCH_SIZE=50)
    text = notice()
    assert "De 3 meddelandena skickas direkt av den här sidan" in text
    assert "börjar med http://localhost/svar, adressen du använder nu" in text
    assert "Påminnelser skickas däremot av bakgrundsarbetarna" in text
    assert "http://localhost:5000/svar" in text and 'role="alert"' not in text
    # Batches after the first are scheduled for a worker.
    seeded.config.update(MAILING_BATCH_SIZE=2)
    text = notice()
    assert "De första 2 meddelandena skickas direkt av den här sidan" in text
    assert "de övriga 1 och alla påminnelser" in text and 'role="alert"' in text
    # With no pause, every batch runs in the request.
    seeded.config.update(MAILING_BATCH_PAUSE=0)
    assert "De 3 meddelandena skickas direkt" in notice()
    seeded.config["PUBLIC_URL"] = "https://enkat.example.se"
    assert notice() == "" and "PUBLIC_URL" not in client.get(f"{base}/skicka").text
    seeded.config.update(PUBLIC_URL=None, MAIL_SERVER=None)  # .eml files: written in a request
    assert notice() == ""


def test_an_empty_filter_shows_whom_it_chooses(seeded, world, client):  # noqa: F811
    with seeded.app_context():
        email_address = db.session.get(User, world.user).email
    login(client, email_address)
    base = f"/enkater/{world.questionnaire}/mottagare"
    assert "matchar urvalet" not in client.get(base).text
    page = client.get(f"{base}?q=&typ=&lan=&steg=")
    assert "organisationer matchar urvalet." in page.text
