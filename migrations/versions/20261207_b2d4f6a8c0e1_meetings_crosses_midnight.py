"""Meetings keep whether they go on past the Stockholm midnight after their start
(`meetings.crosses_midnight`), with a partial index of those few on (starts_at, ends_at).

A day's or week's window holds the meetings that start in it and those that started before
and still go on; only the second kind crosses a midnight. The start page read both through
the index on starts_at from MAX_MEETING_DAYS (14) before each week, passing some 10,000
entries a week at scale 100 (6 ms of its 25); with this it reads the week's own meetings and
the crossing ones.

The server default is true, the safe guess for a row written without the value: it is only
looked at once more. Existing rows are filled here in batches of 5,000 as
`app.meetings.models.crosses_midnight` decides it (copied below, so this migration stays as
it ran whatever that function becomes): every row becomes false unless it crosses. Plain
ALTER TABLE ADD COLUMN and CREATE INDEX: no table is rebuilt, so the text-search triggers
on meetings stay.

Revision ID: b2d4f6a8c0e1
Revises: a7c3e5f9b2d4
Create Date: 2026-12-07 22:10:00

"""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b2d4f6a8c0e1"
down_revision = "a7c3e5f9b2d4"
branch_labels = None
depends_on = None

BATCH = 5_000
STOCKHOLM = ZoneInfo("Europe/Stockholm")


def aware(moment: datetime) -> datetime:
    """SQLite gives naive UTC, PostgreSQL aware."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def crosses_midnight(starts_at: datetime, ends_at: datetime) -> bool:
    """Whether the meeting still goes on when the Stockholm day after its start begins
    (app/meetings/models.py on 2026-12-07)."""
    next_day = aware(starts_at).astimezone(STOCKHOLM).date() + timedelta(days=1)
    midnight = datetime.combine(next_day, time(0, 0), tzinfo=STOCKHOLM).astimezone(UTC)
    return aware(ends_at) > midnight


def upgrade():
    op.add_column(
        "meetings",
        sa.Column("crosses_midnight", sa.Boolean(), server_default=sa.true(), nullable=False),
    )
    meetings = sa.table(
        "meetings",
        sa.column("id", sa.Integer),
        sa.column("starts_at", sa.DateTime),
        sa.column("ends_at", sa.DateTime),
        sa.column("crosses_midnight", sa.Boolean),
    )
    connection = op.get_bind()
    last = 0
    while True:
        rows = connection.execute(
            sa.select(meetings.c.id, meetings.c.starts_at, meetings.c.ends_at)
            .where(meetings.c.id > last)
            .order_by(meetings.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            break
        crossing = [id_ for id_, starts_at, ends_at in rows if crosses_midnight(starts_at, ends_at)]
        connection.execute(
            meetings.update()
            .where(
                meetings.c.id > last,
                meetings.c.id <= rows[-1][0],
                meetings.c.id.not_in(crossing),
            )
            .values(crosses_midnight=False)
        )
        last = rows[-1][0]
    where = {
        "sqlite_where": sa.text("crosses_midnight = 1"),
        "postgresql_where": sa.text("crosses_midnight"),
    }
    op.create_index(
        "ix_meetings_crossing_starts_at", "meetings", ["starts_at", "ends_at"], **where
    )


def downgrade():
    op.drop_index("ix_meetings_crossing_starts_at", table_name="meetings")
    # SQLite 3.35+ drops a column in place (no rebuild, the triggers stay).
    op.drop_column("meetings", "crosses_midnight")
