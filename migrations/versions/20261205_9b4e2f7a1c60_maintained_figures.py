"""Maintained figures (app/aggregates): meeting, follow-up and activity facts, their
tallies and per-organisation figures, kept up to date by every write; the change tokens of
the page cache go.

The new tables start empty: `flask aggregates rebuild` fills them (`make setup` runs it when
they are empty and there are held meetings; see README, "Upgrading").

Revision ID: 9b4e2f7a1c60
Revises: 5f3a9c2d71be
Create Date: 2026-12-05 14:00:00

"""

import uuid

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "9b4e2f7a1c60"
down_revision = "5f3a9c2d71be"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "meeting_facts",
        sa.Column("meeting_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("dimension", sa.String(length=12), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("meeting_id", "dimension", "key", name=op.f("pk_meeting_facts")),
    )
    with op.batch_alter_table("meeting_facts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_meeting_facts_dimension_key_starts_at", ["dimension", "key", "starts_at"]
        )
        batch_op.create_index("ix_meeting_facts_dimension_day", ["dimension", "day"])
    op.create_table(
        "tallies",
        sa.Column("dimension", sa.String(length=12), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("meetings", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("dimension", "month", "key", name=op.f("pk_tallies")),
    )
    op.create_table(
        "root_figures",
        sa.Column("organisation_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("held", sa.Integer(), nullable=False),
        sa.Column("first_held_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_held_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("open_follow_ups", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("organisation_id", name=op.f("pk_root_figures")),
    )
    op.create_table(
        "follow_up_facts",
        sa.Column("follow_up_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("organisation_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.PrimaryKeyConstraint("follow_up_id", "organisation_id", name=op.f("pk_follow_up_facts")),
    )
    with op.batch_alter_table("follow_up_facts", schema=None) as batch_op:
        batch_op.create_index("ix_follow_up_facts_organisation_id", ["organisation_id"])
    op.create_table(
        "activity_facts",
        sa.Column("record", sa.String(length=10), nullable=False),
        sa.Column("record_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("dimension", sa.String(length=12), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("record", "record_id", "dimension", name=op.f("pk_activity_facts")),
    )
    op.create_table(
        "activity_tallies",
        sa.Column("dimension", sa.String(length=12), nullable=False),
        sa.Column("grain", sa.String(length=1), nullable=False),
        sa.Column("period", sa.Date(), nullable=False),
        sa.Column("owner_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "dimension", "grain", "period", "owner_id", name=op.f("pk_activity_tallies")
        ),
    )
    op.drop_table("change_tokens")


def downgrade():
    op.create_table(
        "change_tokens",
        sa.Column("topic", sa.String(length=40), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("topic", name=op.f("pk_change_tokens")),
    )
    tokens = sa.table("change_tokens", sa.column("topic", sa.String), sa.column("token", sa.String))
    op.bulk_insert(
        tokens, [{"topic": topic, "token": uuid.uuid4().hex} for topic in ("coverage", "data")]
    )
    with op.batch_alter_table("follow_up_facts", schema=None) as batch_op:
        batch_op.drop_index("ix_follow_up_facts_organisation_id")
    op.drop_table("follow_up_facts")
    op.drop_table("activity_tallies")
    op.drop_table("activity_facts")
    op.drop_table("root_figures")
    op.drop_table("tallies")
    with op.batch_alter_table("meeting_facts", schema=None) as batch_op:
        batch_op.drop_index("ix_meeting_facts_dimension_day")
        batch_op.drop_index("ix_meeting_facts_dimension_key_starts_at")
    op.drop_table("meeting_facts")
