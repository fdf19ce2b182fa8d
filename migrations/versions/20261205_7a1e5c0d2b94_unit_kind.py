"""Units get their own kind, "enhet": an organisation with a parent (such as a municipality's
social services) is no longer counted as a "kommun", so the Kommun filter shows the 290
municipalities and not their units too.

Upgrade: the kind CHECK constraint admits 'enhet', and every existing unit (parent_id set)
becomes one. Downgrade: each unit takes its parent's kind again (a unit under a unit once the
parent has its own), and the constraint is put back as it was.

Revision ID: 7a1e5c0d2b94
Revises: 63b5e036b39d
Create Date: 2026-12-05 09:40:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "7a1e5c0d2b94"
down_revision = "63b5e036b39d"
branch_labels = None
depends_on = None

OLD_KINDS = ("kommun", "lansstyrelse", "region", "myndighet", "skr", "civilsamhalle", "annan")
NEW_KINDS = (*OLD_KINDS, "enhet")


def kind_check(kinds: tuple[str, ...]) -> str:
    return "kind IN ({})".format(", ".join(f"'{kind}'" for kind in kinds))


def replace_kind_check(kinds: tuple[str, ...]) -> None:
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_organisations_kind"), type_="check")
        batch_op.create_check_constraint(op.f("ck_organisations_kind"), kind_check(kinds))


def upgrade():
    replace_kind_check(NEW_KINDS)
    op.execute(sa.text("UPDATE organisations SET kind = 'enhet' WHERE parent_id IS NOT NULL"))


def downgrade():
    # Top-down: a unit takes its parent's kind once that parent is no longer 'enhet'.
    # Each pass settles one level of the hierarchy; a depth beyond 20 does not occur.
    for _level in range(20):
        settled = op.get_bind().execute(
            sa.text(
                "UPDATE organisations SET kind = (SELECT parent.kind FROM organisations AS parent"
                " WHERE parent.id = organisations.parent_id)"
                " WHERE kind = 'enhet' AND EXISTS (SELECT 1 FROM organisations AS parent"
                " WHERE parent.id = organisations.parent_id AND parent.kind <> 'enhet')"
            )
        )
        if not settled.rowcount:
            break
    op.execute(sa.text("UPDATE organisations SET kind = 'annan' WHERE kind = 'enhet'"))
    replace_kind_check(OLD_KINDS)
