"""The daily digest: `users.digest_enabled` (off for everyone) and `digest_deliveries`, one
row per user and day, unique, so a user gets at most one digest a day.

The column is added with a server default so existing rows get false, which a second batch
then drops (the model sets the value itself, like every other boolean). On SQLite each batch
rebuilds `users` (no triggers on it); PostgreSQL alters it in place.

Revision ID: a7d1e9c3b5f2
Revises: a7c1e2d3f4b5
Create Date: 2026-12-06 19:35:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a7d1e9c3b5f2"
down_revision = "a7c1e2d3f4b5"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("digest_enabled", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.alter_column("digest_enabled", existing_type=sa.Boolean(), server_default=None)

    op.create_table(
        "digest_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("items", sa.Integer(), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_digest_deliveries_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_digest_deliveries")),
        sa.UniqueConstraint("user_id", "day", name=op.f("uq_digest_deliveries_user_id_day")),
    )


def downgrade():
    op.drop_table("digest_deliveries")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("digest_enabled")
