"""Meetings (with organisations, contacts, team, topics, target groups, perspectives) and
follow-ups.

Revision ID: c3b160d73356
Revises: 92b7ce34b451
Create Date: 2026-11-23 20:34:46.980869

"""

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "c3b160d73356"
down_revision = "92b7ce34b451"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "target_groups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_target_groups")),
        sa.UniqueConstraint("key", name=op.f("uq_target_groups_key")),
    )
    op.create_table(
        "topics",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_topics")),
        sa.UniqueConstraint("key", name=op.f("uq_topics_key")),
    )
    op.create_table(
        "meetings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("all_day", sa.Boolean(), nullable=False),
        sa.Column("place", sa.String(length=300), nullable=False),
        sa.Column("online_link", sa.String(length=1000), nullable=False),
        sa.Column("agenda", sa.Text(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("responsible_id", sa.Integer(), nullable=False),
        sa.Column("search_text", sa.String(length=600), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["responsible_id"],
            ["users.id"],
            name=op.f("fk_meetings_responsible_id_users"),
            ondelete="RESTRICT",
        ),
        sa.CheckConstraint(
            "kind IN ('fysiskt', 'digitalt', 'telefon', 'konferens', 'studiebesok', 'skriftlig')",
            name=op.f("ck_meetings_kind"),
        ),
        sa.CheckConstraint(
            "status IN ('planerat', 'genomfort', 'installt')", name=op.f("ck_meetings_status")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meetings")),
    )
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meetings_created_at"), ["created_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_meetings_responsible_id"), ["responsible_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_meetings_starts_at"), ["starts_at"], unique=False)
        batch_op.create_index("ix_meetings_status_starts_at", ["status", "starts_at"], unique=False)

    op.create_table(
        "follow_ups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.Column("completion_note", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_follow_ups_contact_id_contacts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_follow_ups_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_follow_ups_meeting_id_meetings"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_follow_ups_organisation_id_organisations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_follow_ups_owner_id_users"),
            ondelete="RESTRICT",
        ),
        sa.CheckConstraint(
            "status IN ('oppen', 'klar', 'avbruten')", name=op.f("ck_follow_ups_status")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_ups")),
    )
    with op.batch_alter_table("follow_ups", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_follow_ups_contact_id"), ["contact_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_follow_ups_meeting_id"), ["meeting_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_follow_ups_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_follow_ups_owner_id"), ["owner_id"], unique=False)
        batch_op.create_index("ix_follow_ups_status_due_on", ["status", "due_on"], unique=False)

    op.create_table(
        "meeting_contacts",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_meeting_contacts_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_meeting_contacts_meeting_id_meetings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("meeting_id", "contact_id", name=op.f("pk_meeting_contacts")),
    )
    with op.batch_alter_table("meeting_contacts", schema=None) as batch_op:
        batch_op.create_index("ix_meeting_contacts_contact_id", ["contact_id"], unique=False)

    op.create_table(
        "meeting_organisations",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_meeting_organisations_meeting_id_meetings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_meeting_organisations_organisation_id_organisations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint(
            "meeting_id", "organisation_id", name=op.f("pk_meeting_organisations")
        ),
    )
    with op.batch_alter_table("meeting_organisations", schema=None) as batch_op:
        batch_op.create_index(
            "ix_meeting_organisations_organisation_id", ["organisation_id"], unique=False
        )

    op.create_table(
        "meeting_perspectives",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("perspective", sa.String(length=32), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_meeting_perspectives_meeting_id_meetings"),
            ondelete="CASCADE",
        ),
        sa.CheckConstraint(
            "perspective IN ('barnratt', 'funktionshinder', 'jamstalldhet')",
            name=op.f("ck_meeting_perspectives_perspective"),
        ),
        sa.PrimaryKeyConstraint("meeting_id", "perspective", name=op.f("pk_meeting_perspectives")),
    )
    op.create_table(
        "meeting_target_groups",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("target_group_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_meeting_target_groups_meeting_id_meetings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["target_group_id"],
            ["target_groups.id"],
            name=op.f("fk_meeting_target_groups_target_group_id_target_groups"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "meeting_id", "target_group_id", name=op.f("pk_meeting_target_groups")
        ),
    )
    with op.batch_alter_table("meeting_target_groups", schema=None) as batch_op:
        batch_op.create_index(
            "ix_meeting_target_groups_target_group_id", ["target_group_id"], unique=False
        )

    op.create_table(
        "meeting_team",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_meeting_team_meeting_id_meetings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_meeting_team_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("meeting_id", "user_id", name=op.f("pk_meeting_team")),
    )
    with op.batch_alter_table("meeting_team", schema=None) as batch_op:
        batch_op.create_index("ix_meeting_team_user_id", ["user_id"], unique=False)

    op.create_table(
        "meeting_topics",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("topic_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_meeting_topics_meeting_id_meetings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["topic_id"],
            ["topics.id"],
            name=op.f("fk_meeting_topics_topic_id_topics"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("meeting_id", "topic_id", name=op.f("pk_meeting_topics")),
    )
    with op.batch_alter_table("meeting_topics", schema=None) as batch_op:
        batch_op.create_index("ix_meeting_topics_topic_id", ["topic_id"], unique=False)


def downgrade():
    with op.batch_alter_table("meeting_topics", schema=None) as batch_op:
        batch_op.drop_index("ix_meeting_topics_topic_id")

    op.drop_table("meeting_topics")
    with op.batch_alter_table("meeting_team", schema=None) as batch_op:
        batch_op.drop_index("ix_meeting_team_user_id")

    op.drop_table("meeting_team")
    with op.batch_alter_table("meeting_target_groups", schema=None) as batch_op:
        batch_op.drop_index("ix_meeting_target_groups_target_group_id")

    op.drop_table("meeting_target_groups")
    op.drop_table("meeting_perspectives")
    with op.batch_alter_table("meeting_organisations", schema=None) as batch_op:
        batch_op.drop_index("ix_meeting_organisations_organisation_id")

    op.drop_table("meeting_organisations")
    with op.batch_alter_table("meeting_contacts", schema=None) as batch_op:
        batch_op.drop_index("ix_meeting_contacts_contact_id")

    op.drop_table("meeting_contacts")
    with op.batch_alter_table("follow_ups", schema=None) as batch_op:
        batch_op.drop_index("ix_follow_ups_status_due_on")
        batch_op.drop_index(batch_op.f("ix_follow_ups_owner_id"))
        batch_op.drop_index(batch_op.f("ix_follow_ups_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_follow_ups_meeting_id"))
        batch_op.drop_index(batch_op.f("ix_follow_ups_contact_id"))

    op.drop_table("follow_ups")
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.drop_index("ix_meetings_status_starts_at")
        batch_op.drop_index(batch_op.f("ix_meetings_starts_at"))
        batch_op.drop_index(batch_op.f("ix_meetings_responsible_id"))
        batch_op.drop_index(batch_op.f("ix_meetings_created_at"))

    op.drop_table("meetings")
    op.drop_table("topics")
    op.drop_table("target_groups")
