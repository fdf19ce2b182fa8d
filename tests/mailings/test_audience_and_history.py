"""Mailings, the edges: a contact with no current role, a contact who opts out after the
mailing was prepared, one history entry on the material per mailing (not one per message),
and no SQLite write lock held while a message is handed to the SMTP server."""

from __future__ import annotations

import email
import sqlite3
from email import policy

import pytest
from sqlalchemy import select

from app.audit.display import shown_history
from app.audit.models import AuditEvent
from app.contacts.services import ContactValues, create_contact
from app.extensions import db
from app.library.models import Delivery, Material
from app.mailings import outgoing, queries, services
from app.mailings.models import Audience, MailingRecipient, MailingStatus, RecipientStatus
from app.organisations.models import Organisation
from app.tasks.jobs import queue_mailing

from .test_services import new_mailing


def send(mailing) -> None:
    services.start_mailing(mailing, by=mailing.created_by)
    db.session.commit()
    queue_mailing(mailing.id)  # tasks run at once in the tests
    db.session.expire_all()


def mailing_entries(material_id: int) -> list[AuditEvent]:
    return [
        event
        for event in db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.entity_type == "materials", AuditEvent.entity_id == material_id)
            .order_by(AuditEvent.id)
        )
        if "mailing" in event.changes
    ]


def test_a_contact_with_no_current_role_is_sent_to_but_counts_for_no_organisation(ctx, world, smtp):
    create_contact(
        values=ContactValues(first_name="Rolf", last_name="Rollös", emails=["rolf@fri.se"]),
        by=None,
    )
    db.session.commit()
    mailing, choice = new_mailing(
        world, audience=Audience.CONTACTS, criteria={"q": "Rollös"}, role=""
    )
    assert [(r.address, r.organisation_id, r.organisation_name) for r in choice.recipients] == [
        ("rolf@fri.se", None, "")
    ]
    recipient = db.session.scalars(select(MailingRecipient)).one()
    # The preview fills {organisation} with nothing rather than failing.
    subject, text = outgoing.preview_text(mailing, recipient)
    assert subject == "Ny vägledning till " and text.startswith("Hej Rolf Rollös,")
    send(mailing)
    recipient = db.session.scalars(select(MailingRecipient)).one()
    assert recipient.status is RecipientStatus.SENT and recipient.delivery_id is None
    assert [e.rcpt_tos for e in smtp.received] == [["rolf@fri.se"]]
    # Information counts per organisation: with no role he informs none of them.
    assert db.session.scalars(select(Delivery)).all() == []
    (entry,) = mailing_entries(mailing.version.material_id)
    assert entry.changes["messages_sent"] == [None, 1]
    assert entry.changes["delivered_to"] == [None, []]


def test_a_contact_who_opts_out_after_the_mailing_is_prepared_is_not_sent_to(ctx, world, smtp):
    from app.contacts.models import Contact

    mailing, choice = new_mailing(world)
    assert "anna@third.se" in [r.address for r in choice.recipients]
    anna = db.session.get(Contact, world["chef"])
    services.set_opt_out(anna, opted_out=True, by=mailing.created_by)
    db.session.commit()
    send(mailing)
    rows = {r.address: r for r in db.session.scalars(select(MailingRecipient))}
    assert rows["anna@third.se"].status is RecipientStatus.FAILED
    assert rows["anna@third.se"].reason == "Kontakten vill inte få utskick."
    assert "anna@third.se" not in [a for e in smtp.received for a in e.rcpt_tos]
    assert sorted(a for e in smtp.received for a in e.rcpt_tos) == [
        "kommun@second.se",
        "registrator@first.se",
    ]
    assert rows["anna@third.se"].delivery_id is None
    # Resending the failures does not reach her either while her opt-out stands.
    assert services.requeue(mailing, statuses=(RecipientStatus.FAILED,)) == 1
    db.session.commit()
    queue_mailing(mailing.id)
    db.session.expire_all()
    assert "anna@third.se" not in [a for e in smtp.received for a in e.rcpt_tos]


