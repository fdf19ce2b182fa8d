"""Run as `python -m tests.e2e.journey_world` (with DATABASE_URL set): the browser tests'
world (tests/e2e/world.py), plus what the questionnaire journey starts from: two challenge
themes on the team's list, and the municipalities of Gotlands, Blekinge and Jämtlands län
with a functional mailbox each (the journey adds the three counties to the recipients one
at a time with the county filter)."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.organisations.models import Organisation, OrganisationKind
from app.themes.models import ThemeSide
from app.themes.services import ThemeValues, create_theme

from . import world

COUNTIES = {"09": "Gotlands län", "10": "Blekinge län", "23": "Jämtlands län"}
THEMES = ("Tillgång till tolk", "Kunskap hos handläggare")


def build() -> None:
    world.build()
    for name in THEMES:
        create_theme(values=ThemeValues(name=name, side=ThemeSide.CHALLENGE), by=None)
    municipalities = db.session.scalars(
        select(Organisation).where(
            Organisation.county_code.in_(COUNTIES),
            Organisation.kind == OrganisationKind.KOMMUN,
            Organisation.parent_id.is_(None),
        )
    )
    for municipality in municipalities:
        municipality.mailbox = f"registrator@{municipality.municipality_code}.example.se"
    db.session.commit()


if __name__ == "__main__":
    from app import create_app

    with create_app().app_context():
        build()
