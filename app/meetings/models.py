"""Meetings, their participants, topics, target groups and consequence perspectives."""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, ForeignKey, Index, String, Table, Text, event, text, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.common.db_types import UTCDateTime, enum_column
from app.common.i18n import translated
from app.common.soft_delete import SoftDeletable, live_index
from app.common.text import fold
from app.common.time import local_midnight, to_local, utcnow
from app.contacts.models import Contact
from app.extensions import db
from app.organisations.models import Organisation


def new_uid() -> str:
    """A calendar UID, globally unique and fixed for the meeting's whole life."""
    return f"{uuid.uuid4()}@samverkan"


class MeetingKind(enum.StrEnum):
    IN_PERSON = "fysiskt"
    DIGITAL = "digitalt"
    PHONE = "telefon"
    CONFERENCE = "konferens"
    STUDY_VISIT = "studiebesok"
    WRITTEN = "skriftlig"

    @property
    def label(self) -> str:
        return translated(KIND_LABELS[self])


#: The longest a meeting may last. Queries for a period use it as a lower bound on the start,
#: so they read the meetings around the period instead of all earlier ones.
MAX_MEETING_DAYS = 14


def crosses_midnight(starts_at: datetime, ends_at: datetime) -> bool:
    """Whether a meeting still goes on when the Stockholm day after its start begins: the
    only meetings a day's or week's window holds without starting in it. The one definition;
    `Meeting.crosses_midnight` keeps it for every meeting (the index of those few lets a
    window read them instead of MAX_MEETING_DAYS of meetings before it). Compared to the
    second, as a window's `ends_at > start` is: `last_day`, which names the days a meeting
    is shown on, counts an end in the first minute after midnight to the day before."""
    return ends_at > local_midnight(to_local(starts_at).date() + timedelta(days=1))


def _crosses_midnight_default(context) -> bool:
    """The column's value on every insert, through the ORM or as a plain table insert (the
    demo's bulk rows): from the row's own times."""
    values = context.get_current_parameters()
    return crosses_midnight(values["starts_at"], values["ends_at"])


KIND_LABELS = {
    MeetingKind.IN_PERSON: _l("Fysiskt möte"),
    MeetingKind.DIGITAL: _l("Digitalt möte"),
    MeetingKind.PHONE: _l("Telefonsamtal"),
    MeetingKind.CONFERENCE: _l("Konferens eller seminarium"),
    MeetingKind.STUDY_VISIT: _l("Studiebesök"),
    MeetingKind.WRITTEN: _l("Skriftlig kontakt"),
}


class MeetingStatus(enum.StrEnum):
    PLANNED = "planerat"
    HELD = "genomfort"
    CANCELLED = "installt"

    @property
    def label(self) -> str:
        return translated(STATUS_LABELS[self])


STATUS_LABELS = {
    MeetingStatus.PLANNED: _l("Planerat"),
    MeetingStatus.HELD: _l("Genomfört"),
    MeetingStatus.CANCELLED: _l("Inställt"),
}


class Perspective(enum.StrEnum):
    """The consequence perspectives the team must account for."""

    CHILD_RIGHTS = "barnratt"
    DISABILITY = "funktionshinder"
    GENDER_EQUALITY = "jamstalldhet"

    @property
    def label(self) -> str:
        return translated(PERSPECTIVE_LABELS[self])


PERSPECTIVE_LABELS = {
    Perspective.CHILD_RIGHTS: _l("Barnrättsperspektiv"),
    Perspective.DISABILITY: _l("Funktionshinderperspektiv"),
    Perspective.GENDER_EQUALITY: _l("Jämställdhetsperspektiv"),
}

