"""Change tokens: a cached whole-history figure is reused only while its data is unchanged."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import func, select

from app.common.change_tokens import ChangeToken, cached, touch, watch
from app.extensions import db
from app.meetings.coverage import COVERAGE_TOPIC, coverage
from app.meetings.models import Meeting, MeetingKind, MeetingStatus
from app.meetings.services import MeetingValues, schedule_meeting
from app.organisations.models import Organisation
from app.trash.services import move_to_trash, restore_from_trash

TODAY = date(2026, 11, 24)


def token() -> str | None:
    return db.session.scalar(select(ChangeToken.token).where(ChangeToken.topic == COVERAGE_TOPIC))


def hold_meeting_with(organisation_id: int) -> Meeting:
    return schedule_meeting(
        values=MeetingValues(
            title="Samråd",
            kind=MeetingKind.DIGITAL,
            status=MeetingStatus.HELD,
            starts_at=datetime(2026, 11, 10, 9, tzinfo=UTC),
            ends_at=datetime(2026, 11, 10, 10, tzinfo=UTC),
            all_day=False,
            responsible_id=1,
            organisation_ids=[organisation_id],
        ),
        by=None,
    )


def test_a_database_without_a_token_is_never_cached_for(ctx):
    calls = []
    watch("test-topic", Organisation)
    for _ in range(2):
        cached("test-topic", 1, lambda: calls.append(1))
    assert len(calls) == 2
    touch("test-topic")
    for _ in range(2):
        cached("test-topic", 1, lambda: calls.append(1))
    assert len(calls) == 3  # computed once under the token, then reused
    cached("test-topic", 2, lambda: calls.append(1))
    assert len(calls) == 4  # another key is another figure


def test_coverage_follows_every_change_of_meetings(seeded, users, ctx, count_statements):
    malmo, lund = (
        db.session.scalar(select(Organisation.id).filter_by(municipality_code=code))
        for code in ("1280", "1281")
    )
    meeting = hold_meeting_with(malmo)
    db.session.commit()
    first = token()
    assert first is not None  # the flush that wrote the meeting set it
    assert coverage(TODAY).municipalities.reached == 1
    db.session.commit()  # a new transaction reads the tokens afresh
    with count_statements() as counter:
        assert coverage(TODAY).municipalities.reached == 1
        assert coverage(TODAY).municipalities.reached == 1
    assert counter.count == 1  # only the tokens are read, once per transaction

    hold_meeting_with(lund)
    db.session.commit()
    assert token() != first
    assert coverage(TODAY).municipalities.reached == 2

    move_to_trash(meeting, by=None)
    db.session.commit()
    assert coverage(TODAY).municipalities.reached == 1
    restore_from_trash(meeting, by=None)
    db.session.commit()
    assert coverage(TODAY).municipalities.reached == 2

    db.session.rollback()
    before = token()
    hold_meeting_with(malmo)
    db.session.rollback()  # a change that never commits leaves the token as it was
    assert token() == before


def test_two_first_writers_of_a_topic_both_succeed(app):
    """The second writer waits for the first one's new row, then renews it: no duplicate key
    (PostgreSQL raised one when both found no row to update and both inserted)."""
    import threading
    import time

    from app.common.change_tokens import _renew

    with app.app_context():
        engine = db.engine
    errors: list[Exception] = []

    def second() -> None:
        try:
            with engine.begin() as connection:
                _renew(connection, "race")
        except Exception as error:  # reported by the assertion below
            errors.append(error)

    with engine.begin() as first:
        _renew(first, "race")
        thread = threading.Thread(target=second)
        thread.start()
        time.sleep(0.3)  # let the second writer reach the row the first has not committed
    thread.join(timeout=30)
    assert not thread.is_alive() and errors == []
    with engine.connect() as connection:
        topic = select(func.count()).select_from(ChangeToken).where(ChangeToken.topic == "race")
        assert connection.scalar(topic) == 1
