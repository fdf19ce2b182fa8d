"""Theme tallies: the lägesbild's theme figures read counted mentions per day and month.

Revision ID: d4f2b7e9a1c6
Revises: c3e8a1f5d927
Create Date: 2026-12-07 09:00:00

The table is filled from the existing mentions here (the same computation as
`flask themes rebuild-tally`), so an upgraded installation shows the same figures at once.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "d4f2b7e9a1c6"
down_revision = "c3e8a1f5d927"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "theme_tallies",
        sa.Column("grain", sa.String(length=1), nullable=False),
        sa.Column("period", sa.Date(), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=False),
        sa.Column(
            "side",
            sa.Enum(
                "mojlighet",
                "utmaning",
                name="tally_side",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("mentions", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_theme_tallies_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["theme_id"],
            ["themes.id"],
            name=op.f("fk_theme_tallies_theme_id_themes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "grain", "period", "theme_id", "side", "organisation_id", name=op.f("pk_theme_tallies")
        ),
    )
    op.create_index(
        "ix_theme_tallies_theme_id_grain_period",
        "theme_tallies",
        ["theme_id", "grain", "period"],
        unique=False,
    )
    _fill(op.get_bind())


MENTIONS = sa.table(
    "theme_mentions",
    sa.column("theme_id", sa.Integer),
    sa.column("side", sa.String),
    sa.column("organisation_id", sa.Integer),
    sa.column("mentioned_on", sa.Date),
    sa.column("meeting_id", sa.Integer),
)
MEETINGS = sa.table("meetings", sa.column("id", sa.Integer), sa.column("deleted_at", sa.DateTime))
TALLIES = sa.table(
    "theme_tallies",
    sa.column("grain", sa.String),
    sa.column("period", sa.Date),
    sa.column("theme_id", sa.Integer),
    sa.column("side", sa.String),
    sa.column("organisation_id", sa.Integer),
    sa.column("mentions", sa.Integer),
)


def _fill(connection):
    """The tally of the mentions there are, as app/themes/tally.py computes it (written out
    here so that this migration does not change when the app does)."""
    rows = connection.execute(
        sa.select(
            MENTIONS.c.theme_id,
            MENTIONS.c.side,
            MENTIONS.c.organisation_id,
            MENTIONS.c.mentioned_on,
            sa.func.count(),
        )
        .select_from(MENTIONS)
        .outerjoin(MEETINGS, MEETINGS.c.id == MENTIONS.c.meeting_id)
        .where(sa.or_(MENTIONS.c.meeting_id.is_(None), MEETINGS.c.deleted_at.is_(None)))
        .group_by(
            MENTIONS.c.theme_id,
            MENTIONS.c.side,
            MENTIONS.c.organisation_id,
            MENTIONS.c.mentioned_on,
        )
    ).all()
    tallies = {}
    for theme_id, side, organisation_id, day, count in rows:
        for grain, period in (("d", day), ("m", day.replace(day=1))):
            key = (grain, period, theme_id, side, organisation_id)
            tallies[key] = tallies.get(key, 0) + count
    if tallies:
        names = ("grain", "period", "theme_id", "side", "organisation_id")
        connection.execute(
            TALLIES.insert(),
            [dict(zip(names, key, strict=True), mentions=n) for key, n in tallies.items()],
        )


def downgrade():
    op.drop_index("ix_theme_tallies_theme_id_grain_period", table_name="theme_tallies")
    op.drop_table("theme_tallies")
