"""The addresses an imported meeting's last invitation named (meetings.invite_attendees), so
a re-sent invitation shows and applies who was added and who removed.

A plain ADD COLUMN (no batch rebuild of `meetings`), so the text index's triggers stay.

Revision ID: f1a2c3d4e5b6
Revises: e4a7c1f9b3d2
Create Date: 2026-12-06 03:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "f1a2c3d4e5b6"
down_revision = "e4a7c1f9b3d2"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("meetings", sa.Column("invite_attendees", sa.Text(), nullable=True))


def downgrade():
    # SQLite 3.35+ drops a column in place (no rebuild, the triggers stay).
    op.drop_column("meetings", "invite_attendees")
