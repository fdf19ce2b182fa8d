"""Contact imports: uploaded files as batches, and the contacts each one created or updated.

Revision ID: 58168e90deac
Revises: c718b30ef186
Create Date: 2026-11-23 20:15:01.363191

"""

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "58168e90deac"
down_revision = "c718b30ef186"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "import_batches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("header", sa.JSON(), nullable=False),
        sa.Column("rows", sa.JSON(), nullable=False),
        sa.Column("mapping", sa.JSON(), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_by_name", sa.String(length=200), nullable=False),
        sa.Column("committed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reverted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_event_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "status IN ('draft', 'committed', 'reverted')", name=op.f("ck_import_batches_status")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_import_batches_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_batches")),
    )
    op.create_table(
        "import_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("row_number", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=10), nullable=False),
        sa.Column("before", sa.JSON(), nullable=False),
        sa.Column("affiliation_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("action IN ('created', 'updated')", name=op.f("ck_import_items_action")),
        sa.ForeignKeyConstraint(
            ["affiliation_id"],
            ["affiliations.id"],
            name=op.f("fk_import_items_affiliation_id_affiliations"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["import_batches.id"],
            name=op.f("fk_import_items_batch_id_import_batches"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_import_items_contact_id_contacts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_items")),
    )
    with op.batch_alter_table("import_items", schema=None) as batch_op:
        batch_op.create_index("ix_import_items_batch_id", ["batch_id"], unique=False)
        batch_op.create_index("ix_import_items_contact_id", ["contact_id"], unique=False)


def downgrade():
    with op.batch_alter_table("import_items", schema=None) as batch_op:
        batch_op.drop_index("ix_import_items_contact_id")
        batch_op.drop_index("ix_import_items_batch_id")

    op.drop_table("import_items")
    op.drop_table("import_batches")
