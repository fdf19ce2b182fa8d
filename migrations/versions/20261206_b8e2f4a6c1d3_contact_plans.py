"""Contact plans (app/plans): a plan (title, scope, owner, from/until, note, version) and its
items, one organisation each with an optional due day and responsible user of its own (empty:
the plan's end and owner). Two new tables; nothing existing is rebuilt.

Revision ID: b8e2f4a6c1d3
Revises: a7d1e9c3b5f2
Create Date: 2026-12-06 19:40:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b8e2f4a6c1d3"
down_revision = "a7d1e9c3b5f2"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "contact_plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("scope", sa.String(length=200), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_contact_plans_owner_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_contact_plans_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_plans")),
    )
    with op.batch_alter_table("contact_plans", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contact_plans_owner_id"), ["owner_id"], unique=False)

    op.create_table(
        "contact_plan_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("responsible_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["contact_plans.id"],
            name=op.f("fk_contact_plan_items_plan_id_contact_plans"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_contact_plan_items_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["responsible_id"],
            ["users.id"],
            name=op.f("fk_contact_plan_items_responsible_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_plan_items")),
        sa.UniqueConstraint(
            "plan_id", "organisation_id", name=op.f("uq_contact_plan_items_plan_id_organisation_id")
        ),
    )
    with op.batch_alter_table("contact_plan_items", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contact_plan_items_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_contact_plan_items_responsible_id"), ["responsible_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("contact_plan_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contact_plan_items_responsible_id"))
        batch_op.drop_index(batch_op.f("ix_contact_plan_items_organisation_id"))
    op.drop_table("contact_plan_items")
    with op.batch_alter_table("contact_plans", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contact_plans_owner_id"))
    op.drop_table("contact_plans")
