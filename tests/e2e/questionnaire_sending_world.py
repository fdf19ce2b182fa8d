"""Run as `python -m tests.e2e.questionnaire_sending_world` (with DATABASE_URL set): the
browser tests' world (tests/e2e/world.py), a functional mailbox for every municipality in
Jämtlands län but Bergs kommun, a named contact at Östersunds kommun besides its mailbox,
Region Gotland's mailbox (a second county to add), and a draft questionnaire (one question
of every kind) closing in 30 days."""

from __future__ import annotations

from sqlalchemy import select

from app.contacts.services import ContactValues, create_contact
from app.extensions import db
from app.organisations.models import Organisation, OrganisationKind

from ..questionnaires.builders import make_questionnaire
from . import world

JAMTLAND = "23"
GOTLAND = "09"
WITHOUT_MAILBOX = "Bergs kommun"
WITH_CONTACT = "Östersunds kommun"
CONTACT = ("Eva", "Ek", "eva.ek@ostersund.example.se")
TITLE = "Kommunernas arbete med återvandring 2027"


def build() -> None:
    world.build()
    municipalities = db.session.scalars(
        select(Organisation).where(
            Organisation.county_code == JAMTLAND,
            Organisation.kind == OrganisationKind.KOMMUN,
            Organisation.parent_id.is_(None),
        )
    )
    for municipality in municipalities:
        if municipality.name != WITHOUT_MAILBOX:
            municipality.mailbox = f"registrator@{municipality.municipality_code}.example.se"
        if municipality.name == WITH_CONTACT:
            first, last, address = CONTACT
            create_contact(
                values=ContactValues(first_name=first, last_name=last, emails=[address]),
                organisation=municipality,
                title="Socialchef",
                by=None,
            )
    gotland = db.session.scalar(
        select(Organisation).where(
            Organisation.county_code == GOTLAND,
            Organisation.kind == OrganisationKind.KOMMUN,
            Organisation.parent_id.is_(None),
        )
    )
    gotland.mailbox = "registrator@0980.example.se"
    make_questionnaire(title=TITLE)
    db.session.commit()


if __name__ == "__main__":
    from app import create_app

    with create_app().app_context():
        build()
