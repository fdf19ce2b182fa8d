"""Run as `python -m tests.e2e.caldav_world` (with DATABASE_URL set): the browser tests'
world with two of Kim's meetings next week, for the CalDAV proposals page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from app.auth.models import User
from app.extensions import db
from app.meetings.models import MeetingKind, MeetingStatus
from app.meetings.services import MeetingValues, schedule_meeting
from app.organisations.models import Organisation

from .world import USERS, build

TITLES = ("Samråd om boende", "Dialog om skolstart")


def build_caldav() -> None:
    build()
    kim = db.session.scalar(select(User).filter_by(email=USERS["coordinator"][0]))
    unit = db.session.scalar(select(Organisation).filter_by(name="Socialtjänsten"))
    start = datetime.now(UTC).replace(hour=8, minute=0, second=0, microsecond=0)
    for days, title in zip((7, 8), TITLES, strict=True):
        schedule_meeting(
            values=MeetingValues(
                title=title,
                kind=MeetingKind.IN_PERSON,
                status=MeetingStatus.PLANNED,
                starts_at=start + timedelta(days=days),
                ends_at=start + timedelta(days=days, hours=1),
                all_day=False,
                responsible_id=kim.id,
                organisation_ids=[unit.id],
                place="Stadshuset",
            ),
            by=None,
        )
    db.session.commit()


if __name__ == "__main__":
    from app import create_app

    with create_app().app_context():
        build_caldav()
