"""Day tallies: held meetings per Stockholm day, dimension and key, so the days of a
period that do not fill a month are read from a few rows per day instead of every fact.
Filled from the meeting facts in the same step (no rebuild needed).

Revision ID: 2d8c6b1e4f07
Revises: 9b4e2f7a1c60
Create Date: 2026-12-05 19:40:00

"""

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "2d8c6b1e4f07"
down_revision = "9b4e2f7a1c60"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "day_tallies",
        sa.Column("dimension", sa.String(length=12), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("meetings", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("dimension", "day", "key", name=op.f("pk_day_tallies")),
    )
    op.execute(
        "INSERT INTO day_tallies (dimension, day, key, meetings) "
        "SELECT dimension, day, key, count(*) FROM meeting_facts GROUP BY dimension, day, key"
    )


def downgrade():
    op.drop_table("day_tallies")
