"""Mailings: a functional mailbox on organisations, mailings with their recipients (status
per recipient, the lease of the worker sending it) and contacts' opt-outs. New tables and
one nullable column added in place (no rebuild of `organisations`, so the text index's
triggers on SQLite stay as they are).

Revision ID: d099e54b592c
Revises: c5d1f8e2a736
Create Date: 2026-12-06 03:03:42

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "d099e54b592c"
down_revision = "c5d1f8e2a736"
branch_labels = None
depends_on = None


def enum(*values, name):
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=32)


def upgrade():
    op.add_column("organisations", sa.Column("mailbox", sa.String(length=254), nullable=True))
    op.create_table(
        "mailing_opt_outs",
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("opted_out_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by_name", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_mailing_opt_outs_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("contact_id", name=op.f("pk_mailing_opt_outs")),
    )
    op.create_table(
        "mailings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("audience", enum("organisationer", "kontakter", name="mailing_audience"), nullable=False),
        sa.Column("criteria", sa.JSON(), nullable=False),
        sa.Column("role", sa.String(length=200), nullable=False),
        sa.Column("tag", sa.String(length=60), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=True),
        sa.Column("lacking_only", sa.Boolean(), nullable=False),
        sa.Column(
            "status",
            enum("utkast", "skickas", "filer", "klar", name="mailing_status"),
            nullable=False,
        ),
        sa.Column("lease_token", sa.String(length=40), nullable=True),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_mailings_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["material_versions.id"],
            name=op.f("fk_mailings_version_id_material_versions"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mailings")),
    )
    op.create_index("ix_mailings_status", "mailings", ["status"])
    op.create_index(op.f("ix_mailings_version_id"), "mailings", ["version_id"])
    op.create_table(
        "mailing_recipients",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mailing_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("organisation_name", sa.String(length=400), nullable=False),
        sa.Column("address", sa.String(length=254), nullable=False),
        sa.Column(
            "status",
            enum("koad", "skickas", "skickad", "misslyckad", "osaker", name="recipient_status"),
            nullable=False,
        ),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("delivery_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_mailing_recipients_contact_id_contacts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["delivery_id"],
            ["deliveries.id"],
            name=op.f("fk_mailing_recipients_delivery_id_deliveries"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["mailing_id"],
            ["mailings.id"],
            name=op.f("fk_mailing_recipients_mailing_id_mailings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_mailing_recipients_organisation_id_organisations"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mailing_recipients")),
        sa.UniqueConstraint(
            "mailing_id", "address", name=op.f("uq_mailing_recipients_mailing_id_address")
        ),
    )
    op.create_index("ix_mailing_recipients_contact_id", "mailing_recipients", ["contact_id"])
    op.create_index(
        "ix_mailing_recipients_mailing_id_status", "mailing_recipients", ["mailing_id", "status"]
    )
    op.create_index(
        "ix_mailing_recipients_organisation_id", "mailing_recipients", ["organisation_id"]
    )


def downgrade():
    op.drop_table("mailing_recipients")
    op.drop_table("mailings")
    op.drop_table("mailing_opt_outs")
    # In place (SQLite 3.35+ drops a column without rebuilding the table and its triggers).
    op.drop_column("organisations", "mailbox")
