"""`flask demo` codes part of the held meetings with the starting themes, and `flask themes
seed` adds the starting list once."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from app.demo import generate
from app.extensions import db
from app.meetings.models import Meeting, MeetingStatus
from app.themes import figures
from app.themes.models import Theme, ThemeMention
from app.themes.seeds import SEED_THEMES

from ..factories import DEFAULT_PASSWORD

TODAY = date(2026, 3, 16)


def test_demo_codes_held_meetings_with_municipalities(ctx):
    generate(scale=0.05, seed=3, today=TODAY, password=DEFAULT_PASSWORD)
    db.session.commit()
    assert len(db.session.scalars(select(Theme)).all()) == len(SEED_THEMES)
    rows = db.session.execute(
        select(ThemeMention, Meeting).join(Meeting, Meeting.id == ThemeMention.meeting_id)
    ).all()
    assert len(rows) > 5
    for mention, meeting in rows:
        assert meeting.status is MeetingStatus.HELD
        assert mention.organisation.is_municipality
        assert mention.mentioned_on == meeting.local_start.date() <= TODAY
    picture = figures.theme_picture(date(2025, 6, 1), TODAY)
    assert picture.rows and sum(r.municipalities for r in picture.rows) > 0


def test_themes_seed_command(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["themes", "seed"])
    assert first.exit_code == 0, first.output
    assert f"{len(SEED_THEMES)} created" in first.output, first.output
    again = runner.invoke(args=["themes", "seed"])
    assert "0 created" in again.output
    with app.app_context():
        names = set(db.session.scalars(select(Theme.name)))
    assert {"Tolk", "Kunskap hos handläggare", "Samverkan med Migrationsverket"} <= names
