"""Mailings, services directly: choosing recipients with the list filters (role or tag, else
the functional mailbox; opt-outs honoured; no address listed), sending through a real SMTP
sink with tasks run at once, failures resent, a worker's takeover marking "skickas" as
"osäker", and the .eml files confirmed as sent. Each message sent is a delivery."""

from __future__ import annotations

import email
import io
import zipfile
from datetime import timedelta
from email import policy

import pytest
from sqlalchemy import select

from app.common.time import utcnow
from app.extensions import db
from app.library.models import Channel, Delivery
from app.mailings import messages, outgoing, sending, services
from app.mailings.models import (
    Audience,
    Mailing,
    MailingRecipient,
    MailingStatus,
    RecipientStatus,
)
from app.organisations.models import Organisation
from app.tasks.jobs import queue_mailing

from .conftest import UPPSALA


def new_mailing(world, **overrides):
    from app.auth.models import User

    values = services.MailingValues(
        subject="Ny vägledning till {organisation}",
        body="Hej {namn},\n\nHär är vägledningen för {organisation}.",
        audience=Audience.ORGANISATIONS,
        criteria={"lan": UPPSALA, "typ": "kommun"},
        role="socialchef",
        version_id=world["version"],
    )
    for key, value in overrides.items():
        setattr(values, key, value)
    mailing, choice = services.create_mailing(values=values, by=db.session.get(User, world["user"]))
    db.session.commit()
    return mailing, choice


def test_the_list_filters_choose_contacts_by_role_else_the_mailbox(ctx, world):
    _mailing, choice = new_mailing(world)
    addresses = [r.address for r in choice.recipients]
    # The socialchef (not the opted-out deputy), then the two mailboxes; nothing else.
    assert sorted(addresses) == ["anna@third.se", "kommun@second.se", "registrator@first.se"]
    assert [name for _id, name in choice.opted_out] == ["Nils Nej"]
    assert len(choice.without_address) == len(world["kommuner"]) - 3
    assert {kind for kind, _id, _name in choice.without_address} == {"organisation"}
    anna = next(r for r in choice.recipients if r.contact_id == world["chef"])
    assert anna.name == "Anna Chef" and anna.organisation_name.endswith("kommun")


def test_a_fixed_address_is_chosen_again(ctx, world):
    mailing, choice = new_mailing(world)
    missing_id = choice.without_address[0][1]
    db.session.get(Organisation, missing_id).mailbox = "ny@kommun.se"
    again = services.choose_again(mailing)
    assert "ny@kommun.se" in [r.address for r in again.recipients]
    assert len(again.without_address) == len(choice.without_address) - 1


def test_unknown_placeholders_are_refused(ctx, world):
    with pytest.raises(services.InvalidMailing, match=r"\{namm\}"):
        new_mailing(world, body="Hej {namm}")
    assert messages.fill("Hej {namn} på {organisation}", name="A", organisation="B") == (
        "Hej A på B"
    )


def test_a_mailing_is_sent_once_to_each_with_a_delivery_each(ctx, world, smtp):
    mailing, _choice = new_mailing(world)
    services.start_mailing(mailing, by=mailing.created_by)
    db.session.commit()
    assert mailing.status is MailingStatus.SENDING
    queue_mailing(mailing.id)  # tasks run at once in the tests
    db.session.expire_all()
    rows = db.session.scalars(select(MailingRecipient)).all()
    assert {r.status for r in rows} == {RecipientStatus.SENT}
    assert db.session.get(Mailing, mailing.id).status is MailingStatus.DONE
    received = sorted(rcpt for e in smtp.received for rcpt in e.rcpt_tos)
    assert received == sorted(r.address for r in rows)
    message = email.message_from_bytes(
        next(e.content for e in smtp.received if e.rcpt_tos == ["anna@third.se"]),
        policy=policy.default,
    )
    assert message["Subject"].startswith("Ny vägledning till ")
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert body.startswith("Hej Anna Chef,")
    assert "<img" not in body and "http" not in body  # no tracking, nothing to click
    assert [p.get_filename() for p in message.iter_attachments()] == ["vagledning.pdf"]
    deliveries = db.session.scalars(select(Delivery)).all()
    assert len(deliveries) == 3
    assert {d.channel for d in deliveries} == {Channel.MAILING}
    assert {r.delivery_id for r in rows} == {d.id for d in deliveries}
    # "Those without the version" leaves them out next time.
    _again, choice = new_mailing(world, lacking_only=True)
    assert choice.recipients == []


