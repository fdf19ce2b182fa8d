"""Reads for the mailing pages: a mailing with its version and author, recipients per
status, the recipients in the order a person needs them, the list of mailings."""

from __future__ import annotations

from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.library.models import MaterialVersion

from .models import Mailing, MailingRecipient, RecipientStatus


def load_mailing(mailing_id: int) -> Mailing | None:
    return db.session.scalar(
        select(Mailing)
        .options(
            joinedload(Mailing.version).joinedload(MaterialVersion.material),
            joinedload(Mailing.created_by),
        )
        .where(Mailing.id == mailing_id)
    )


def status_counts(mailing_ids: list[int]) -> dict[int, dict[RecipientStatus, int]]:
    """Recipients per status for each mailing, in one statement."""
    counts: dict[int, dict[RecipientStatus, int]] = {i: {} for i in mailing_ids}
    if not mailing_ids:
        return counts
    rows = db.session.execute(
        select(MailingRecipient.mailing_id, MailingRecipient.status, func.count())
        .where(MailingRecipient.mailing_id.in_(mailing_ids))
        .group_by(MailingRecipient.mailing_id, MailingRecipient.status)
    )
    for mailing_id, status, count in rows:
        counts[mailing_id][status] = count
    return counts


#: Recipients shown on a mailing's page at once.
RECIPIENT_PAGE = 500


def recipients_of(mailing: Mailing, *, limit: int = RECIPIENT_PAGE) -> list[MailingRecipient]:
    """The recipients, the ones needing a person (osäker, misslyckad) first."""
    order = {
        RecipientStatus.UNCERTAIN: 0,
        RecipientStatus.FAILED: 1,
        RecipientStatus.SENDING: 2,
        RecipientStatus.QUEUED: 3,
        RecipientStatus.SENT: 4,
    }
    return list(
        db.session.scalars(
            select(MailingRecipient)
            .where(MailingRecipient.mailing_id == mailing.id)
            .order_by(case(order, value=MailingRecipient.status), MailingRecipient.id)
            .limit(limit)
        )
    )


def mailings_page_query() -> Any:
    return select(Mailing).options(joinedload(Mailing.created_by)).order_by(Mailing.id.desc())
