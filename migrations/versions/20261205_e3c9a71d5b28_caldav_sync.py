"""CalDAV sync (app/caldav): what was published to the server, and the changes found there
that wait for a coordinator's decision.

Revision ID: e3c9a71d5b28
Revises: e4b7d2a9c310
Create Date: 2026-12-05 22:10:00

"""

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "e3c9a71d5b28"
down_revision = "e4b7d2a9c310"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "caldav_objects",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("href", sa.String(length=1000), nullable=False),
        sa.Column("etag", sa.String(length=200), nullable=True),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("gone_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_caldav_objects_meeting_id_meetings"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_caldav_objects")),
        sa.UniqueConstraint("href", name=op.f("uq_caldav_objects_href")),
        sa.UniqueConstraint("meeting_id", name=op.f("uq_caldav_objects_meeting_id")),
    )
    op.create_table(
        "caldav_proposals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("all_day", sa.Boolean(), nullable=True),
        sa.Column("place", sa.String(length=300), nullable=True),
        sa.Column("etag", sa.String(length=200), nullable=True),
        sa.Column("detected_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "kind IN ('andring', 'installt', 'borttaget')", name=op.f("ck_caldav_proposals_kind")
        ),
        sa.CheckConstraint(
            "status IN ('oppen', 'bekraftad', 'avvisad')",
            name=op.f("ck_caldav_proposals_status"),
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["users.id"],
            name=op.f("fk_caldav_proposals_decided_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_caldav_proposals_meeting_id_meetings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_caldav_proposals")),
    )
    with op.batch_alter_table("caldav_proposals", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_caldav_proposals_meeting_id"), ["meeting_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_caldav_proposals_status"), ["status"], unique=False)


def downgrade():
    with op.batch_alter_table("caldav_proposals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_caldav_proposals_status"))
        batch_op.drop_index(batch_op.f("ix_caldav_proposals_meeting_id"))
    op.drop_table("caldav_proposals")
    op.drop_table("caldav_objects")
