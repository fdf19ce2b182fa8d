"""The security event log (app/security): logins, refusals counted per minute, exports,
account and feed-link changes, erasures.

Revision ID: e4a7c9b2d513
Revises: e3c9a71d5b28
Create Date: 2026-12-05 22:45:00

"""

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "e4a7c9b2d513"
down_revision = "e3c9a71d5b28"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "security_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("address", sa.String(length=64), nullable=True),
        sa.Column("subject", sa.String(length=300), nullable=True),
        sa.Column("detail", sa.String(length=2000), nullable=True),
        sa.Column("rows", sa.Integer(), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("bucket", sa.String(length=400), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_security_events_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_security_events")),
        sa.UniqueConstraint("bucket", name=op.f("uq_security_events_bucket")),
    )
    with op.batch_alter_table("security_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_security_events_kind"), ["kind"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_security_events_occurred_at"), ["occurred_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_security_events_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("security_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_security_events_user_id"))
        batch_op.drop_index(batch_op.f("ix_security_events_occurred_at"))
        batch_op.drop_index(batch_op.f("ix_security_events_kind"))
    op.drop_table("security_events")
