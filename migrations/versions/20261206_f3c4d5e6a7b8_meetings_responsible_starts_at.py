"""A person's meetings in a window are one index range: meetings(responsible_id, starts_at)
replaces the index on responsible_id alone (the new one's first column serves the foreign
key). The personal calendar feed reads the responsible's meetings of the feed window from it
instead of the coordinator's whole history. Plain CREATE/DROP INDEX: no table is rebuilt, so
the text-search triggers on meetings stay.

Revision ID: f3c4d5e6a7b8
Revises: f2b3d4e5a6c7
Create Date: 2026-12-06 05:00:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "f3c4d5e6a7b8"
down_revision = "f2b3d4e5a6c7"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_meetings_responsible_id_starts_at",
        "meetings",
        ["responsible_id", "starts_at"],
        unique=False,
    )
    op.drop_index("ix_meetings_responsible_id", table_name="meetings")


def downgrade():
    op.create_index("ix_meetings_responsible_id", "meetings", ["responsible_id"], unique=False)
    op.drop_index("ix_meetings_responsible_id_starts_at", table_name="meetings")
