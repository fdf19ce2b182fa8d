"""Duplicate dismissals: pairs of contacts a user judged not to be the same person.

Revision ID: 92b7ce34b451
Revises: 58168e90deac
Create Date: 2026-11-23 20:22:54.565583

"""

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "92b7ce34b451"
down_revision = "58168e90deac"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "duplicate_dismissals",
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("other_id", sa.Integer(), nullable=False),
        sa.Column("dismissed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("dismissed_by_name", sa.String(length=200), nullable=False),
        sa.CheckConstraint("contact_id < other_id", name=op.f("ck_duplicate_dismissals_ordered")),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_duplicate_dismissals_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["other_id"],
            ["contacts.id"],
            name=op.f("fk_duplicate_dismissals_other_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("contact_id", "other_id", name=op.f("pk_duplicate_dismissals")),
    )
    with op.batch_alter_table("duplicate_dismissals", schema=None) as batch_op:
        batch_op.create_index("ix_duplicate_dismissals_other_id", ["other_id"], unique=False)


def downgrade():
    with op.batch_alter_table("duplicate_dismissals", schema=None) as batch_op:
        batch_op.drop_index("ix_duplicate_dismissals_other_id")

    op.drop_table("duplicate_dismissals")
