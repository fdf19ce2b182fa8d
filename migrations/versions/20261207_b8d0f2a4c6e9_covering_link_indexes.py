"""The meeting link tables' indexes by organisation, contact and team member also hold the
meeting: an organisation's (or contact's, or person's) meetings are then read from the index
alone instead of one table row per link (Malmö's 2,674 links at scale 100: the organisation
page's meeting statement 7.5 → 4 ms on SQLite). Same names, one more column each. Plain
CREATE/DROP INDEX: no table is rebuilt.

Revision ID: b8d0f2a4c6e9
Revises: a7c9e1f3b5d8
Create Date: 2026-12-07 08:30:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "b8d0f2a4c6e9"
down_revision = "a7c9e1f3b5d8"
branch_labels = None
depends_on = None

#: (table, index, the column it is by)
LINKS = (
    ("meeting_organisations", "ix_meeting_organisations_organisation_id", "organisation_id"),
    ("meeting_contacts", "ix_meeting_contacts_contact_id", "contact_id"),
    ("meeting_team", "ix_meeting_team_user_id", "user_id"),
)


def upgrade():
    for table, index, column in LINKS:
        op.drop_index(index, table_name=table)
        op.create_index(index, table, [column, "meeting_id"], unique=False)


def downgrade():
    for table, index, column in LINKS:
        op.drop_index(index, table_name=table)
        op.create_index(index, table, [column], unique=False)
