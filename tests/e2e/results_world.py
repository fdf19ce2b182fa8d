"""Run as `python -m tests.e2e.results_world` (with DATABASE_URL set): the browser tests'
world (tests/e2e/world.py), plus the hand-computed questionnaire of
tests/questionnaires/results_world.py (six municipalities, three submitted, one draft)."""

from __future__ import annotations

from app.extensions import db

from ..questionnaires.results_world import build_results_world
from . import world


def build() -> None:
    world.build()
    build_results_world()
    db.session.commit()


if __name__ == "__main__":
    from app import create_app

    with create_app().app_context():
        build()
