"""Theme tally sets: the organisations of the theme tally per grain, period, theme and side,
as a bitmap, which the lägesbild's theme figures read instead of the tally's rows.

At scale 100 a year of the tally is 23,000 month rows (theme, side, organisation, month),
and the figures grouped them with count(DISTINCT …) over two joins: 17 ms of the
lägesbild's 51. A year of sets is a few hundred rows.

Filled here from the existing tally (as `app.themes.tally._set_rows` does it, written out
below so this migration stays as it ran), so an upgraded installation shows the same
figures at once.

Revision ID: c3e5a7b9d1f2
Revises: b2d4f6a8c0e1
Create Date: 2026-12-08 00:40:00

"""

from collections import defaultdict

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c3e5a7b9d1f2"
down_revision = "b2d4f6a8c0e1"
branch_labels = None
depends_on = None

TALLIES = sa.table(
    "theme_tallies",
    sa.column("grain", sa.String),
    sa.column("period", sa.Date),
    sa.column("theme_id", sa.Integer),
    sa.column("side", sa.String),
    sa.column("organisation_id", sa.Integer),
)


def upgrade():
    sets = op.create_table(
        "theme_tally_sets",
        sa.Column("grain", sa.String(length=1), nullable=False),
        sa.Column("period", sa.Date(), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=False),
        sa.Column(
            "side",
            sa.Enum(
                "mojlighet",
                "utmaning",
                name="tally_set_side",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("organisations", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["theme_id"],
            ["themes.id"],
            name=op.f("fk_theme_tally_sets_theme_id_themes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "grain", "period", "theme_id", "side", name=op.f("pk_theme_tally_sets")
        ),
    )
    op.create_index(
        "ix_theme_tally_sets_theme_id_grain_period",
        "theme_tally_sets",
        ["theme_id", "grain", "period"],
        unique=False,
    )
    found = defaultdict(int)
    rows = op.get_bind().execute(
        sa.select(
            TALLIES.c.grain,
            TALLIES.c.period,
            TALLIES.c.theme_id,
            TALLIES.c.side,
            TALLIES.c.organisation_id,
        )
    )
    for grain, period, theme_id, side, organisation_id in rows:
        found[(grain, period, theme_id, side)] |= 1 << organisation_id
    if found:
        names = ("grain", "period", "theme_id", "side")
        op.bulk_insert(
            sets,
            [
                dict(
                    zip(names, key, strict=True),
                    organisations=value.to_bytes((value.bit_length() + 7) // 8, "little"),
                )
                for key, value in found.items()
            ],
        )


def downgrade():
    op.drop_index("ix_theme_tally_sets_theme_id_grain_period", table_name="theme_tally_sets")
    op.drop_table("theme_tally_sets")
