"""The page cache's change token: the `data` topic, renewed by every write, under which
rendered pages are kept (app/common/page_cache.py). Seeded here so that pages are kept from
the start and two first writers never race to create it.

Revision ID: b5d0c6e2a917
Revises: 4e15bd34e81f
Create Date: 2026-11-24 05:10:00

"""

import uuid

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b5d0c6e2a917"
down_revision = "4e15bd34e81f"
branch_labels = None
depends_on = None

TOKENS = sa.table("change_tokens", sa.column("topic", sa.String), sa.column("token", sa.String))


def upgrade():
    exists = op.get_bind().scalar(sa.select(TOKENS.c.topic).where(TOKENS.c.topic == "data"))
    if exists is None:  # a write since the code was deployed may already have made it
        op.bulk_insert(TOKENS, [{"topic": "data", "token": uuid.uuid4().hex}])


def downgrade():
    op.execute(TOKENS.delete().where(TOKENS.c.topic == "data"))
