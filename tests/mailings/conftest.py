"""Mailing fixtures: a library folder per test, a guidance with a PDF version, and a real
SMTP sink (tests/smtp_sink.py, as the calendar's invitation tests use)."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from app.auth.models import Role
from app.contacts.services import ContactValues, create_contact
from app.extensions import db
from app.mailings import services
from app.organisations.models import Organisation, OrganisationKind

from ..factories import make_user
from ..library.conftest import PDF_BYTES
from ..smtp_sink import smtp_sink


@pytest.fixture
def app_config(app_config, tmp_path):
    return {**app_config, "LIBRARY_DIR": str(tmp_path / "library")}


@pytest.fixture
def smtp(app):
    with smtp_sink() as (handler, port):
        app.config.update(
            MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_DEFAULT_SENDER="samverkan@example.se"
        )
        yield handler


def make_guide_version():
    """A published guidance with version 1, a PDF."""
    from app.library import files, services
    from app.library.models import MaterialKind, MaterialStatus

    guide = services.create_material(
        values=services.MaterialValues(
            kind=MaterialKind.GUIDANCE,
            title="Vägledning för kommuner om återvandringsstöd",
            status=MaterialStatus.PUBLISHED,
        ),
        by=None,
    )
    stored = files.store_upload(io.BytesIO(PDF_BYTES), "vagledning.pdf")
    return services.add_version(guide, stored=stored, by=None)


UPPSALA = "03"  # Uppsala län: eight municipalities


def county_municipalities(code: str) -> list[Organisation]:
    return list(
        db.session.scalars(
            select(Organisation)
            .where(
                Organisation.county_code == code,
                Organisation.kind == OrganisationKind.KOMMUN,
                Organisation.parent_id.is_(None),
            )
            .order_by(Organisation.id)
        )
    )


@pytest.fixture
def world(seeded):
    """Uppsala's municipalities: the first two with a mailbox, the third with a socialchef
    (and a second contact, opted out), the rest with nothing."""
    with seeded.app_context():
        user = make_user(role=Role.COORDINATOR, name="Sara Samordnare")
        kommuner = county_municipalities(UPPSALA)
        kommuner[0].mailbox = "registrator@first.se"
        kommuner[1].mailbox = "kommun@second.se"
        chef = create_contact(
            values=ContactValues(first_name="Anna", last_name="Chef", emails=["anna@third.se"]),
            organisation=kommuner[2],
            title="Socialchef",
            by=None,
        )
        refusing = create_contact(
            values=ContactValues(first_name="Nils", last_name="Nej", emails=["nils@third.se"]),
            organisation=kommuner[2],
            title="Biträdande socialchef",
            by=None,
        )
        version = make_guide_version()
        db.session.flush()
        services.set_opt_out(refusing, opted_out=True, by=user)
        db.session.commit()
        yield {
            "user": user.id,
            "kommuner": [k.id for k in kommuner],
            "chef": chef.id,
            "refusing": refusing.id,
            "version": version.id,
        }
