"""Speed at scale: partial indexes over the rows outside the trash (lists, their counts and
orderings), indexes for the follow-ups of a user, meeting, contact or organisation by due date, and the change tokens that
let whole-history figures be cached exactly while their data is unchanged.

Revision ID: 4e15bd34e81f
Revises: 4d92cafa87ab
Create Date: 2026-11-24 02:05:00

"""

import uuid

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "4e15bd34e81f"
down_revision = "4d92cafa87ab"
branch_labels = None
depends_on = None

LIVE = sa.text("deleted_at IS NULL")


def upgrade():
    op.create_table(
        "change_tokens",
        sa.Column("topic", sa.String(length=40), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("topic", name=op.f("pk_change_tokens")),
    )
    # The coverage figures (app/meetings/coverage.py) are cached from the start.
    tokens = sa.table("change_tokens", sa.column("topic", sa.String), sa.column("token", sa.String))
    op.bulk_insert(tokens, [{"topic": "coverage", "token": uuid.uuid4().hex}])
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_contacts_live_sort_name",
            ["sort_name", "id"],
            unique=False,
            sqlite_where=LIVE,
            postgresql_where=LIVE,
        )
    with op.batch_alter_table("follow_ups", schema=None) as batch_op:
        batch_op.create_index(
            "ix_follow_ups_live_status_due_on",
            ["status", "due_on"],
            unique=False,
            sqlite_where=LIVE,
            postgresql_where=LIVE,
        )
        for column in ("owner_id", "meeting_id", "contact_id", "organisation_id"):
            batch_op.create_index(
                f"ix_follow_ups_live_{column}_status_due_on",
                [column, "status", "due_on"],
                unique=False,
                sqlite_where=LIVE,
                postgresql_where=LIVE,
            )
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.create_index(
            "ix_meetings_live_starts_at",
            ["starts_at"],
            unique=False,
            sqlite_where=LIVE,
            postgresql_where=LIVE,
        )


def downgrade():
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.drop_index("ix_meetings_live_starts_at")
    with op.batch_alter_table("follow_ups", schema=None) as batch_op:
        for column in ("owner_id", "meeting_id", "contact_id", "organisation_id"):
            batch_op.drop_index(f"ix_follow_ups_live_{column}_status_due_on")
        batch_op.drop_index("ix_follow_ups_live_status_due_on")
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.drop_index("ix_contacts_live_sort_name")
    op.drop_table("change_tokens")
