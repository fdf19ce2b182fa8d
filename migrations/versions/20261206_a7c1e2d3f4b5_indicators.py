"""Municipal indicators: indicators (a number or a category, such as SKR's kommungrupp), their
figures per municipality and year, and draft indicator imports. New tables only (nothing to
rebuild on SQLite).

Revision ID: a7c1e2d3f4b5
Revises: d1f14f4458be
Create Date: 2026-12-06 19:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a7c1e2d3f4b5"
down_revision = "d1f14f4458be"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "indicators",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("unit", sa.String(length=60), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('number', 'category')", name=op.f("ck_indicators_kind")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicators")),
        sa.UniqueConstraint("name", name=op.f("uq_indicators_name")),
    )
    op.create_table(
        "indicator_imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("header", sa.JSON(), nullable=False),
        sa.Column("rows", sa.JSON(), nullable=False),
        sa.Column("mapping", sa.JSON(), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_by_name", sa.String(length=200), nullable=False),
        sa.Column("committed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('draft', 'committed')", name=op.f("ck_indicator_imports_status")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_indicator_imports_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["indicator_id"],
            ["indicators.id"],
            name=op.f("fk_indicator_imports_indicator_id_indicators"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicator_imports")),
    )
    op.create_index(
        "ix_indicator_imports_indicator_id", "indicator_imports", ["indicator_id"], unique=False
    )
    op.create_table(
        "indicator_values",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("category", sa.String(length=100), nullable=True),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=True),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["indicator_imports.id"],
            name=op.f("fk_indicator_values_import_id_indicator_imports"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["indicator_id"],
            ["indicators.id"],
            name=op.f("fk_indicator_values_indicator_id_indicators"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_indicator_values_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.CheckConstraint(
            "value IS NOT NULL OR category IS NOT NULL",
            name=op.f("ck_indicator_values_value_or_category"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicator_values")),
        sa.UniqueConstraint(
            "indicator_id",
            "year",
            "organisation_id",
            name=op.f("uq_indicator_values_indicator_id_year_organisation_id"),
        ),
    )
    op.create_index(
        "ix_indicator_values_organisation_id",
        "indicator_values",
        ["organisation_id"],
        unique=False,
    )
    op.create_index(
        "ix_indicator_values_import_id", "indicator_values", ["import_id"], unique=False
    )


def downgrade():
    op.drop_index("ix_indicator_values_import_id", table_name="indicator_values")
    op.drop_index("ix_indicator_values_organisation_id", table_name="indicator_values")
    op.drop_table("indicator_values")
    op.drop_index("ix_indicator_imports_indicator_id", table_name="indicator_imports")
    op.drop_table("indicator_imports")
    op.drop_table("indicators")
