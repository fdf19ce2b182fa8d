"""Who was sent a meeting's invitation, so a participant removed later gets a cancellation
(app/calendar/invitations.py).

Revision ID: e4b7d2a9c310
Revises: e4a7c1b9d352
Create Date: 2026-12-05 22:30:00

"""

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "e4b7d2a9c310"
down_revision = "e4a7c1b9d352"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "meeting_invitations",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_meeting_invitations_meeting_id_meetings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("meeting_id", "email", name=op.f("pk_meeting_invitations")),
    )


def downgrade():
    op.drop_table("meeting_invitations")
