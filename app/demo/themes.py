"""Demo themes: the starting list (app/themes/seeds.py), and part of the held meetings with
municipalities coded with one or two of them, dated by the meeting's day, so the lägesbild's
Teman part has something to count at every scale. Core inserts like the rest of the demo."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.meetings.models import MeetingStatus
from app.themes.models import Theme, ThemeMention, ThemeSide
from app.themes.seeds import SEED_THEMES
from app.themes.services import ensure_themes

from .activity import Held
from .core import Context, insert_rows, part_rng

#: Of the held meetings with a municipality: the share coded with themes.
CODED_SHARE = 0.35
NOTES = ("", "", "", "Togs upp av socialchefen", "Återkommande fråga", "Nämndes kort")


def generate_themes(ctx: Context, held: list[Held]) -> int:
    """Make sure the starting themes exist and code part of the held meetings; the number of
    mentions made."""
    rng = part_rng(ctx.seed, "themes")
    ensure_themes(SEED_THEMES, by=None)
    db.session.flush()
    themes = list(db.session.execute(select(Theme.id, Theme.side).order_by(Theme.id)))
    # A few themes come up far more often than the rest, as in real notes.
    weights = [max(1.0, 8.0 - number) for number in range(len(themes))]
    rows = []
    for meeting in held:
        municipality = meeting.org.municipality_id
        if (
            meeting.status is not MeetingStatus.HELD
            or municipality is None
            or meeting.day > ctx.today
            or rng.random() > CODED_SHARE
        ):
            continue
        chosen = {rng.choices(range(len(themes)), weights)[0] for _ in range(rng.randint(1, 2))}
        for index in sorted(chosen):
            theme_id, usual = themes[index]
            side = usual or rng.choice(list(ThemeSide))
            if rng.random() < 0.1:  # now and then the other side of a theme
                side = ThemeSide.OPPORTUNITY if side is ThemeSide.CHALLENGE else ThemeSide.CHALLENGE
            rows.append(
                {
                    "theme_id": theme_id,
                    "side": side,
                    "organisation_id": municipality,
                    "mentioned_on": meeting.day,
                    "meeting_id": meeting.id,
                    "note": rng.choice(NOTES),
                    "coded_by_name": ctx.team.names.get(meeting.responsible, ""),
                    "coded_at": ctx.created_at(meeting.day),
                }
            )
    insert_rows(ThemeMention.__table__, rows)
    return len(rows)
