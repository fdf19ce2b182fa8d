"""A questionnaire, its sections and questions, whom it was sent to (one recipient per
organisation, with the personal links given to it), the organisation's response and its
answers, and the reminders planned.

An organisation answers once: the response belongs to the organisation, whoever opens a link
sent to it (a link may be forwarded to a colleague). A link's token is kept only as its
SHA-256 hash; every message (the first and each reminder) carries a new one, and all of an
organisation's links work until the questionnaire's close date.

An answer is one row per value: a single choice, a scale step or a theme is `choice`; a
multiple choice gives one row per option chosen (so results count rows per option in SQL); a
number is `number`; text is `text`.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Date, Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.common.db_types import UTCDateTime, enum_column
from app.common.i18n import translated
from app.common.time import utcnow
from app.contacts.models import Contact
from app.extensions import db
from app.organisations.models import Organisation
from app.themes.models import ThemeSide


class QuestionnaireStatus(enum.StrEnum):
    DRAFT = "utkast"  # being built: questions can change
    SENT = "skickad"  # locked: sent to its recipients, open for answers until closes_on
    CLOSED = "stangd"  # closed by hand before the close date, or after it

    @property
    def label(self) -> str:
        return translated(QUESTIONNAIRE_STATUS_LABELS[self])


QUESTIONNAIRE_STATUS_LABELS = {
    QuestionnaireStatus.DRAFT: _l("Utkast"),
    QuestionnaireStatus.SENT: _l("Skickad"),
    QuestionnaireStatus.CLOSED: _l("Stängd"),
}


class QuestionKind(enum.StrEnum):
    SINGLE = "ett_val"
    MULTIPLE = "flera_val"
    SCALE = "skala"  # 1–5, with labels for the ends
    NUMBER = "tal"
    SHORT_TEXT = "kort_text"
    LONG_TEXT = "lang_text"
    THEMES = "teman"  # pick themes from the team's list (app/themes)

    @property
    def label(self) -> str:
        return translated(QUESTION_KIND_LABELS[self])

    @property
    def has_options(self) -> bool:
        return self in (QuestionKind.SINGLE, QuestionKind.MULTIPLE)

    @property
    def is_text(self) -> bool:
        return self in (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT)


QUESTION_KIND_LABELS = {
    QuestionKind.SINGLE: _l("Ett val"),
    QuestionKind.MULTIPLE: _l("Flera val"),
    QuestionKind.SCALE: _l("Skala 1–5"),
    QuestionKind.NUMBER: _l("Tal"),
    QuestionKind.SHORT_TEXT: _l("Kort text"),
    QuestionKind.LONG_TEXT: _l("Lång text"),
    QuestionKind.THEMES: _l("Teman från listan"),
}


class ResponseStatus(enum.StrEnum):
    DRAFT = "utkast"  # saved by the respondent, not sent in
    SUBMITTED = "inskickad"

    @property
    def label(self) -> str:
        return translated(RESPONSE_STATUS_LABELS[self])


RESPONSE_STATUS_LABELS = {
    ResponseStatus.DRAFT: _l("Påbörjad"),
    ResponseStatus.SUBMITTED: _l("Inskickad"),
}


class ReminderStatus(enum.StrEnum):
    PLANNED = "planerad"
    SENT = "skickad"  # its mailing was made (and handed to the mailing machinery)
    CANCELLED = "avbruten"

    @property
    def label(self) -> str:
        return translated(REMINDER_STATUS_LABELS[self])


REMINDER_STATUS_LABELS = {
    ReminderStatus.PLANNED: _l("Planerad"),
    ReminderStatus.SENT: _l("Skickad"),
    ReminderStatus.CANCELLED: _l("Avbruten"),
}


class Questionnaire(db.Model):
    """What is asked, of whom, until when. Texts in Swedish; the *_en columns are the
    optional English version a respondent can switch to."""

    __tablename__ = "questionnaires"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200), default="")
    intro: Mapped[str] = mapped_column(Text, default="")
    intro_en: Mapped[str] = mapped_column(Text, default="")
    closing: Mapped[str] = mapped_column(Text, default="")
    closing_en: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[QuestionnaireStatus] = mapped_column(
        enum_column(QuestionnaireStatus, "questionnaire_status"),
        default=QuestionnaireStatus.DRAFT,
    )
    # The last day answers are taken (Europe/Stockholm); links stop working after it.
    closes_on: Mapped[date | None] = mapped_column(Date)
    copied_from_id: Mapped[int | None] = mapped_column(
        ForeignKey("questionnaires.id", ondelete="SET NULL")
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(default=1)

    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    sections: Mapped[list[QuestionnaireSection]] = relationship(
        back_populates="questionnaire",
        order_by="QuestionnaireSection.position",
        cascade="all, delete-orphan",
    )

    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}

    @property
    def locked(self) -> bool:
        return self.status is not QuestionnaireStatus.DRAFT


class QuestionnaireSection(db.Model):
    __tablename__ = "questionnaire_sections"

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaires.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(200), default="")
    title_en: Mapped[str] = mapped_column(String(200), default="")
    intro: Mapped[str] = mapped_column(Text, default="")
    intro_en: Mapped[str] = mapped_column(Text, default="")

    questionnaire: Mapped[Questionnaire] = relationship(back_populates="sections")
    questions: Mapped[list[Question]] = relationship(
        back_populates="section",
        order_by="Question.position",
        cascade="all, delete-orphan",
        foreign_keys="Question.section_id",
    )


class Question(db.Model):
    """One question. `options` (single and multiple choice) is a list of
    {"key": "…", "sv": "…", "en": "…"}: answers store the key, so a label can be corrected
    while a draft. A condition shows the question only when the question `show_if_id`
    (earlier in the questionnaire) was answered with the option key `show_if_value`."""

    __tablename__ = "questionnaire_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaires.id", ondelete="CASCADE"), index=True
    )
    section_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaire_sections.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[QuestionKind] = mapped_column(enum_column(QuestionKind, "question_kind"))
    text: Mapped[str] = mapped_column(String(500))
    text_en: Mapped[str] = mapped_column(String(500), default="")
    help: Mapped[str] = mapped_column(String(1000), default="")
    help_en: Mapped[str] = mapped_column(String(1000), default="")
    required: Mapped[bool] = mapped_column(default=False)
    options: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    scale_low: Mapped[str] = mapped_column(String(100), default="")
    scale_low_en: Mapped[str] = mapped_column(String(100), default="")
    scale_high: Mapped[str] = mapped_column(String(100), default="")
    scale_high_en: Mapped[str] = mapped_column(String(100), default="")
    show_if_id: Mapped[int | None] = mapped_column(
        ForeignKey("questionnaire_questions.id", ondelete="SET NULL")
    )
    show_if_value: Mapped[str] = mapped_column(String(60), default="")
    # A theme question asks for opportunities or for challenges: its answers become theme
    # mentions on that side (app/themes).
    theme_side: Mapped[ThemeSide | None] = mapped_column(enum_column(ThemeSide, "theme_side"))

    section: Mapped[QuestionnaireSection] = relationship(
        back_populates="questions", foreign_keys=[section_id]
    )
    show_if: Mapped[Question | None] = relationship(remote_side=[id], foreign_keys=[show_if_id])


class QuestionnaireRecipient(db.Model):
    """An organisation the questionnaire was sent to, and the person (a named contact, or
    the organisation's functional mailbox) the links go to. Name and address as chosen."""

    __tablename__ = "questionnaire_recipients"

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaires.id", ondelete="CASCADE")
    )
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(String(254), default="")
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    questionnaire: Mapped[Questionnaire] = relationship()
    organisation: Mapped[Organisation] = relationship()
    contact: Mapped[Contact | None] = relationship()

    __table_args__ = (UniqueConstraint("questionnaire_id", "organisation_id"),)


