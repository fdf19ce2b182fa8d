"""Imported invitations keep their event's identity (UID, organizer, RECURRENCE-ID) and the
organizer's SEQUENCE apart from Samverkan's own; attendees' answers (iTIP REPLY) get a table.

Revision ID: e4a7c1b9d352
Revises: 2d8c6b1e4f07
Create Date: 2026-12-05 22:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "e4a7c1b9d352"
down_revision = "2d8c6b1e4f07"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("meetings") as batch_op:
        batch_op.add_column(sa.Column("ical_uid", sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column("organizer_email", sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column("recurrence_id", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("organizer_sequence", sa.Integer(), nullable=True))
        batch_op.create_index(
            "ix_meetings_ical_identity", ["ical_uid", "organizer_email", "recurrence_id"]
        )
    op.create_table(
        "meeting_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("answer", sa.String(length=20), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_meeting_answers_contact_id_contacts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_meeting_answers_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_meeting_answers_meeting_id_meetings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_answers")),
    )
    op.create_index("ix_meeting_answers_contact_id", "meeting_answers", ["contact_id"])
    op.create_index("ix_meeting_answers_user_id", "meeting_answers", ["user_id"])
    op.create_index(
        "ix_meeting_answers_meeting_id_email", "meeting_answers", ["meeting_id", "email"], unique=True
    )


def downgrade():
    op.drop_index("ix_meeting_answers_meeting_id_email", table_name="meeting_answers")
    op.drop_index("ix_meeting_answers_user_id", table_name="meeting_answers")
    op.drop_index("ix_meeting_answers_contact_id", table_name="meeting_answers")
    op.drop_table("meeting_answers")
    with op.batch_alter_table("meetings") as batch_op:
        batch_op.drop_index("ix_meetings_ical_identity")
        batch_op.drop_column("organizer_sequence")
        batch_op.drop_column("recurrence_id")
        batch_op.drop_column("organizer_email")
        batch_op.drop_column("ical_uid")
