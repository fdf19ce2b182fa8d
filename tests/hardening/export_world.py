"""Run as `python -m tests.hardening.export_world` (with DATABASE_URL set): a coordinator
and a contact list large enough that its CSV outgrows the kernel's socket buffers (about
9 MB), so an export read slowly by its client is still going on while the test looks."""

from __future__ import annotations

from sqlalchemy import insert

from app.contacts.models import Contact
from app.extensions import db
from tests.factories import make_user

EMAIL = "export-samordnare@example.se"
CONTACTS = 40_000

if __name__ == "__main__":
    from app import create_app

    with create_app().app_context():
        make_user(email=EMAIL, name="Export Samordnare")
        long_name = "Långnamn-" + "x" * 80
        db.session.execute(
            insert(Contact),
            [
                {"first_name": f"{n:06d}-{long_name}", "last_name": long_name, "sort_name": str(n)}
                for n in range(CONTACTS)
            ],
        )
        db.session.commit()
