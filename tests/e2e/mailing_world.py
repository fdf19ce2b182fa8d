"""Run as `python -m tests.e2e.mailing_world` (with DATABASE_URL set): the browser tests'
world (tests/e2e/world.py), plus a functional mailbox for every municipality in Jämtlands län
but Bergs kommun, and a published guidance with a PDF as version 1."""

from __future__ import annotations

import io

from sqlalchemy import select

from app.extensions import db
from app.library import files
from app.library.models import MaterialKind, MaterialStatus
from app.library.services import MaterialValues, add_version, create_material
from app.organisations.models import Organisation, OrganisationKind

from . import world

JAMTLAND = "23"
WITHOUT_MAILBOX = "Bergs kommun"
GUIDE = "Vägledning om återvandringsstöd"
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


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
    guide = create_material(
        values=MaterialValues(
            kind=MaterialKind.GUIDANCE, title=GUIDE, status=MaterialStatus.PUBLISHED
        ),
        by=None,
    )
    add_version(guide, stored=files.store_upload(io.BytesIO(PDF), "vagledning.pdf"), by=None)
    db.session.commit()


if __name__ == "__main__":
    from app import create_app

    with create_app().app_context():
        build()
