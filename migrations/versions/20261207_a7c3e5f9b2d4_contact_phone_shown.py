"""Contact phone numbers keep how they are shown (`contact_phones.shown`: 070-123 45 67 for
+46701234567), written with the number by the model's default: the contact list formatted
every number it showed with the phone-number library on each view, a fifth of its time.

Existing rows are filled here as `app.common.validation.display_phone` formats them (copied
below, so this migration stays as it ran whatever that function becomes), in batches of
5,000 (300,000 numbers take about half a minute). The column stays nullable, so an insert
that does not know it (the previous release's processes until they are restarted) still
works; the app formats such a row when it reads it.

Revision ID: a7c3e5f9b2d4
Revises: f6b4d9e2a8c1
Create Date: 2026-12-07 16:00:00

"""

import phonenumbers
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a7c3e5f9b2d4"
down_revision = "f6b4d9e2a8c1"
branch_labels = None
depends_on = None

BATCH = 5_000


def display_phone(e164: str) -> str:
    """Swedish numbers nationally (070-123 45 67), others internationally (+47 22 12 34 56),
    anything unreadable as it is (app/common/validation.py on 2026-12-07)."""
    try:
        number = phonenumbers.parse(e164, "SE")
    except phonenumbers.NumberParseException:
        return e164
    if phonenumbers.region_code_for_number(number) == "SE":
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def upgrade():
    with op.batch_alter_table("contact_phones", schema=None) as batch_op:
        batch_op.add_column(sa.Column("shown", sa.String(length=48), nullable=True))
    phones = sa.table(
        "contact_phones", sa.column("id", sa.Integer), sa.column("number"), sa.column("shown")
    )
    connection = op.get_bind()
    last = 0
    while True:
        rows = connection.execute(
            sa.select(phones.c.id, phones.c.number)
            .where(phones.c.id > last)
            .order_by(phones.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            break
        connection.execute(
            phones.update()
            .where(phones.c.id == sa.bindparam("row_id"))
            .values(shown=sa.bindparam("row_shown")),
            [{"row_id": id_, "row_shown": display_phone(number)} for id_, number in rows],
        )
        last = rows[-1][0]


def downgrade():
    with op.batch_alter_table("contact_phones", schema=None) as batch_op:
        batch_op.drop_column("shown")
