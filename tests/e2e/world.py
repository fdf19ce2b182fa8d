"""Run as `python -m tests.e2e.world` (with DATABASE_URL set) to add what the browser tests
start from: the team, and Malmö's social services with two of its people."""

from __future__ import annotations

from sqlalchemy import select

from app.auth.models import Role
from app.auth.services import create_user
from app.contacts.services import ContactValues, create_contact
from app.extensions import db
from app.organisations.models import Organisation, OrganisationKind
from app.organisations.services import create_organisation

PASSWORD = "e2e-lösenord-som-är-långt"
USERS = {
    "coordinator": ("kim@samordnare.example.se", "Kim Samordnare", Role.COORDINATOR),
    "colleague": ("ali@samordnare.example.se", "Ali Kollega", Role.COORDINATOR),
    "reader": ("lisa@samordnare.example.se", "Lisa Läsare", Role.READER),
    "admin": ("adam@samordnare.example.se", "Adam Administratör", Role.ADMIN),
}


def build() -> None:
    for email, name, role in USERS.values():
        create_user(email=email, name=name, role=role, password=PASSWORD, by=None)
    malmo = db.session.scalar(select(Organisation).filter_by(municipality_code="1280"))
    unit = create_organisation(
        values={"name": "Socialtjänsten", "kind": OrganisationKind.KOMMUN, "parent_id": malmo.id},
        by=None,
    )
    for first, last, title in [
        ("Sara", "Lindqvist", "Enhetschef"),
        ("Johan", "Berg", "Socialsekreterare"),
        ("Maria", "Nilsson", "Samordnare"),
    ]:
        create_contact(
            values=ContactValues(first_name=first, last_name=last),
            organisation=unit,
            title=title,
            by=None,
        )
    db.session.commit()


if __name__ == "__main__":
    from app import create_app

    with create_app().app_context():
        build()