meeting_organisations = Table(
    "meeting_organisations",
    db.metadata,
    Column("meeting_id", ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "organisation_id", ForeignKey("organisations.id", ondelete="RESTRICT"), primary_key=True
    ),
    # With meeting_id: an organisation's meetings are read from the index alone.
    Index("ix_meeting_organisations_organisation_id", "organisation_id", "meeting_id"),
)
meeting_contacts = Table(
    "meeting_contacts",
    db.metadata,
    Column("meeting_id", ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True),
    Column("contact_id", ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_meeting_contacts_contact_id", "contact_id", "meeting_id"),
)
meeting_team = Table(
    "meeting_team",
    db.metadata,
    Column("meeting_id", ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_meeting_team_user_id", "user_id", "meeting_id"),
)
#: Who was last sent the meeting's invitation by e-mail (lower-cased address as the key):
#: when invitations are sent again, an address here that is no longer a participant gets a
#: cancellation for itself (RFC 5546 3.2.5), and its row goes. Written by calendar/invitations.py.
meeting_invitations = Table(
    "meeting_invitations",
    db.metadata,
    Column("meeting_id", ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True),
    Column("email", String(320), primary_key=True),
    Column("name", String(200), nullable=False, default=""),
    Column("sent_at", UTCDateTime(), nullable=False),
)
meeting_topics = Table(
    "meeting_topics",
    db.metadata,
    Column("meeting_id", ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True),
    Column("topic_id", ForeignKey("topics.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_meeting_topics_topic_id", "topic_id"),
)
meeting_target_groups = Table(
    "meeting_target_groups",
    db.metadata,
    Column("meeting_id", ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True),
    Column("target_group_id", ForeignKey("target_groups.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_meeting_target_groups_target_group_id", "target_group_id"),
)


class Topic(db.Model):
    """A free topic label ("återvandringsbidrag"), unique when folded."""

    __tablename__ = "topics"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    key: Mapped[str] = mapped_column(String(80), unique=True)


class TargetGroup(db.Model):
    """A target group the team identifies ("ensamkommande unga vuxna"), unique when folded."""

    __tablename__ = "target_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    key: Mapped[str] = mapped_column(String(120), unique=True)


class Meeting(SoftDeletable, db.Model):
    """A meeting or conversation. Times are stored in UTC; an all-day meeting spans whole
    Stockholm days, from `starts_at` (local midnight) to `ends_at` (the midnight after)."""

    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[MeetingKind] = mapped_column(enum_column(MeetingKind, "kind"))
    status: Mapped[MeetingStatus] = mapped_column(
        enum_column(MeetingStatus, "status"), default=MeetingStatus.PLANNED
    )
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    all_day: Mapped[bool] = mapped_column(default=False)
    # `crosses_midnight(starts_at, ends_at)`, written on insert (the default) and on every
    # ORM update (`_keep_crosses_midnight`). The server's default, true, is the safe guess for
    # a row written without it: such a meeting is only looked at once more.
    crosses_midnight: Mapped[bool] = mapped_column(
        default=_crosses_midnight_default, server_default=true()
    )
    place: Mapped[str] = mapped_column(String(300), default="")
    online_link: Mapped[str] = mapped_column(String(1000), default="")
    agenda: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    outcome: Mapped[str] = mapped_column(Text, default="")
    # Indexed with starts_at (ix_meetings_responsible_id_starts_at below), which also serves
    # the foreign key: a person's meetings in a window are one index range.
    responsible_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    search_text: Mapped[str] = mapped_column(String(600), default="")
    # Calendar identity: the UID never changes; SEQUENCE rises with every change an
    # invitation shows (services.CALENDAR_FIELDS), so calendars apply updates in order.
    uid: Mapped[str] = mapped_column(String(120), unique=True, default=new_uid)
    sequence: Mapped[int] = mapped_column(default=0, server_default="0")
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Identity of an event organised elsewhere and imported from its invitation (all None for
    # Samverkan's own): the UID with the organizer's address and, for one occurrence of a
    # series, its RECURRENCE-ID ("" for the series or a single event). The organizer's
    # SEQUENCE is kept apart from Samverkan's own `sequence`.
    ical_uid: Mapped[str | None] = mapped_column(String(255))
    organizer_email: Mapped[str | None] = mapped_column(String(254))
    recurrence_id: Mapped[str | None] = mapped_column(String(40))
    organizer_sequence: Mapped[int | None] = mapped_column()
    # The addresses (lower case, one a line) the organizer's last invitation named, so a
    # re-sent one shows who was added and who removed (None: imported before this was kept).
    invite_attendees: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    responsible: Mapped[User] = relationship(foreign_keys=[responsible_id])
    organisations: Mapped[list[Organisation]] = relationship(
        secondary=meeting_organisations, order_by=Organisation.sort_name
    )
    contacts: Mapped[list[Contact]] = relationship(
        secondary=meeting_contacts, order_by=Contact.sort_name
    )
    team: Mapped[list[User]] = relationship(secondary=meeting_team, order_by=User.name)
    topics: Mapped[list[Topic]] = relationship(secondary=meeting_topics, order_by=Topic.key)
    target_groups: Mapped[list[TargetGroup]] = relationship(
        secondary=meeting_target_groups, order_by=TargetGroup.key
    )
    answers: Mapped[list[MeetingAnswer]] = relationship(
        cascade="all, delete-orphan", order_by="MeetingAnswer.email"
    )
    perspectives: Mapped[list[MeetingPerspective]] = relationship(
        back_populates="meeting",
        cascade="all, delete-orphan",
        order_by="MeetingPerspective.perspective",
    )

    # Counts edits (services bump it); checked in every UPDATE's WHERE clause.
    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}
    __table_args__ = (
        Index("ix_meetings_status_starts_at", "status", "starts_at"),
        Index("ix_meetings_responsible_id_starts_at", "responsible_id", "starts_at"),
        # With ends_at: a period's query passes over the meetings that started before it and
        # ended before it in the index, without reading them (MAX_MEETING_DAYS).
        Index("ix_meetings_starts_at", "starts_at", "ends_at"),
        live_index("ix_meetings_live_starts_at", "starts_at", "ends_at"),
        # The few meetings that go on past the midnight after their start (`crosses_midnight`):
        # those a window holds without starting in it (queries.going_on_from_before).
        Index(
            "ix_meetings_crossing_starts_at",
            "starts_at",
            "ends_at",
            sqlite_where=text("crosses_midnight = 1"),
            postgresql_where=text("crosses_midnight"),
        ),
        Index("ix_meetings_ical_identity", "ical_uid", "organizer_email", "recurrence_id"),
        # "Senast registrerade" orders by (created_at, id): meetings entered in one batch share
        # a created_at, and the id settles their order from the index.
        Index("ix_meetings_created_at", "created_at", "id"),
    )

    @property
    def organised_elsewhere(self) -> bool:
        """Imported from another organizer's invitation: Samverkan must not send its own."""
        return self.ical_uid is not None

    def index(self) -> None:
        """Refresh `search_text` from the title, place and organisation names (a unit's with
        its parent's, so "Kramfors" finds a meeting with its social services)."""
        parts = [self.title, self.place, *(o.display_name for o in self.organisations)]
        self.search_text = fold(" ".join(p for p in parts if p))[:600]

    @property
    def local_start(self) -> datetime:
        return to_local(self.starts_at)

    @property
    def local_end(self) -> datetime:
        return to_local(self.ends_at)

    @property
    def last_day(self) -> date:
        """The last Stockholm day the meeting touches: an end at midnight (always so for
        all-day meetings, whose end is exclusive) belongs to the day before."""
        return last_day(self.local_start, self.local_end)


def last_day(local_start: datetime, local_end: datetime) -> date:
    """The last Stockholm day a meeting from `local_start` to `local_end` (Stockholm times)
    touches: an end at midnight belongs to the day before (see `Meeting.last_day`)."""
    if (local_end.hour, local_end.minute) == (0, 0) and local_end.date() > local_start.date():
        return local_end.date() - timedelta(days=1)
    return local_end.date()


@event.listens_for(Meeting, "before_update")
def _keep_crosses_midnight(_mapper, _connection, meeting: Meeting) -> None:
    """An edited meeting's times may cross a midnight now, or no longer (the ORM's updates;
    nothing updates a meeting's times otherwise)."""
    meeting.crosses_midnight = crosses_midnight(meeting.starts_at, meeting.ends_at)


class MeetingPerspective(db.Model):
    """Whether a consequence perspective was considered at a meeting, with a short note."""

    __tablename__ = "meeting_perspectives"

    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True
    )
    perspective: Mapped[Perspective] = mapped_column(
        enum_column(Perspective, "perspective"), primary_key=True
    )
    note: Mapped[str] = mapped_column(String(500), default="")

    meeting: Mapped[Meeting] = relationship(back_populates="perspectives")


class MeetingAnswer(db.Model):
    """An attendee's answer to an invitation organised elsewhere (from an iTIP REPLY): one
    row per meeting and address, the latest answer kept."""

    __tablename__ = "meeting_answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(254))
    answer: Mapped[str] = mapped_column(String(20))
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Who the address belonged to when the answer came, so the page shows it beside them.
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="SET NULL"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )

    __table_args__ = (
        Index("ix_meeting_answers_meeting_id_email", "meeting_id", "email", unique=True),
    )

    @property
    def label(self) -> str:
        return str(ANSWER_LABELS.get(self.answer, self.answer))


ANSWER_LABELS = {
    "ACCEPTED": _l("Har tackat ja"),
    "DECLINED": _l("Har tackat nej"),
    "TENTATIVE": _l("Kanske"),
    "DELEGATED": _l("Har skickat någon annan"),
    "NEEDS-ACTION": _l("Har inte svarat"),
}
