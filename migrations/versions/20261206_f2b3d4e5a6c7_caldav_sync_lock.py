"""CalDAV sync: one at a time (app/caldav/lock.py: a row per held lock, with a lease), and
a second sync of unchanged meetings that makes no event text (caldav_objects.source_key:
what the text sent was made from). A plain ADD COLUMN: no table is rebuilt.

Revision ID: f2b3d4e5a6c7
Revises: f1a2c3d4e5b6
Create Date: 2026-12-06 04:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "f2b3d4e5a6c7"
down_revision = "f1a2c3d4e5b6"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "caldav_sync_locks",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("holder", sa.String(length=64), nullable=False),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_caldav_sync_locks")),
    )
    op.add_column(
        "caldav_objects",
        sa.Column("source_key", sa.String(length=64), nullable=True),
    )


def downgrade():
    op.drop_column("caldav_objects", "source_key")
    op.drop_table("caldav_sync_locks")
