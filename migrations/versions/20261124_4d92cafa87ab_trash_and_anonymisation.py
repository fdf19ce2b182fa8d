"""The trash (soft delete) for organisations, contacts, meetings and follow-ups, and the mark
left on a contact whose personal data was erased.

Every existing row starts outside the trash (deleted_at NULL).

Revision ID: 4d92cafa87ab
Revises: 4822cf5e5ca4
Create Date: 2026-11-24 00:29:51.792820

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "4d92cafa87ab"
down_revision = "4822cf5e5ca4"
branch_labels = None
depends_on = None

TABLES = ("organisations", "contacts", "meetings", "follow_ups")


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True))
            batch_op.add_column(sa.Column("deleted_by_id", sa.Integer(), nullable=True))
            batch_op.create_foreign_key(
                batch_op.f(f"fk_{table}_deleted_by_id_users"),
                "users",
                ["deleted_by_id"],
                ["id"],
                ondelete="SET NULL",
            )
            if table == "contacts":
                batch_op.add_column(
                    sa.Column("anonymised_at", sa.DateTime(timezone=True), nullable=True)
                )


def downgrade():
    for table in reversed(TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            if table == "contacts":
                batch_op.drop_column("anonymised_at")
            batch_op.drop_constraint(
                batch_op.f(f"fk_{table}_deleted_by_id_users"), type_="foreignkey"
            )
            batch_op.drop_column("deleted_by_id")
            batch_op.drop_column("deleted_at")