def test_a_mailing_is_one_entry_in_the_materials_history_in_words(ctx, world, smtp):
    original = smtp.handle_DATA
    refused = {"kommun@second.se"}

    async def refuse_some(server, session, envelope):
        if set(envelope.rcpt_tos) & refused:
            return "550 Mailbox unavailable"
        return await original(server, session, envelope)

    smtp.handle_DATA = refuse_some
    mailing, _choice = new_mailing(world, subject="Vägledning version 1")
    material_id = mailing.version.material_id
    send(mailing)
    (entry,) = mailing_entries(material_id)
    first, second, third = (db.session.get(Organisation, i) for i in world["kommuner"][:3])
    assert entry.changes["messages_sent"] == [None, 2]
    assert sorted(entry.changes["delivered_to"][1]) == sorted([first.id, third.id])
    assert entry.actor_name == "Sara Samordnare"
    # Shown in people's words: the mailing's subject, the count, the organisations' names.
    shown = shown_history(db.session.get(Material, material_id))
    mailing_shown = [e for e in shown if any(c.label == "Utskick" for c in e.changes)]
    assert len(mailing_shown) == 1
    changes = {c.label: c.after for c in mailing_shown[0].changes}
    assert changes["Utskick"] == "Vägledning version 1"
    assert changes["Skickade meddelanden"] == "2"
    assert first.display_name in changes["Mottagare"]
    assert third.display_name in changes["Mottagare"]
    assert mailing_shown[0].note.startswith("Utskick, version 1, ")
    # The refused one resent: one more entry, for that message only.
    refused.clear()
    services.requeue(mailing, statuses=(RecipientStatus.FAILED,))
    db.session.commit()
    queue_mailing(mailing.id)
    db.session.expire_all()
    entries = mailing_entries(material_id)
    assert len(entries) == 2
    assert entries[1].changes["messages_sent"] == [None, 1]
    assert entries[1].changes["delivered_to"] == [None, [second.id]]


def test_no_write_lock_is_held_while_a_message_is_handed_over(ctx, world, smtp, app):
    """On SQLite, another writer (a web request, a second worker claiming a mailing) can
    write while the worker waits for the SMTP server."""
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if not uri.startswith("sqlite:///"):
        pytest.skip("SQLite's one write lock")
    path = uri.removeprefix("sqlite:///")
    original = smtp.handle_DATA
    locked = []

    async def write_meanwhile(server, session, envelope):
        other = sqlite3.connect(path, timeout=0.2, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
        except sqlite3.OperationalError as error:
            locked.append(str(error))
        finally:
            other.close()
        return await original(server, session, envelope)

    smtp.handle_DATA = write_meanwhile
    mailing, _choice = new_mailing(world)
    send(mailing)
    assert len(smtp.received) == 3
    assert locked == []
    assert queries.load_mailing(mailing.id).status is MailingStatus.DONE


def test_a_message_text_names_the_organisation(ctx, world, smtp):
    mailing, _choice = new_mailing(world)
    send(mailing)
    message = email.message_from_bytes(
        next(e.content for e in smtp.received if e.rcpt_tos == ["registrator@first.se"]),
        policy=policy.default,
    )
    first = db.session.get(Organisation, world["kommuner"][0])
    assert message["Subject"] == f"Ny vägledning till {first.display_name}"


def test_confirmed_eml_files_are_one_entry_by_who_confirmed(ctx, world):
    from app.auth.models import Role

    from ..factories import make_user

    mailing, _choice = new_mailing(world)
    services.start_mailing(mailing, by=mailing.created_by)
    confirming = make_user(role=Role.COORDINATOR, name="Olle Bekräftare")
    assert services.confirm_files_sent(mailing, by=confirming) == 3
    db.session.commit()
    (entry,) = mailing_entries(mailing.version.material_id)
    assert entry.actor_name == "Olle Bekräftare"
    assert entry.changes["messages_sent"] == [None, 3]
