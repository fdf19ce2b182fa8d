"""Mailings without SMTP and a contact's opt-out recorded after the recipients were chosen:
the .eml files leave the contact out (failed, with the reason, as the SMTP workers do), and
confirming the files records no delivery to the contact."""

from __future__ import annotations

import email
import io
import zipfile
from email import policy

from sqlalchemy import select

from app.auth.models import User
from app.contacts.models import Contact
from app.extensions import db
from app.library.models import Delivery
from app.mailings import outgoing, services
from app.mailings.models import MailingRecipient, MailingStatus, RecipientStatus

from .test_services import new_mailing


def eml_addresses(mailing) -> list[str]:
    buffer = io.BytesIO()
    outgoing.write_eml_zip(mailing, buffer)
    with zipfile.ZipFile(buffer) as archive:
        return sorted(
            email.message_from_bytes(archive.read(name), policy=policy.default)["To"]
            .addresses[0]
            .addr_spec
            for name in archive.namelist()
        )


def opt_out(world) -> None:
    user = db.session.get(User, world["user"])
    services.set_opt_out(db.session.get(Contact, world["chef"]), opted_out=True, by=user)
    db.session.commit()


def anna(mailing) -> MailingRecipient:
    return db.session.scalars(
        select(MailingRecipient).where(
            MailingRecipient.mailing_id == mailing.id,
            MailingRecipient.address == "anna@third.se",
        )
    ).one()


def test_opted_out_after_the_draft_gets_no_file_and_no_delivery(ctx, world):
    mailing, _choice = new_mailing(world)
    assert anna(mailing).status is RecipientStatus.QUEUED
    opt_out(world)  # after the draft was made: she is still among its recipients
    services.start_mailing(mailing, by=mailing.created_by)
    db.session.commit()
    assert mailing.status is MailingStatus.FILES
    assert eml_addresses(mailing) == ["kommun@second.se", "registrator@first.se"]
    assert anna(mailing).status is RecipientStatus.FAILED
    assert anna(mailing).reason == "Kontakten vill inte få utskick."
    assert services.confirm_files_sent(mailing, by=mailing.created_by) == 2
    db.session.commit()
    assert mailing.status is MailingStatus.DONE
    assert anna(mailing).status is RecipientStatus.FAILED
    delivered = db.session.scalars(select(Delivery)).all()
    assert len(delivered) == 2 and world["chef"] not in {d.contact_id for d in delivered}


def test_opted_out_between_start_and_download_gets_no_file(ctx, world):
    mailing, _choice = new_mailing(world)
    services.start_mailing(mailing, by=mailing.created_by)
    db.session.commit()
    opt_out(world)
    assert eml_addresses(mailing) == ["kommun@second.se", "registrator@first.se"]
    db.session.commit()
    assert services.confirm_files_sent(mailing, by=mailing.created_by) == 2
    db.session.commit()
    assert anna(mailing).status is RecipientStatus.FAILED
    assert world["chef"] not in {d.contact_id for d in db.session.scalars(select(Delivery))}
