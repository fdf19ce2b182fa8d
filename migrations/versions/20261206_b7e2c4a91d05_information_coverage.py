"""Information coverage: a delivery's outcome (delivered, failed, uncertain) and the
maintained `information_facts` behind "Informerad med X" and "Information sent", filled from
the deliveries already recorded (all of them delivered: the outcome's default).

`deliveries` has no search-index triggers, so its batch rebuild on SQLite loses nothing.

Revision ID: b7e2c4a91d05
Revises: f3c4d5e6a7b8
Create Date: 2026-12-06 03:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b7e2c4a91d05"
down_revision = "f3c4d5e6a7b8"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "outcome",
                sa.Enum(
                    "levererad",
                    "misslyckad",
                    "osaker",
                    name="delivery_outcome",
                    native_enum=False,
                    create_constraint=True,
                    length=32,
                ),
                nullable=False,
                server_default="levererad",
            )
        )
    op.create_table(
        "information_facts",
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column(
            "channel",
            sa.Enum(
                "utskick",
                "mote",
                "hand",
                name="delivery_channel",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("material_id", sa.Integer(), nullable=False),
        sa.Column("deliveries", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["material_id"],
            ["materials.id"],
            name=op.f("fk_information_facts_material_id_materials"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_information_facts_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["material_versions.id"],
            name=op.f("fk_information_facts_version_id_material_versions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "version_id", "organisation_id", "day", "channel", name=op.f("pk_information_facts")
        ),
    )
    op.create_index("ix_information_facts_day", "information_facts", ["day"], unique=False)
    op.create_index(
        "ix_information_facts_material_id_organisation_id",
        "information_facts",
        ["material_id", "organisation_id"],
        unique=False,
    )
    op.execute(
        "INSERT INTO information_facts "
        "(version_id, organisation_id, day, channel, material_id, deliveries) "
        "SELECT version_id, organisation_id, delivered_on, channel, material_id, COUNT(*) "
        "FROM deliveries WHERE outcome = 'levererad' "
        "GROUP BY version_id, organisation_id, delivered_on, channel, material_id"
    )


def downgrade():
    op.drop_index("ix_information_facts_material_id_organisation_id", table_name="information_facts")
    op.drop_index("ix_information_facts_day", table_name="information_facts")
    op.drop_table("information_facts")
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.drop_constraint("delivery_outcome", type_="check")
        batch_op.drop_column("outcome")
