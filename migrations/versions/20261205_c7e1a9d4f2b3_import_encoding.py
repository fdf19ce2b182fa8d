"""Import batches keep how their file was read: a CSV that is not UTF-8 waits, as
"undecided", for the user to choose its encoding (app/contacts/import_files.py).

Revision ID: c7e1a9d4f2b3
Revises: 7a1e5c0d2b94
Create Date: 2026-12-05 09:40:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c7e1a9d4f2b3"
down_revision = "7a1e5c0d2b94"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("import_batches") as batch_op:
        batch_op.add_column(sa.Column("encoding", sa.String(length=20), nullable=True))


def downgrade():
    with op.batch_alter_table("import_batches") as batch_op:
        batch_op.drop_column("encoding")
