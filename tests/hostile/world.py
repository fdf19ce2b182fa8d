"""Run as `python -m tests.hostile.world` (with DATABASE_URL set): the browser tests' team
(tests/e2e/world.py) and a row with id 1 (and 2) for every URL argument, so the hostile walk
reaches the views behind their lookups."""

from __future__ import annotations

from app.extensions import db
from tests.e2e.world import build as build_team
from tests.factories import make_example_rows

if __name__ == "__main__":
    from app import create_app

    with create_app().app_context():
        build_team()
        make_example_rows()
        db.session.commit()
