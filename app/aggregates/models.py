"""The maintained figures' tables (see the package docstring). They hold no personal data,
only ids, codes and counts, and are rebuilt from the meetings at any time."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from app.common.db_types import UTCDateTime
from app.extensions import db

#: The dimensions a held meeting is counted under.
ROOT = "root"  # key: the id of the top-level organisation it was held with
MEETING_KIND = "kind"  # key: MeetingKind value
ORGANISATION_KIND = "orgkind"  # key: the top-level organisation's kind ("" without any)
COUNTY = "county"  # key: county code ("" when none: national, or no organisation)
TOPIC = "topic"  # key: topic id
TARGET_GROUP = "target"  # key: target group id
PERSPECTIVE = "perspective"  # key: Perspective value
DIMENSIONS = (ROOT, MEETING_KIND, ORGANISATION_KIND, COUNTY, TOPIC, TARGET_GROUP, PERSPECTIVE)
#: The key of "none" (a meeting without organisations has no county and no organisation kind).
NONE = ""


class MeetingFact(db.Model):
    """What one held meeting counts for under one dimension. No foreign key to the meeting:
    when a meeting is deleted for good, its facts must still be there to subtract."""

    __tablename__ = "meeting_facts"

    meeting_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    dimension: Mapped[str] = mapped_column(String(12), primary_key=True)
    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    day: Mapped[date] = mapped_column(Date)  # the Stockholm day it starts
    month: Mapped[date] = mapped_column(Date)  # the first day of that Stockholm month

    __table_args__ = (
        # An organisation's held meetings, first and last: a range of this index.
        Index("ix_meeting_facts_dimension_key_starts_at", "dimension", "key", "starts_at"),
        # A few days' facts (a period's first and last part month).
        Index("ix_meeting_facts_dimension_day", "dimension", "day"),
    )


class Tally(db.Model):
    """Held meetings per Stockholm month, dimension and key."""

    __tablename__ = "tallies"

    dimension: Mapped[str] = mapped_column(String(12), primary_key=True)
    month: Mapped[date] = mapped_column(Date, primary_key=True)
    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    meetings: Mapped[int]


class MetMonth(db.Model):
    """The top-level organisations with Möte hållet in a Stockholm month — the keys of the
    month's ROOT tallies — as a bitmap (bit i for organisation i, app/common/bitmaps.py).
    What the counts of organisations met in whole months read (queries.met_counts: the
    monthly summary's series, the start page's months): a row a month, however many
    organisations were met. Kept with the tallies (maintain.py); no row for an empty month."""

    __tablename__ = "met_months"

    month: Mapped[date] = mapped_column(Date, primary_key=True)
    organisations: Mapped[bytes] = mapped_column(LargeBinary)


class DayTally(db.Model):
    """Held meetings per Stockholm day, dimension and key: the days of a period that do
    not fill a month (its first and last part month) read these, not the facts."""

    __tablename__ = "day_tallies"

    dimension: Mapped[str] = mapped_column(String(12), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    meetings: Mapped[int]


class FollowUpFact(db.Model):
    """A top-level organisation an open follow-up (outside the trash) counts for: its own
    organisation's, and those of its meeting's organisations as they are now."""

    __tablename__ = "follow_up_facts"

    follow_up_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    organisation_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)

    # Holds the follow-up too: an organisation's follow-ups are read from the index alone.
    __table_args__ = (
        Index("ix_follow_up_facts_organisation_id", "organisation_id", "follow_up_id"),
    )


class RootFigures(db.Model):
    """A top-level organisation's held meetings (how many, the first and the last start) and
    its open follow-ups; a row only while one of them is not zero."""

    __tablename__ = "root_figures"

    organisation_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    held: Mapped[int] = mapped_column(default=0)
    first_held_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_held_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    open_follow_ups: Mapped[int] = mapped_column(default=0)


#: What a follow-up or contact is counted under in the activity figures.
CREATED = "created"  # a follow-up created on the day (owner: its owner)
COMPLETED = "completed"  # a follow-up completed on the day
OVERDUE_FROM = "overdue_from"  # the first day at whose end a follow-up is overdue
OVERDUE_TO = "overdue_to"  # the day it was completed, from which it no longer is
CONTACT = "contact"  # a contact added on the day (owner 0)
FOLLOW_UP_RECORD = "follow_up"
CONTACT_RECORD = "contact"
#: Grains of the activity tallies.
DAY = "d"
MONTH = "m"


class ActivityFact(db.Model):
    """What one follow-up or contact (outside the trash) counts for in the activity figures:
    the day and owner of its creation, completion and overdue span."""

    __tablename__ = "activity_facts"

    record: Mapped[str] = mapped_column(String(10), primary_key=True)
    record_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    dimension: Mapped[str] = mapped_column(String(12), primary_key=True)
    owner_id: Mapped[int]  # 0: none
    day: Mapped[date] = mapped_column(Date)


class ActivityTally(db.Model):
    """Activity facts counted per dimension, owner and Stockholm day or month."""

    __tablename__ = "activity_tallies"

    dimension: Mapped[str] = mapped_column(String(12), primary_key=True)
    grain: Mapped[str] = mapped_column(String(1), primary_key=True)
    period: Mapped[date] = mapped_column(Date, primary_key=True)
    owner_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    count: Mapped[int]
