"""Fixtures shared by the page cache's tests."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.contacts.services import ContactValues, create_contact
from app.extensions import db
from app.organisations.models import Organisation


@pytest.fixture
def contact_id(seeded, users, app) -> int:
    """Ida Berg at Malmö, with the registry and one user per role."""
    with app.app_context():
        malmo = db.session.scalar(select(Organisation).filter_by(municipality_code="1280"))
        contact = create_contact(
            values=ContactValues(first_name="Ida", last_name="Berg", emails=["ida@x.se"]),
            organisation=malmo,
            by=None,
        )
        db.session.commit()
        return contact.id
