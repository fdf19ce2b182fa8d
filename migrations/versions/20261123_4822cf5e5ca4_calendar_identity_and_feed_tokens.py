"""Calendar identity for meetings (UID, SEQUENCE, when cancelled) and users' feed tokens.

Existing meetings get a fresh UID each; those already cancelled count as cancelled when last
updated.

Revision ID: 4822cf5e5ca4
Revises: c3b160d73356
Create Date: 2026-11-23 22:21:32.635563

"""

import uuid

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "4822cf5e5ca4"
down_revision = "c3b160d73356"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("uid", sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column("sequence", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True))

    meetings = sa.table(
        "meetings",
        sa.column("id", sa.Integer),
        sa.column("uid", sa.String),
        sa.column("status", sa.String),
        sa.column("updated_at", sa.DateTime(timezone=True)),
        sa.column("cancelled_at", sa.DateTime(timezone=True)),
    )
    connection = op.get_bind()
    for (meeting_id,) in connection.execute(sa.select(meetings.c.id)).all():
        connection.execute(
            meetings.update()
            .where(meetings.c.id == meeting_id)
            .values(uid=f"{uuid.uuid4()}@samverkan")
        )
    connection.execute(
        meetings.update()
        .where(meetings.c.status == "installt")
        .values(cancelled_at=meetings.c.updated_at)
    )

    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.alter_column("uid", existing_type=sa.String(length=120), nullable=False)
        batch_op.create_unique_constraint(batch_op.f("uq_meetings_uid"), ["uid"])

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("feed_token_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("feed_token_created_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_users_feed_token_hash"), ["feed_token_hash"]
        )


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_users_feed_token_hash"), type_="unique")
        batch_op.drop_column("feed_token_created_at")
        batch_op.drop_column("feed_token_hash")

    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_meetings_uid"), type_="unique")
        batch_op.drop_column("cancelled_at")
        batch_op.drop_column("sequence")
        batch_op.drop_column("uid")
