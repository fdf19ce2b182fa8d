"""A theme and its mentions.

A mention says that an organisation named a theme, as an opportunity or a challenge, on a
day, and where that was recorded: a meeting, or a questionnaire response (the answer to a
theme question, or a free-text answer coded afterwards). The lägesbild counts distinct
municipalities per theme over a period from this table (by index on theme and day), joined
to the organisations for their county as it is now.

This module imports no other domain's models (relationships are named by string), so that
`app.questionnaires.models` can use `ThemeSide` for a theme question's side.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.common.db_types import UTCDateTime, enum_column, sort_key_type
from app.common.i18n import translated
from app.common.time import utcnow
from app.extensions import db

if TYPE_CHECKING:
    from app.meetings.models import Meeting
    from app.organisations.models import Organisation
    from app.questionnaires.models import Question, QuestionnaireResponse


class ThemeSide(enum.StrEnum):
    OPPORTUNITY = "mojlighet"
    CHALLENGE = "utmaning"

    @property
    def label(self) -> str:
        return translated(SIDE_LABELS[self])


SIDE_LABELS = {
    ThemeSide.OPPORTUNITY: _l("Möjlighet"),
    ThemeSide.CHALLENGE: _l("Utmaning"),
}


class Theme(db.Model):
    """A theme on the team's list. Retired themes keep their mentions but are not offered."""

    __tablename__ = "themes"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    key: Mapped[str] = mapped_column(String(120), unique=True)  # folded name, for uniqueness
    name_en: Mapped[str] = mapped_column(String(120), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    # Which side the theme usually is on; a mention says which it is this time.
    side: Mapped[ThemeSide | None] = mapped_column(enum_column(ThemeSide, "theme_side"))
    sort_name: Mapped[str] = mapped_column(sort_key_type(120), default="", index=True)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ThemeMention(db.Model):
    __tablename__ = "theme_mentions"

    id: Mapped[int] = mapped_column(primary_key=True)
    theme_id: Mapped[int] = mapped_column(ForeignKey("themes.id", ondelete="CASCADE"))
    side: Mapped[ThemeSide] = mapped_column(enum_column(ThemeSide, "mention_side"))
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    mentioned_on: Mapped[date] = mapped_column(Date)
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    response_id: Mapped[int | None] = mapped_column(
        ForeignKey("questionnaire_responses.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[int | None] = mapped_column(
        ForeignKey("questionnaire_questions.id", ondelete="SET NULL")
    )
    note: Mapped[str] = mapped_column(String(500), default="")
    coded_by_name: Mapped[str] = mapped_column(String(200), default="")
    coded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    theme: Mapped[Theme] = relationship()
    organisation: Mapped[Organisation] = relationship("Organisation")
    meeting: Mapped[Meeting | None] = relationship("Meeting")
    response: Mapped[QuestionnaireResponse | None] = relationship("QuestionnaireResponse")
    question: Mapped[Question | None] = relationship("Question")

    __table_args__ = (
        Index("ix_theme_mentions_theme_id_mentioned_on", "theme_id", "mentioned_on"),
        Index("ix_theme_mentions_mentioned_on", "mentioned_on"),
    )


#: Grains of the theme tallies.
DAY = "d"
MONTH = "m"


class ThemeTally(db.Model):
    """The counted mentions of a theme on one side by one organisation, per Stockholm day
    (grain "d") and per calendar month (grain "m", `period` its first day): what the
    lägesbild's theme figures read (app/themes/tally.py keeps it, in the transaction that
    writes the mentions; `flask themes rebuild-tally` computes it afresh). A mention from a
    meeting in the trash is not counted. No personal data: ids, dates and counts."""

    __tablename__ = "theme_tallies"

    grain: Mapped[str] = mapped_column(String(1), primary_key=True)
    period: Mapped[date] = mapped_column(Date, primary_key=True)
    theme_id: Mapped[int] = mapped_column(
        ForeignKey("themes.id", ondelete="CASCADE"), primary_key=True
    )
    side: Mapped[ThemeSide] = mapped_column(enum_column(ThemeSide, "tally_side"), primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True
    )
    mentions: Mapped[int]

    __table_args__ = (
        # One theme's rows in a period (the theme's page): by theme, then grain and period.
        Index("ix_theme_tallies_theme_id_grain_period", "theme_id", "grain", "period"),
    )


class ThemeTallySet(db.Model):
    """Which organisations the tally has a row for, per grain, period, theme and side: the
    organisation ids as a bitmap (bit i set for organisation i, little-endian bytes;
    app/common/bitmaps.py). The theme figures read these — a year is a few
    hundred rows however many organisations named the themes — and count municipalities with
    bit operations (figures.py). Kept with the tally (tally.py) from its rows, in the same
    transaction; no row for an empty set."""

    __tablename__ = "theme_tally_sets"

    grain: Mapped[str] = mapped_column(String(1), primary_key=True)
    period: Mapped[date] = mapped_column(Date, primary_key=True)
    theme_id: Mapped[int] = mapped_column(
        ForeignKey("themes.id", ondelete="CASCADE"), primary_key=True
    )
    side: Mapped[ThemeSide] = mapped_column(
        enum_column(ThemeSide, "tally_set_side"), primary_key=True
    )
    organisations: Mapped[bytes] = mapped_column(LargeBinary)

    __table_args__ = (
        # One theme's sets in a period (the theme's page): by theme, then grain and period.
        Index("ix_theme_tally_sets_theme_id_grain_period", "theme_id", "grain", "period"),
    )
