"""Directory: audit log, tags, engagement stages, search and sort keys.

Existing organisations and contacts get their search text and Swedish sort key computed
here, and municipalities start at the stage "ej_kontaktad". The NOT NULL columns are added
with a temporary server default that is removed once the rows are filled.

Revision ID: c718b30ef186
Revises: 3b8c43144204
Create Date: 2026-11-23 19:49:07.726423

"""

import sqlalchemy as sa
from alembic import op

# The pure text functions of the app; the same ones the models call.
from app.common.text import fold, sort_key

revision = "c718b30ef186"
down_revision = "3b8c43144204"
branch_labels = None
depends_on = None

STAGES = "'ej_kontaktad', 'kontaktad', 'informerad', 'i_dialog', 'arbetar_aktivt', 'avbojt'"


def sort_key_column() -> sa.types.TypeEngine:
    return sa.String(length=200).with_variant(sa.String(length=200, collation="C"), "postgresql")


def upgrade():
    op.create_table(
        "tags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tags")),
        sa.UniqueConstraint("key", name=op.f("uq_tags_key")),
    )
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_name", sa.String(length=200), nullable=False),
        sa.Column("entity_type", sa.String(length=40), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["users.id"],
            name=op.f("fk_audit_events_actor_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.create_index("ix_audit_events_actor_id", ["actor_id"], unique=False)
        batch_op.create_index(
            "ix_audit_events_entity", ["entity_type", "entity_id", "occurred_at"], unique=False
        )

    op.create_table(
        "contact_tags",
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("tag_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_contact_tags_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tag_id"], ["tags.id"], name=op.f("fk_contact_tags_tag_id_tags"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("contact_id", "tag_id", name=op.f("pk_contact_tags")),
    )
    with op.batch_alter_table("contact_tags", schema=None) as batch_op:
        batch_op.create_index("ix_contact_tags_tag_id", ["tag_id"], unique=False)

    op.create_table(
        "engagement_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=32), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("opportunities", sa.Text(), nullable=False),
        sa.Column("challenges", sa.Text(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_by_id", sa.Integer(), nullable=True),
        sa.Column("changed_by_name", sa.String(length=200), nullable=False),
        sa.CheckConstraint(f"stage IN ({STAGES})", name=op.f("ck_engagement_changes_stage")),
        sa.ForeignKeyConstraint(
            ["changed_by_id"],
            ["users.id"],
            name=op.f("fk_engagement_changes_changed_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_engagement_changes_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_engagement_changes")),
    )
    with op.batch_alter_table("engagement_changes", schema=None) as batch_op:
        batch_op.create_index(
            "ix_engagement_changes_organisation_id_changed_at",
            ["organisation_id", "changed_at"],
            unique=False,
        )

    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("search_text", sa.String(length=600), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("sort_name", sort_key_column(), nullable=False, server_default="")
        )
        batch_op.create_index(batch_op.f("ix_contacts_sort_name"), ["sort_name"], unique=False)

    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("engagement_stage", sa.String(length=32), nullable=True))
        batch_op.create_check_constraint(
            op.f("ck_organisations_engagement_stage"), f"engagement_stage IN ({STAGES})"
        )
        for name in ("opportunities", "challenges"):
            batch_op.add_column(sa.Column(name, sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(
            sa.Column("search_text", sa.String(length=600), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("sort_name", sort_key_column(), nullable=False, server_default="")
        )
        batch_op.create_index(batch_op.f("ix_organisations_sort_name"), ["sort_name"], unique=False)

    fill_existing_rows()

    for table, columns in (
        ("contacts", ("search_text", "sort_name")),
        ("organisations", ("opportunities", "challenges", "search_text", "sort_name")),
    ):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in columns:
                batch_op.alter_column(column, server_default=None)


def fill_existing_rows():
    """Index the rows that exist and give municipalities their first stage."""
    connection = op.get_bind()
    organisations = sa.table(
        "organisations",
        sa.column("id"),
        sa.column("name"),
        sa.column("short_name"),
        sa.column("kind"),
        sa.column("municipality_code"),
        sa.column("org_number"),
        sa.column("parent_id"),
        sa.column("search_text"),
        sa.column("sort_name"),
        sa.column("engagement_stage"),
    )
    rows = {row.id: row for row in connection.execute(sa.select(organisations))}
    for row in rows.values():
        parts = [row.name, row.short_name, row.municipality_code, row.org_number]
        parent = rows.get(row.parent_id)
        if parent is not None:
            parts += [parent.name, parent.short_name]
        values = {
            "search_text": fold(" ".join(p for p in parts if p))[:600],
            "sort_name": sort_key(row.name)[:200],
        }
        if row.kind == "kommun" and row.parent_id is None:
            values["engagement_stage"] = "ej_kontaktad"
        connection.execute(
            organisations.update().where(organisations.c.id == row.id).values(**values)
        )

    contacts = sa.table(
        "contacts",
        sa.column("id"),
        sa.column("first_name"),
        sa.column("last_name"),
        sa.column("search_text"),
        sa.column("sort_name"),
    )
    emails = sa.table("contact_emails", sa.column("contact_id"), sa.column("address"))
    addresses: dict[int, list[str]] = {}
    for contact_id, address in connection.execute(sa.select(emails.c.contact_id, emails.c.address)):
        addresses.setdefault(contact_id, []).append(address)
    for row in connection.execute(sa.select(contacts)).all():
        parts = [row.first_name, row.last_name, *addresses.get(row.id, [])]
        connection.execute(
            contacts.update()
            .where(contacts.c.id == row.id)
            .values(
                search_text=fold(" ".join(p for p in parts if p))[:600],
                sort_name=sort_key(f"{row.last_name} {row.first_name}")[:200],
            )
        )


def downgrade():
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_organisations_sort_name"))
        batch_op.drop_constraint(op.f("ck_organisations_engagement_stage"), type_="check")
        for name in ("sort_name", "search_text", "challenges", "opportunities", "engagement_stage"):
            batch_op.drop_column(name)

    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contacts_sort_name"))
        batch_op.drop_column("sort_name")
        batch_op.drop_column("search_text")

    with op.batch_alter_table("engagement_changes", schema=None) as batch_op:
        batch_op.drop_index("ix_engagement_changes_organisation_id_changed_at")
    op.drop_table("engagement_changes")
    with op.batch_alter_table("contact_tags", schema=None) as batch_op:
        batch_op.drop_index("ix_contact_tags_tag_id")
    op.drop_table("contact_tags")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_events_entity")
        batch_op.drop_index("ix_audit_events_actor_id")
    op.drop_table("audit_events")
    op.drop_table("tags")
