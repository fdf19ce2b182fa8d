"""Report indexes: contacts added and follow-ups created and completed per month and owner
are counted from index ranges (app/reports/queries.py activity_per_bucket), over the rows
outside the trash.

Revision ID: 63b5e036b39d
Revises: b5d0c6e2a917
Create Date: 2026-11-24 05:29:12

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "63b5e036b39d"
down_revision = "b5d0c6e2a917"
branch_labels = None
depends_on = None

LIVE = sa.text("deleted_at IS NULL")


def upgrade():
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_contacts_live_created_at",
            ["created_at"],
            unique=False,
            sqlite_where=LIVE,
            postgresql_where=LIVE,
        )
    with op.batch_alter_table("follow_ups", schema=None) as batch_op:
        batch_op.create_index(
            "ix_follow_ups_live_created_at_owner_id",
            ["created_at", "owner_id"],
            unique=False,
            sqlite_where=LIVE,
            postgresql_where=LIVE,
        )
        batch_op.create_index(
            "ix_follow_ups_live_status_completed_on_owner_id",
            ["status", "completed_on", "owner_id"],
            unique=False,
            sqlite_where=LIVE,
            postgresql_where=LIVE,
        )


def downgrade():
    with op.batch_alter_table("follow_ups", schema=None) as batch_op:
        batch_op.drop_index("ix_follow_ups_live_status_completed_on_owner_id")
        batch_op.drop_index("ix_follow_ups_live_created_at_owner_id")
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.drop_index("ix_contacts_live_created_at")
