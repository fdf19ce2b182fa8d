"""Test data for sending questionnaires: Uppsala län's eight municipalities with one of every
kind of address, and a municipality elsewhere that the county filter must leave out.

- Enköping-like first: a functional mailbox only;
- second: a mailbox and a contact (the mailbox is the default, the contact can be picked);
- third: no mailbox, two contacts (the first in name order is the default);
- fourth: no mailbox, one contact who opted out of mailings (not reachable);
- the other four: nothing (not reachable).
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import select

from app.auth.models import Role
from app.contacts.services import ContactValues, create_contact
from app.extensions import db
from app.mailings import services as mailing_services
from app.organisations.models import Organisation, OrganisationKind
from app.questionnaires.models import QuestionnaireStatus

from ..factories import make_user
from .builders import make_questionnaire

UPPSALA = "03"
UPPSALA_KOMMUNER = {"lan": UPPSALA, "typ": "kommun"}


def county_municipalities(code: str) -> list[Organisation]:
    return list(
        db.session.scalars(
            select(Organisation)
            .where(
                Organisation.county_code == code,
                Organisation.kind == OrganisationKind.KOMMUN,
                Organisation.parent_id.is_(None),
            )
            .order_by(Organisation.sort_name, Organisation.id)
        )
    )


@dataclass
class World:
    user: int
    kommuner: list[int]
    elsewhere: int
    picked_contact: int  # the contact at the second municipality
    first_by_name: int  # the default contact at the third
    questionnaire: int


def contact(first: str, last: str, address: str, organisation: Organisation, title: str = ""):
    return create_contact(
        values=ContactValues(first_name=first, last_name=last, emails=[address]),
        organisation=organisation,
        title=title,
        by=None,
    )


def build_world() -> World:
    user = make_user(role=Role.COORDINATOR, name="Sara Samordnare")
    kommuner = county_municipalities(UPPSALA)
    assert len(kommuner) == 8
    kommuner[0].mailbox = "registrator@forsta.example.se"
    kommuner[1].mailbox = "kommun@andra.example.se"
    picked = contact("Karin", "Ek", "karin.ek@andra.example.se", kommuner[1], "Socialchef")
    contact("Örjan", "Öst", "orjan@tredje.example.se", kommuner[2])
    first = contact("Bertil", "Berg", "bertil@tredje.example.se", kommuner[2])
    refusing = contact("Nils", "Nej", "nils@fjarde.example.se", kommuner[3])
    elsewhere = county_municipalities("01")[0]
    elsewhere.mailbox = "registrator@stockholm.example.se"
    questionnaire = make_questionnaire(status=QuestionnaireStatus.DRAFT)
    db.session.flush()
    mailing_services.set_opt_out(refusing, opted_out=True, by=user)
    db.session.commit()
    return World(
        user=user.id,
        kommuner=[k.id for k in kommuner],
        elsewhere=elsewhere.id,
        picked_contact=picked.id,
        first_by_name=first.id,
        questionnaire=questionnaire.id,
    )


@pytest.fixture
def world(seeded) -> World:
    with seeded.app_context():
        return build_world()
