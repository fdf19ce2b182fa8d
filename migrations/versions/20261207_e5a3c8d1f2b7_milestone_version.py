"""Policy milestones get a version column for optimistic locking (two people editing).

Revision ID: e5a3c8d1f2b7
Revises: d4f2b7e9a1c6
Create Date: 2026-12-07 10:00:00

Existing rows start at version 1, as new ones do; the server default only fills them and is
dropped again, since the model sets the value itself.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "e5a3c8d1f2b7"
down_revision = "d4f2b7e9a1c6"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("policy_milestones", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
    with op.batch_alter_table("policy_milestones", schema=None) as batch_op:
        batch_op.alter_column("version", existing_type=sa.Integer(), server_default=None)


def downgrade():
    with op.batch_alter_table("policy_milestones", schema=None) as batch_op:
        batch_op.drop_column("version")