def test_refused_recipients_fail_with_the_reason_and_are_resent(ctx, world, smtp):
    original = smtp.handle_DATA
    refused = {"kommun@second.se"}

    async def refuse_some(server, session, envelope):
        if set(envelope.rcpt_tos) & refused:
            return "550 Mailbox unavailable"
        return await original(server, session, envelope)

    smtp.handle_DATA = refuse_some
    mailing, _choice = new_mailing(world)
    services.start_mailing(mailing, by=mailing.created_by)
    db.session.commit()
    queue_mailing(mailing.id)
    db.session.expire_all()
    failed = db.session.scalars(
        select(MailingRecipient).where(MailingRecipient.status == RecipientStatus.FAILED)
    ).all()
    assert [r.address for r in failed] == ["kommun@second.se"]
    assert "550" in failed[0].reason
    refused.clear()
    assert services.requeue(mailing, statuses=(RecipientStatus.FAILED,)) == 1
    db.session.commit()
    queue_mailing(mailing.id)
    db.session.expire_all()
    assert {r.status for r in db.session.scalars(select(MailingRecipient))} == {
        RecipientStatus.SENT
    }
    assert sum(1 for e in smtp.received if e.rcpt_tos == ["kommun@second.se"]) == 1


def test_a_takeover_marks_what_was_being_sent_uncertain_and_sends_the_rest(ctx, world, smtp):
    mailing, _choice = new_mailing(world)
    services.start_mailing(mailing, by=mailing.created_by)
    first = db.session.scalars(
        select(MailingRecipient).order_by(MailingRecipient.id).limit(1)
    ).one()
    # A worker took the first recipient, then died: its lease ran out.
    first.status = RecipientStatus.SENDING
    mailing.lease_token, mailing.lease_until = "dead", utcnow() - timedelta(seconds=1)
    db.session.commit()
    # A live worker's lease is respected.
    mailing.lease_until = utcnow() + timedelta(seconds=60)
    db.session.commit()
    assert sending.send_batch(mailing.id, "other").claimed is False
    mailing.lease_until = utcnow() - timedelta(seconds=1)
    db.session.commit()
    result = sending.send_all(mailing.id)
    assert result.sent == 2
    db.session.expire_all()
    assert db.session.get(MailingRecipient, first.id).status is RecipientStatus.UNCERTAIN
    assert first.address not in [r for e in smtp.received for r in e.rcpt_tos]
    # A person decides: it did arrive.
    services.settle_uncertain(
        db.session.get(MailingRecipient, first.id), sent=True, by=mailing.created_by
    )
    db.session.commit()
    assert db.session.get(Mailing, mailing.id).status is MailingStatus.DONE
    assert len(db.session.scalars(select(Delivery)).all()) == 3


def test_without_smtp_the_messages_are_eml_files_logged_once_confirmed(ctx, world):
    mailing, _choice = new_mailing(world)
    services.start_mailing(mailing, by=mailing.created_by)
    db.session.commit()
    assert mailing.status is MailingStatus.FILES
    buffer = io.BytesIO()
    assert outgoing.write_eml_zip(mailing, buffer) == 3
    with zipfile.ZipFile(buffer) as archive:
        names = archive.namelist()
        parsed = email.message_from_bytes(archive.read(names[0]), policy=policy.default)
    assert len(names) == 3 and all(n.endswith(".eml") for n in names)
    assert parsed["To"] and parsed.get_body(preferencelist=("plain",)).get_content().startswith(
        "Hej "
    )
    assert db.session.scalars(select(Delivery)).all() == []
    assert services.confirm_files_sent(mailing, by=mailing.created_by) == 3
    db.session.commit()
    assert mailing.status is MailingStatus.DONE
    assert len(db.session.scalars(select(Delivery)).all()) == 3


def test_an_unreachable_server_leaves_everyone_queued(ctx, world, app):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=1, MAIL_TIMEOUT=2)
    mailing, _choice = new_mailing(world)
    services.start_mailing(mailing, by=mailing.created_by)
    db.session.commit()
    queue_mailing(mailing.id)
    db.session.expire_all()
    assert {r.status for r in db.session.scalars(select(MailingRecipient))} == {
        RecipientStatus.QUEUED
    }
    assert "e-postservern" in db.session.get(Mailing, mailing.id).last_error


def test_contacts_audience_uses_the_contact_list_filters(ctx, world):
    _mailing, choice = new_mailing(
        world, audience=Audience.CONTACTS, criteria={"q": "chef"}, role=""
    )
    # "chef" finds Anna Chef by name; Nils (opted out) is not found by "chef" anyway.
    assert [r.address for r in choice.recipients] == ["anna@third.se"]
