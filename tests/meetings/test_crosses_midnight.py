"""Whether a meeting crosses a Stockholm midnight (`crosses_midnight`): the definition, the
column kept on every way a meeting is written, and the start page's weeks, which read the
meetings that start in a week and the crossing ones that go on into it, holding exactly
what the meeting list holds for the same days."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from sqlalchemy import insert, select

from app.common.time import local_to_utc, week_bounds
from app.dashboard import services as dashboard
from app.extensions import db
from app.meetings.models import Meeting, MeetingKind, MeetingStatus, crosses_midnight
from app.meetings.queries import MeetingFilter, meeting_query
from app.meetings.services import MeetingValues, schedule_meeting, update_meeting
from app.organisations.models import Organisation

from ..factories import make_user

MONDAY = date(2026, 11, 23)  # ISO week 48


def at(day: date, hour: int, minute: int = 0):
    return local_to_utc(day, time(hour, minute))


@pytest.mark.parametrize(
    ("start", "end", "crosses"),
    [
        (at(MONDAY, 9), at(MONDAY, 10), False),
        (at(MONDAY, 23), at(MONDAY + timedelta(days=1), 0), False),  # ends at midnight
        (at(MONDAY, 23), at(MONDAY + timedelta(days=1), 0, 1), True),
        (at(MONDAY, 0), at(MONDAY + timedelta(days=1), 0), False),  # an all-day meeting
        (at(MONDAY, 0), at(MONDAY + timedelta(days=2), 0), True),  # two whole days
        (at(MONDAY, 9), at(MONDAY + timedelta(days=14), 9), True),
        # Around the changes of daylight saving time (midnight is 23:00 or 22:00 UTC).
        (at(date(2026, 3, 28), 23, 30), at(date(2026, 3, 29), 0, 30), True),
        (at(date(2026, 3, 29), 0, 30), at(date(2026, 3, 29), 23, 30), False),
        (at(date(2026, 10, 24), 22, 30), at(date(2026, 10, 25), 0, 0), False),
        (at(date(2026, 10, 25), 23, 30), at(date(2026, 10, 26), 1, 0), True),
    ],
)
def test_the_definition(start, end, crosses):
    assert crosses_midnight(start, end) is crosses


@pytest.fixture
def places(seeded):
    with seeded.app_context():
        user = make_user()
        malmo = db.session.scalar(select(Organisation).filter_by(municipality_code="1280"))
        db.session.commit()
        return {"user": user.id, "malmo": malmo.id}


def values(title: str, start, end, places, **extra) -> MeetingValues:
    return MeetingValues(
        title=title,
        kind=MeetingKind.IN_PERSON,
        status=extra.pop("status", MeetingStatus.PLANNED),
        starts_at=start,
        ends_at=end,
        all_day=False,
        responsible_id=places["user"],
        organisation_ids=[places["malmo"]],
        **extra,
    )


def kept() -> dict[str, bool]:
    """Each meeting's column by title, checked against the definition."""
    rows = db.session.execute(
        select(Meeting.title, Meeting.starts_at, Meeting.ends_at, Meeting.crosses_midnight)
    ).all()
    for title, start, end, column in rows:
        assert column is crosses_midnight(start, end), title
    return {title: column for title, _s, _e, column in rows}


def test_the_column_is_kept_on_insert_update_and_bulk_insert(seeded, places):
    with seeded.app_context():
        short = schedule_meeting(
            values=values("Kort", at(MONDAY, 9), at(MONDAY, 10), places), by=None
        )
        late = schedule_meeting(
            values=values("Sent", at(MONDAY, 22), at(MONDAY + timedelta(days=1), 1), places),
            by=None,
        )
        db.session.commit()
        assert kept() == {"Kort": False, "Sent": True}

        changed = values("Kort", at(MONDAY, 9), at(MONDAY + timedelta(days=2), 17), places)
        update_meeting(short, values=changed, expected_version=short.version, by=None)
        back = values("Sent", at(MONDAY, 22), at(MONDAY, 23), places)
        update_meeting(late, values=back, expected_version=late.version, by=None)
        db.session.commit()
        assert kept() == {"Kort": True, "Sent": False}

        # A plain table insert (as the demo's bulk rows are written) gets it from its times.
        row = {
            "title": "Konferens",
            "kind": MeetingKind.CONFERENCE,
            "status": MeetingStatus.PLANNED,
            "starts_at": at(MONDAY, 8),
            "ends_at": at(MONDAY + timedelta(days=1), 16),
            "all_day": False,
            "responsible_id": places["user"],
        }
        db.session.execute(
            insert(Meeting.__table__),
            [row, {**row, "title": "Frukost", "ends_at": at(MONDAY, 9)}],
        )
        db.session.commit()
        assert kept() == {"Kort": True, "Sent": False, "Konferens": True, "Frukost": False}


def test_a_week_holds_what_the_meeting_list_holds_for_its_days(seeded, places):
    """Meetings around the start of the week of MONDAY: those that go on into it from
    before are in it, those that end at its first midnight or before are not; one that goes
    on into the next week is in both."""
    before, sunday = MONDAY - timedelta(days=1), MONDAY + timedelta(days=6)
    next_monday = MONDAY + timedelta(days=7)
    meetings = {
        "Över midnatt in i veckan": (at(before, 22), at(MONDAY, 2)),
        "Konferens från fredagen": (at(MONDAY - timedelta(days=3), 9), at(MONDAY, 12)),
        "Två veckor lång": (at(MONDAY - timedelta(days=13), 9), at(MONDAY, 9)),
        "Slutar vid midnatt": (at(before, 22), at(MONDAY, 0)),
        "Förra helgen": (at(MONDAY - timedelta(days=2), 9), at(before, 17)),
        "Måndag morgon": (at(MONDAY, 8), at(MONDAY, 9)),
        "In i nästa vecka": (at(sunday, 20), at(next_monday, 3)),
        "Nästa vecka": (at(next_monday, 10), at(next_monday, 11)),
    }
    with seeded.app_context():
        for title, (start, end) in meetings.items():
            schedule_meeting(values=values(title, start, end, places), by=None)
        schedule_meeting(
            values=values(
                "Inställd över midnatt",
                at(before, 22),
                at(MONDAY, 2),
                places,
                status=MeetingStatus.CANCELLED,
            ),
            by=None,
        )
        db.session.commit()
        this, following = dashboard.this_and_next_week(MONDAY, user_id=None)
        for user_id in (None, places["user"]):
            mine = dashboard.this_and_next_week(MONDAY, user_id=user_id)
            assert [w.total for w in mine] == [this.total, following.total]

        def listed(first: date) -> set[str]:
            """The meeting list's meetings for the week from `first` (not cancelled)."""
            found = db.session.scalars(
                meeting_query(MeetingFilter(start=first, end=first + timedelta(days=6)))
            )
            return {m.title for m in found if m.status is not MeetingStatus.CANCELLED}

        def shown(week) -> set[str]:
            return {meeting.title for _day, day_meetings in week.days for meeting in day_meetings}

        assert week_bounds(MONDAY)[0] == MONDAY
        assert (
            shown(this)
            == listed(MONDAY)
            == {
                "Över midnatt in i veckan",
                "Konferens från fredagen",
                "Två veckor lång",
                "Måndag morgon",
                "In i nästa vecka",
            }
        )
        assert shown(following) == listed(next_monday) == {"In i nästa vecka", "Nästa vecka"}
        assert (this.total, following.total) == (5, 2)