class QuestionnaireLink(db.Model):
    """A personal link given to a recipient: only the SHA-256 of its token is kept."""

    __tablename__ = "questionnaire_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaire_recipients.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Which mailing carried it (the first sending or a reminder), when known.
    mailing_id: Mapped[int | None] = mapped_column(ForeignKey("mailings.id", ondelete="SET NULL"))
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    recipient: Mapped[QuestionnaireRecipient] = relationship()


class QuestionnaireResponse(db.Model):
    """An organisation's answer to a questionnaire: a draft until submitted, then fixed.
    The respondent's name and e-mail are optional and shown only to the team."""

    __tablename__ = "questionnaire_responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaires.id", ondelete="CASCADE")
    )
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[ResponseStatus] = mapped_column(
        enum_column(ResponseStatus, "response_status"), default=ResponseStatus.DRAFT
    )
    respondent_name: Mapped[str] = mapped_column(String(200), default="")
    respondent_email: Mapped[str] = mapped_column(String(254), default="")
    language: Mapped[str] = mapped_column(String(2), default="sv")
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(default=1)

    questionnaire: Mapped[Questionnaire] = relationship()
    organisation: Mapped[Organisation] = relationship()
    answers: Mapped[list[Answer]] = relationship(
        back_populates="response", cascade="all, delete-orphan", order_by="Answer.id"
    )

    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}
    __table_args__ = (
        UniqueConstraint("questionnaire_id", "organisation_id"),
        Index("ix_questionnaire_responses_questionnaire_id_status", "questionnaire_id", "status"),
    )


class Answer(db.Model):
    __tablename__ = "questionnaire_answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaire_responses.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaire_questions.id", ondelete="CASCADE")
    )
    choice: Mapped[str | None] = mapped_column(String(60))
    number: Mapped[float | None] = mapped_column(Float)
    text: Mapped[str] = mapped_column(Text, default="")

    response: Mapped[QuestionnaireResponse] = relationship(back_populates="answers")
    question: Mapped[Question] = relationship()

    __table_args__ = (
        Index("ix_questionnaire_answers_question_id_choice", "question_id", "choice"),
    )


class QuestionnaireReminder(db.Model):
    """A reminder planned for a day: on that day (Europe/Stockholm, at the configured hour)
    the task queue makes a mailing to the recipients that have not submitted."""

    __tablename__ = "questionnaire_reminders"

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaires.id", ondelete="CASCADE"), index=True
    )
    send_on: Mapped[date] = mapped_column(Date)
    status: Mapped[ReminderStatus] = mapped_column(
        enum_column(ReminderStatus, "reminder_status"), default=ReminderStatus.PLANNED
    )
    subject: Mapped[str] = mapped_column(String(200), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    mailing_id: Mapped[int | None] = mapped_column(ForeignKey("mailings.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    questionnaire: Mapped[Questionnaire] = relationship()
    created_by: Mapped[User | None] = relationship()

    __table_args__ = (Index("ix_questionnaire_reminders_status_send_on", "status", "send_on"),)
