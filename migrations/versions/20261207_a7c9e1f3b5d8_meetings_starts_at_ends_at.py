"""A period's meetings are found from the index alone: the two indexes on meetings.starts_at
(every row, and the rows outside the trash) become (starts_at, ends_at). A period query reads
from MAX_MEETING_DAYS before its start and keeps the meetings that end after it; with ends_at
in the index, those two weeks of earlier meetings are passed over in the index instead of
each being read from the table (the start page's weeks at scale 100: 9 → 3 ms a statement).
Plain CREATE/DROP INDEX: no table is rebuilt, so the text-search triggers on meetings stay.

Revision ID: a7c9e1f3b5d8
Revises: e5a3c8d1f2b7
Create Date: 2026-12-07 08:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a7c9e1f3b5d8"
down_revision = "e5a3c8d1f2b7"
branch_labels = None
depends_on = None

LIVE = sa.text("deleted_at IS NULL")


def upgrade():
    op.drop_index("ix_meetings_starts_at", table_name="meetings")
    op.create_index("ix_meetings_starts_at", "meetings", ["starts_at", "ends_at"], unique=False)
    op.drop_index("ix_meetings_live_starts_at", table_name="meetings")
    op.create_index(
        "ix_meetings_live_starts_at",
        "meetings",
        ["starts_at", "ends_at"],
        unique=False,
        sqlite_where=LIVE,
        postgresql_where=LIVE,
    )


def downgrade():
    op.drop_index("ix_meetings_live_starts_at", table_name="meetings")
    op.create_index(
        "ix_meetings_live_starts_at",
        "meetings",
        ["starts_at"],
        unique=False,
        sqlite_where=LIVE,
        postgresql_where=LIVE,
    )
    op.drop_index("ix_meetings_starts_at", table_name="meetings")
    op.create_index("ix_meetings_starts_at", "meetings", ["starts_at"], unique=False)
