"""Heavy work slots: at most N exports and imports at once across every worker
(app/common/heavy_work.py). One row per taken slot, with an expiring lease.

Revision ID: e4b7a2c9d315
Revises: e4a7c9b2d513
Create Date: 2026-12-05 22:00:00

"""

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "e4b7a2c9d315"
down_revision = "e4a7c9b2d513"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "heavy_slots",
        sa.Column("slot", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("holder", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("slot", name=op.f("pk_heavy_slots")),
        sa.UniqueConstraint("holder", name=op.f("uq_heavy_slots_holder")),
    )


def downgrade():
    op.drop_table("heavy_slots")
