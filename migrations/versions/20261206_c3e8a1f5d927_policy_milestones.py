"""Policy milestones: a new table of dated events drawn on the report charts.

Revision ID: c3e8a1f5d927
Revises: b8e2f4a6c1d3
Create Date: 2026-12-06 20:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c3e8a1f5d927"
down_revision = "b8e2f4a6c1d3"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "policy_milestones",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("happens_on", sa.Date(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_policy_milestones_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_policy_milestones")),
    )
    op.create_index(
        "ix_policy_milestones_happens_on", "policy_milestones", ["happens_on"], unique=False
    )


def downgrade():
    op.drop_index("ix_policy_milestones_happens_on", table_name="policy_milestones")
    op.drop_table("policy_milestones")
