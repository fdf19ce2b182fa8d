"""Meeting references: research (or any material) discussed at a meeting. A new table only.

Revision ID: c5d1f8e2a736
Revises: b7e2c4a91d05
Create Date: 2026-12-06 03:35:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c5d1f8e2a736"
down_revision = "b7e2c4a91d05"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "meeting_references",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("material_id", sa.Integer(), nullable=False),
        sa.Column("linked_by_id", sa.Integer(), nullable=True),
        sa.Column("linked_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["linked_by_id"],
            ["users.id"],
            name=op.f("fk_meeting_references_linked_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["material_id"],
            ["materials.id"],
            name=op.f("fk_meeting_references_material_id_materials"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_meeting_references_meeting_id_meetings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("meeting_id", "material_id", name=op.f("pk_meeting_references")),
    )
    op.create_index(
        "ix_meeting_references_material_id", "meeting_references", ["material_id"], unique=False
    )


def downgrade():
    op.drop_index("ix_meeting_references_material_id", table_name="meeting_references")
    op.drop_table("meeting_references")
