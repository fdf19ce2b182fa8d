"""Run as `python -m tests.e2e.mailing_eml_world` (with DATABASE_URL set): the mailing world
(tests/e2e/mailing_world.py: Jämtland's registry mailboxes, the guidance with a PDF), plus
people with addresses and tags: three in a return network (one each at Östersund, Krokom and
Åre) for a mailing to contacts, and two social-services heads at Härjedalen for the opt-out."""

from __future__ import annotations

from sqlalchemy import select

from app.contacts.services import ContactValues, create_contact
from app.extensions import db
from app.organisations.models import Organisation

from . import mailing_world

NETWORK = "Återvandringsnätverket"
HEADS = "Socialchefer"
#: (first name, last name, address, municipality code, title, tag)
PEOPLE = (
    ("Åsa", "Öberg", "asa.oberg@ostersund.example.se", "2380", "Samordnare", NETWORK),
    ("Erik", "Ström", "erik.strom@krokom.example.se", "2309", "Utvecklingsledare", NETWORK),
    ("Märta", "Lind", "marta.lind@are.example.se", "2321", "Integrationsstrateg", NETWORK),
    ("Pia", "Sjöberg", "pia.sjoberg@herjedalen.example.se", "2361", "Socialchef", HEADS),
    ("Olof", "Ek", "olof.ek@herjedalen.example.se", "2361", "Biträdande socialchef", HEADS),
)


def build() -> None:
    mailing_world.build()
    for first, last, address, code, title, tag in PEOPLE:
        organisation = db.session.scalar(
            select(Organisation).where(
                Organisation.municipality_code == code, Organisation.parent_id.is_(None)
            )
        )
        create_contact(
            values=ContactValues(first_name=first, last_name=last, emails=[address], tags=[tag]),
            organisation=organisation,
            title=title,
            by=None,
        )
    db.session.commit()


if __name__ == "__main__":
    from app import create_app

    with create_app().app_context():
        build()
