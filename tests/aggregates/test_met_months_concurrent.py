"""Two transactions log held meetings in the same month with different organisations at once (a
municipality in person, an agency digitally: no tally row in common that would make them
take turns anyway): the second waits for the first's month set (on PostgreSQL its row, taken
first; on SQLite the write lock) and then reads the tallies with the first's organisation
in, so the month's set of organisations met holds both and equals a rebuild."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from app.aggregates.models import MetMonth
from app.aggregates.queries import met_counts
from app.aggregates.rebuild import rebuild
from app.auth.models import User
from app.common.bitmaps import from_bytes, members
from app.extensions import db
from app.meetings.models import MeetingKind, MeetingStatus
from app.meetings.services import MeetingValues, schedule_meeting
from app.organisations.models import OrganisationKind
from app.reports.periods import Period

from ..at_once import write_at_once
from ..factories import make_user
from ..themes.world import organisation


def met_months() -> list[tuple]:
    return sorted(
        (month, tuple(members(from_bytes(bits))))
        for month, bits in db.session.execute(select(MetMonth.month, MetMonth.organisations))
    )


def test_two_writers_in_the_same_month_keep_both_organisations(seeded):
    with seeded.app_context():
        user_id = make_user().id
        names = ["Kramfors kommun", "Migrationsverket"]
        ids = [organisation(name).id for name in names]
        db.session.commit()

    def log(organisation_id: int, kind: MeetingKind) -> Callable[[], None]:
        def write() -> None:
            starts_at = datetime(2026, 11, 10, 9, tzinfo=UTC)
            schedule_meeting(
                values=MeetingValues(
                    title="Dialog",
                    kind=kind,
                    status=MeetingStatus.HELD,
                    starts_at=starts_at,
                    ends_at=starts_at + timedelta(hours=1),
                    all_day=False,
                    responsible_id=user_id,
                    organisation_ids=[organisation_id],
                ),
                by=db.session.get(User, user_id),
            )

        return write

    first, second = log(ids[0], MeetingKind.IN_PERSON), log(ids[1], MeetingKind.DIGITAL)
    assert write_at_once(seeded, first, second) == []
    with seeded.app_context():
        november = Period(date(2026, 11, 1), date(2026, 11, 30))
        met = met_counts([november])[0]
        assert (met[OrganisationKind.KOMMUN], sum(met.values())) == (1, 2)
        assert met_months() == [(date(2026, 11, 1), tuple(sorted(ids)))]
        kept = met_months()
        rebuild()
        assert met_months() == kept
        db.session.rollback()
