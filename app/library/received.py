""" "Mottaget material" as the sections show it, read as plain values: the latest deliveries to
an organisation (with its units), to a contact, or handed over at a meeting.

No ORM object per delivery, material, version, organisation, parent and contact: loading
those for the 50 rows of a busy municipality took 5 ms of its page (Malmö at scale 100),
three times the statement. The statement is built once per process; which record it is for
comes as the parameter "id".
"""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Any, Literal, NamedTuple

from sqlalchemy import Select, bindparam, select

from app.common.aliases import alias
from app.contacts.models import Contact, full_name
from app.extensions import db
from app.organisations.models import Organisation, display_name
from app.organisations.services import organisation_and_units

from .models import Channel, Delivery, Material, MaterialVersion

#: Rows in a record's "Mottaget material" section.
SECTION_LIMIT = 50

Of = Literal["organisation", "contact", "meeting"]


class ReceivedRow(NamedTuple):
    """One delivery as a section's row shows it."""

    id: int
    material_id: int
    title: str  # the material's
    version: int  # the version's number
    channel: Channel
    delivered_on: date
    organisation: str | None  # display name; None when it is in the trash
    contact: str | None  # full name; None without a contact or when it is in the trash


@cache
def _statement(of: Of, limit: int) -> Select[Any]:
    """The latest `limit` deliveries of live material to the record in the parameter "id".
    The ids are chosen first and only they are joined to their material, version, contact
    and organisation: PostgreSQL otherwise joined all of an organisation's deliveries (536
    for Malmö and its units at scale 100) before keeping 50. For an organisation, one IN over
    it and its units: as "own OR a unit's", PostgreSQL estimated half of all deliveries and
    joined every contact to them (92 ms at scale 100, 2.5 ms so)."""
    record = bindparam("id")
    condition = {
        "organisation": Delivery.organisation_id.in_(organisation_and_units(record)),
        "contact": Delivery.contact_id == record,
        "meeting": Delivery.meeting_id == record,
    }[of]
    order = (Delivery.delivered_on.desc(), Delivery.id.desc())
    chosen = (
        select(Delivery.id)
        .join(Material, Material.id == Delivery.material_id)
        .where(condition)
        .order_by(*order)
        .limit(limit)
        .subquery()
    )
    parent = alias(Organisation, "library.received.parent")
    return (
        select(
            Delivery.id,
            Delivery.material_id,
            Material.title,
            MaterialVersion.number,
            Delivery.channel,
            Delivery.delivered_on,
            Organisation.name,
            parent.name,
            Contact.first_name,
            Contact.last_name,
        )
        .join(Material, Material.id == Delivery.material_id)
        .join(MaterialVersion, MaterialVersion.id == Delivery.version_id)
        .outerjoin(Organisation, Organisation.id == Delivery.organisation_id)
        .outerjoin(parent, parent.id == Organisation.parent_id)
        .outerjoin(Contact, Contact.id == Delivery.contact_id)
        .where(Delivery.id.in_(select(chosen.c.id)))
        .order_by(*order)
    )


def received(of: Of, record_id: int, *, limit: int = SECTION_LIMIT) -> list[ReceivedRow]:
    """The latest `limit` deliveries (newest first) to the organisation `record_id` or one
    of its units, to the contact, or handed over at the meeting (`of`), in one statement."""
    rows = db.session.execute(_statement(of, limit), {"id": record_id})
    return [
        ReceivedRow(
            id=delivery_id,
            material_id=material_id,
            title=title,
            version=number,
            channel=channel,
            delivered_on=delivered_on,
            organisation=display_name(name, parent_name) if name is not None else None,
            contact=full_name(first, last) if first is not None else None,
        )
        for (delivery_id, material_id, title, number, channel, delivered_on, name, parent_name,
             first, last) in rows
    ]  # fmt: skip
