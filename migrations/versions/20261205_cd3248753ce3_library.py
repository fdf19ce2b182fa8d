"""The library: materials (guidance, information, good examples, research), their versions
(a file stored by content hash under the library folder, or a link), topics, target groups
and perspectives, and the distribution log (deliveries). New tables only; nothing to fill.

Revision ID: cd3248753ce3
Revises: e4b7a2c9d315
Create Date: 2026-12-05 22:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "cd3248753ce3"
down_revision = "e4b7a2c9d315"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "materials",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "vagledning",
                "informationsmaterial",
                "gott_exempel",
                "forskning",
                name="material_kind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "utkast",
                "publicerad",
                "ersatt",
                name="material_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("source_organisation_id", sa.Integer(), nullable=True),
        sa.Column("authors", sa.String(length=500), nullable=False),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("publisher", sa.String(length=300), nullable=False),
        sa.Column("link", sa.String(length=1000), nullable=False),
        sa.Column("doi", sa.String(length=200), nullable=False),
        sa.Column("search_text", sa.String(length=1000), nullable=False),
        sa.Column(
            "sort_title",
            sa.String(length=300).with_variant(sa.String(length=300, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deleted_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_materials_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["deleted_by_id"],
            ["users.id"],
            name=op.f("fk_materials_deleted_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["source_organisation_id"],
            ["organisations.id"],
            name=op.f("fk_materials_source_organisation_id_organisations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_materials")),
    )
    with op.batch_alter_table("materials", schema=None) as batch_op:
        batch_op.create_index(
            "ix_materials_live_sort_title",
            ["sort_title"],
            unique=False,
            sqlite_where=sa.text("deleted_at IS NULL"),
            postgresql_where=sa.text("deleted_at IS NULL"),
        )
        batch_op.create_index(
            batch_op.f("ix_materials_source_organisation_id"),
            ["source_organisation_id"],
            unique=False,
        )
        batch_op.create_index("ix_materials_year", ["year"], unique=False)

    op.create_table(
        "material_perspectives",
        sa.Column("material_id", sa.Integer(), nullable=False),
        sa.Column(
            "perspective",
            sa.Enum(
                "barnratt",
                "funktionshinder",
                "jamstalldhet",
                name="perspective",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["material_id"],
            ["materials.id"],
            name=op.f("fk_material_perspectives_material_id_materials"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "material_id", "perspective", name=op.f("pk_material_perspectives")
        ),
    )
    op.create_table(
        "material_target_groups",
        sa.Column("material_id", sa.Integer(), nullable=False),
        sa.Column("target_group_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["material_id"],
            ["materials.id"],
            name=op.f("fk_material_target_groups_material_id_materials"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["target_group_id"],
            ["target_groups.id"],
            name=op.f("fk_material_target_groups_target_group_id_target_groups"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "material_id", "target_group_id", name=op.f("pk_material_target_groups")
        ),
    )
    with op.batch_alter_table("material_target_groups", schema=None) as batch_op:
        batch_op.create_index(
            "ix_material_target_groups_target_group_id", ["target_group_id"], unique=False
        )

    op.create_table(
        "material_topics",
        sa.Column("material_id", sa.Integer(), nullable=False),
        sa.Column("topic_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["material_id"],
            ["materials.id"],
            name=op.f("fk_material_topics_material_id_materials"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["topic_id"],
            ["topics.id"],
            name=op.f("fk_material_topics_topic_id_topics"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("material_id", "topic_id", name=op.f("pk_material_topics")),
    )
    with op.batch_alter_table("material_topics", schema=None) as batch_op:
        batch_op.create_index("ix_material_topics_topic_id", ["topic_id"], unique=False)

    op.create_table(
        "material_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("material_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("file_hash", sa.String(length=64), nullable=True),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=120), nullable=False),
        sa.Column("size", sa.Integer(), nullable=True),
        sa.Column("link", sa.String(length=1000), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_material_versions_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["material_id"],
            ["materials.id"],
            name=op.f("fk_material_versions_material_id_materials"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_material_versions")),
        sa.UniqueConstraint(
            "material_id", "number", name=op.f("uq_material_versions_material_id_number")
        ),
    )
    with op.batch_alter_table("material_versions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_material_versions_file_hash"), ["file_hash"], unique=False
        )

    op.create_table(
        "deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("material_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column(
            "channel",
            sa.Enum(
                "utskick",
                "mote",
                "hand",
                name="delivery_channel",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("delivered_on", sa.Date(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_deliveries_contact_id_contacts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["material_id"],
            ["materials.id"],
            name=op.f("fk_deliveries_material_id_materials"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_deliveries_meeting_id_meetings"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_deliveries_organisation_id_organisations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["users.id"],
            name=op.f("fk_deliveries_recorded_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["material_versions.id"],
            name=op.f("fk_deliveries_version_id_material_versions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deliveries")),
    )
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.create_index("ix_deliveries_contact_id", ["contact_id"], unique=False)
        batch_op.create_index(
            "ix_deliveries_material_id_organisation_id",
            ["material_id", "organisation_id"],
            unique=False,
        )
        batch_op.create_index("ix_deliveries_meeting_id", ["meeting_id"], unique=False)
        batch_op.create_index(
            "ix_deliveries_organisation_id_delivered_on",
            ["organisation_id", "delivered_on"],
            unique=False,
        )
        batch_op.create_index("ix_deliveries_version_id", ["version_id"], unique=False)


def downgrade():
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.drop_index("ix_deliveries_version_id")
        batch_op.drop_index("ix_deliveries_organisation_id_delivered_on")
        batch_op.drop_index("ix_deliveries_meeting_id")
        batch_op.drop_index("ix_deliveries_material_id_organisation_id")
        batch_op.drop_index("ix_deliveries_contact_id")

    op.drop_table("deliveries")
    with op.batch_alter_table("material_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_material_versions_file_hash"))

    op.drop_table("material_versions")
    with op.batch_alter_table("material_topics", schema=None) as batch_op:
        batch_op.drop_index("ix_material_topics_topic_id")

    op.drop_table("material_topics")
    with op.batch_alter_table("material_target_groups", schema=None) as batch_op:
        batch_op.drop_index("ix_material_target_groups_target_group_id")

    op.drop_table("material_target_groups")
    op.drop_table("material_perspectives")
    with op.batch_alter_table("materials", schema=None) as batch_op:
        batch_op.drop_index("ix_materials_year")
        batch_op.drop_index(batch_op.f("ix_materials_source_organisation_id"))
        batch_op.drop_index(
            "ix_materials_live_sort_title",
            sqlite_where=sa.text("deleted_at IS NULL"),
            postgresql_where=sa.text("deleted_at IS NULL"),
        )

    op.drop_table("materials")
