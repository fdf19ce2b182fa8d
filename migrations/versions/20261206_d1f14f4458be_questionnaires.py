"""Questionnaires (sections, questions, recipients, hashed personal links, responses with
their answers, reminders), themes with their coded mentions, and the questionnaire a mailing
carries links for. New tables, and one nullable column on `mailings` (a batch rebuild on
SQLite; `mailings` has no text-index triggers).

Revision ID: d1f14f4458be
Revises: d099e54b592c
Create Date: 2026-12-06 07:24:19.894460

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "d1f14f4458be"
down_revision = "d099e54b592c"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "themes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("name_en", sa.String(length=120), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column(
            "side",
            sa.Enum(
                "mojlighet",
                "utmaning",
                name="theme_side",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column(
            "sort_name",
            sa.String(length=120).with_variant(sa.String(length=120, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_themes")),
        sa.UniqueConstraint("key", name=op.f("uq_themes_key")),
    )
    op.create_index("ix_themes_sort_name", "themes", ["sort_name"], unique=False)

    op.create_table(
        "questionnaires",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("title_en", sa.String(length=200), nullable=False),
        sa.Column("intro", sa.Text(), nullable=False),
        sa.Column("intro_en", sa.Text(), nullable=False),
        sa.Column("closing", sa.Text(), nullable=False),
        sa.Column("closing_en", sa.Text(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "utkast",
                "skickad",
                "stangd",
                name="questionnaire_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("closes_on", sa.Date(), nullable=True),
        sa.Column("copied_from_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["copied_from_id"],
            ["questionnaires.id"],
            name=op.f("fk_questionnaires_copied_from_id_questionnaires"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_questionnaires_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_questionnaires")),
    )
    op.create_table(
        "questionnaire_recipients",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("questionnaire_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("address", sa.String(length=254), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_questionnaire_recipients_contact_id_contacts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_questionnaire_recipients_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["questionnaire_id"],
            ["questionnaires.id"],
            name=op.f("fk_questionnaire_recipients_questionnaire_id_questionnaires"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_questionnaire_recipients")),
        sa.UniqueConstraint(
            "questionnaire_id",
            "organisation_id",
            name=op.f("uq_questionnaire_recipients_questionnaire_id_organisation_id"),
        ),
    )
    op.create_index(
        "ix_questionnaire_recipients_organisation_id",
        "questionnaire_recipients",
        ["organisation_id"],
        unique=False,
    )

    op.create_table(
        "questionnaire_responses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("questionnaire_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "utkast",
                "inskickad",
                name="response_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("respondent_name", sa.String(length=200), nullable=False),
        sa.Column("respondent_email", sa.String(length=254), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_questionnaire_responses_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["questionnaire_id"],
            ["questionnaires.id"],
            name=op.f("fk_questionnaire_responses_questionnaire_id_questionnaires"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_questionnaire_responses")),
        sa.UniqueConstraint(
            "questionnaire_id",
            "organisation_id",
            name=op.f("uq_questionnaire_responses_questionnaire_id_organisation_id"),
        ),
    )
    op.create_index(
        "ix_questionnaire_responses_organisation_id",
        "questionnaire_responses",
        ["organisation_id"],
        unique=False,
    )
    op.create_index(
        "ix_questionnaire_responses_questionnaire_id_status",
        "questionnaire_responses",
        ["questionnaire_id", "status"],
        unique=False,
    )

    op.create_table(
        "questionnaire_sections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("questionnaire_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("title_en", sa.String(length=200), nullable=False),
        sa.Column("intro", sa.Text(), nullable=False),
        sa.Column("intro_en", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["questionnaire_id"],
            ["questionnaires.id"],
            name=op.f("fk_questionnaire_sections_questionnaire_id_questionnaires"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_questionnaire_sections")),
    )
    op.create_index(
        "ix_questionnaire_sections_questionnaire_id",
        "questionnaire_sections",
        ["questionnaire_id"],
        unique=False,
    )

    op.create_table(
        "questionnaire_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("questionnaire_id", sa.Integer(), nullable=False),
        sa.Column("section_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "ett_val",
                "flera_val",
                "skala",
                "tal",
                "kort_text",
                "lang_text",
                "teman",
                name="question_kind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("text", sa.String(length=500), nullable=False),
        sa.Column("text_en", sa.String(length=500), nullable=False),
        sa.Column("help", sa.String(length=1000), nullable=False),
        sa.Column("help_en", sa.String(length=1000), nullable=False),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("scale_low", sa.String(length=100), nullable=False),
        sa.Column("scale_low_en", sa.String(length=100), nullable=False),
        sa.Column("scale_high", sa.String(length=100), nullable=False),
        sa.Column("scale_high_en", sa.String(length=100), nullable=False),
        sa.Column("show_if_id", sa.Integer(), nullable=True),
        sa.Column("show_if_value", sa.String(length=60), nullable=False),
        sa.Column(
            "theme_side",
            sa.Enum(
                "mojlighet",
                "utmaning",
                name="theme_side",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=True,
        ),
        sa.ForeignKeyConstraint(
            ["questionnaire_id"],
            ["questionnaires.id"],
            name=op.f("fk_questionnaire_questions_questionnaire_id_questionnaires"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["section_id"],
            ["questionnaire_sections.id"],
            name=op.f("fk_questionnaire_questions_section_id_questionnaire_sections"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["show_if_id"],
            ["questionnaire_questions.id"],
            name=op.f("fk_questionnaire_questions_show_if_id_questionnaire_questions"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_questionnaire_questions")),
    )
    op.create_index(
        "ix_questionnaire_questions_questionnaire_id",
        "questionnaire_questions",
        ["questionnaire_id"],
        unique=False,
    )
    op.create_index(
        "ix_questionnaire_questions_section_id",
        "questionnaire_questions",
        ["section_id"],
        unique=False,
    )

    op.create_table(
        "questionnaire_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("choice", sa.String(length=60), nullable=True),
        sa.Column("number", sa.Float(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["questionnaire_questions.id"],
            name=op.f("fk_questionnaire_answers_question_id_questionnaire_questions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["questionnaire_responses.id"],
            name=op.f("fk_questionnaire_answers_response_id_questionnaire_responses"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_questionnaire_answers")),
    )
    op.create_index(
        "ix_questionnaire_answers_question_id_choice",
        "questionnaire_answers",
        ["question_id", "choice"],
        unique=False,
    )
    op.create_index(
        "ix_questionnaire_answers_response_id",
        "questionnaire_answers",
        ["response_id"],
        unique=False,
    )

    op.create_table(
        "theme_mentions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=False),
        sa.Column(
            "side",
            sa.Enum(
                "mojlighet",
                "utmaning",
                name="mention_side",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("mentioned_on", sa.Date(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("response_id", sa.Integer(), nullable=True),
        sa.Column("question_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("coded_by_name", sa.String(length=200), nullable=False),
        sa.Column("coded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_theme_mentions_meeting_id_meetings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_theme_mentions_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["questionnaire_questions.id"],
            name=op.f("fk_theme_mentions_question_id_questionnaire_questions"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["questionnaire_responses.id"],
            name=op.f("fk_theme_mentions_response_id_questionnaire_responses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["theme_id"],
            ["themes.id"],
            name=op.f("fk_theme_mentions_theme_id_themes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_theme_mentions")),
    )
    op.create_index("ix_theme_mentions_meeting_id", "theme_mentions", ["meeting_id"], unique=False)
    op.create_index(
        "ix_theme_mentions_mentioned_on", "theme_mentions", ["mentioned_on"], unique=False
    )
    op.create_index(
        "ix_theme_mentions_organisation_id", "theme_mentions", ["organisation_id"], unique=False
    )
    op.create_index(
        "ix_theme_mentions_response_id", "theme_mentions", ["response_id"], unique=False
    )
    op.create_index(
        "ix_theme_mentions_theme_id_mentioned_on",
        "theme_mentions",
        ["theme_id", "mentioned_on"],
        unique=False,
    )

    op.create_table(
        "questionnaire_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("mailing_id", sa.Integer(), nullable=True),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["mailing_id"],
            ["mailings.id"],
            name=op.f("fk_questionnaire_links_mailing_id_mailings"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["recipient_id"],
            ["questionnaire_recipients.id"],
            name=op.f("fk_questionnaire_links_recipient_id_questionnaire_recipients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_questionnaire_links")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_questionnaire_links_token_hash")),
    )
    op.create_index(
        "ix_questionnaire_links_recipient_id", "questionnaire_links", ["recipient_id"], unique=False
    )

    op.create_table(
        "questionnaire_reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("questionnaire_id", sa.Integer(), nullable=False),
        sa.Column("send_on", sa.Date(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "planerad",
                "skickad",
                "avbruten",
                name="reminder_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("mailing_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_questionnaire_reminders_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["mailing_id"],
            ["mailings.id"],
            name=op.f("fk_questionnaire_reminders_mailing_id_mailings"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["questionnaire_id"],
            ["questionnaires.id"],
            name=op.f("fk_questionnaire_reminders_questionnaire_id_questionnaires"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_questionnaire_reminders")),
    )
    op.create_index(
        "ix_questionnaire_reminders_questionnaire_id",
        "questionnaire_reminders",
        ["questionnaire_id"],
        unique=False,
    )
    op.create_index(
        "ix_questionnaire_reminders_status_send_on",
        "questionnaire_reminders",
        ["status", "send_on"],
        unique=False,
    )

    # On SQLite a foreign key can only come with a rebuild of `mailings` (batch mode); that
    # table carries no text-index triggers, so nothing else is lost with it.
    with op.batch_alter_table("mailings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("questionnaire_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_mailings_questionnaire_id_questionnaires",
            "questionnaires",
            ["questionnaire_id"],
            ["id"],
            ondelete="SET NULL",
        )
    op.create_index("ix_mailings_questionnaire_id", "mailings", ["questionnaire_id"], unique=False)


def downgrade():
    op.drop_index("ix_mailings_questionnaire_id", table_name="mailings")
    with op.batch_alter_table("mailings", schema=None) as batch_op:
        batch_op.drop_constraint("fk_mailings_questionnaire_id_questionnaires", type_="foreignkey")
        batch_op.drop_column("questionnaire_id")

    op.drop_index("ix_questionnaire_reminders_status_send_on", table_name="questionnaire_reminders")
    op.drop_index(
        "ix_questionnaire_reminders_questionnaire_id", table_name="questionnaire_reminders"
    )

    op.drop_table("questionnaire_reminders")
    op.drop_index("ix_questionnaire_links_recipient_id", table_name="questionnaire_links")

    op.drop_table("questionnaire_links")
    op.drop_index("ix_theme_mentions_theme_id_mentioned_on", table_name="theme_mentions")
    op.drop_index("ix_theme_mentions_response_id", table_name="theme_mentions")
    op.drop_index("ix_theme_mentions_organisation_id", table_name="theme_mentions")
    op.drop_index("ix_theme_mentions_mentioned_on", table_name="theme_mentions")
    op.drop_index("ix_theme_mentions_meeting_id", table_name="theme_mentions")

    op.drop_table("theme_mentions")
    op.drop_index("ix_questionnaire_answers_response_id", table_name="questionnaire_answers")
    op.drop_index("ix_questionnaire_answers_question_id_choice", table_name="questionnaire_answers")

    op.drop_table("questionnaire_answers")
    op.drop_index("ix_questionnaire_questions_section_id", table_name="questionnaire_questions")
    op.drop_index(
        "ix_questionnaire_questions_questionnaire_id", table_name="questionnaire_questions"
    )

    op.drop_table("questionnaire_questions")
    op.drop_index("ix_questionnaire_sections_questionnaire_id", table_name="questionnaire_sections")

    op.drop_table("questionnaire_sections")
    op.drop_index(
        "ix_questionnaire_responses_questionnaire_id_status", table_name="questionnaire_responses"
    )
    op.drop_index(
        "ix_questionnaire_responses_organisation_id", table_name="questionnaire_responses"
    )

    op.drop_table("questionnaire_responses")
    op.drop_index(
        "ix_questionnaire_recipients_organisation_id", table_name="questionnaire_recipients"
    )

    op.drop_table("questionnaire_recipients")
    op.drop_table("questionnaires")
    op.drop_index("ix_themes_sort_name", table_name="themes")

    op.drop_table("themes")
