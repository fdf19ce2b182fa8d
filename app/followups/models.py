"""Follow-ups (action items)."""

from __future__ import annotations

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.common.db_types import UTCDateTime, enum_column
from app.common.i18n import translated
from app.common.soft_delete import SoftDeletable, live_index
from app.common.time import utcnow
from app.contacts.models import Contact
from app.extensions import db
from app.meetings.models import Meeting
from app.organisations.models import Organisation


class FollowUpStatus(enum.StrEnum):
    OPEN = "oppen"
    DONE = "klar"
    CANCELLED = "avbruten"

    @property
    def label(self) -> str:
        return translated(STATUS_LABELS[self])


STATUS_LABELS = {
    FollowUpStatus.OPEN: _l("Öppen"),
    FollowUpStatus.DONE: _l("Klar"),
    FollowUpStatus.CANCELLED: _l("Avbruten"),
}


def is_overdue(status: FollowUpStatus, due_on: date, today: date) -> bool:
    """Open and due before today (a Stockholm date): due today is not yet overdue. The one
    definition: `FollowUp.is_overdue` and the plain rows of the lists call it."""
    return status is FollowUpStatus.OPEN and due_on < today


class FollowUp(SoftDeletable, db.Model):
    """Something promised: an owner in the team, a due date (a Stockholm date), and what it
    concerns (a meeting, an organisation, a contact)."""

    __tablename__ = "follow_ups"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    due_on: Mapped[date]
    status: Mapped[FollowUpStatus] = mapped_column(
        enum_column(FollowUpStatus, "status"), default=FollowUpStatus.OPEN
    )
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meetings.id", ondelete="SET NULL"), index=True
    )
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="SET NULL"), index=True
    )
    completed_on: Mapped[date | None]
    completion_note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    owner: Mapped[User] = relationship(foreign_keys=[owner_id])
    meeting: Mapped[Meeting | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
    contact: Mapped[Contact | None] = relationship()

    # Counts edits (services bump it); checked in every UPDATE's WHERE clause.
    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}
    __table_args__ = (
        Index("ix_follow_ups_status_due_on", "status", "due_on"),
        live_index("ix_follow_ups_live_owner_id_status_due_on", "owner_id", "status", "due_on"),
        # A meeting's, contact's or organisation's follow-ups (the sections on their pages).
        live_index("ix_follow_ups_live_meeting_id_status_due_on", "meeting_id", "status", "due_on"),
        live_index("ix_follow_ups_live_contact_id_status_due_on", "contact_id", "status", "due_on"),
        live_index(
            "ix_follow_ups_live_organisation_id_status_due_on",
            "organisation_id",
            "status",
            "due_on",
        ),
        live_index("ix_follow_ups_live_status_due_on", "status", "due_on"),
        # Created and completed per month and owner (reports/queries.py), from the index alone.
        live_index("ix_follow_ups_live_created_at_owner_id", "created_at", "owner_id"),
        live_index(
            "ix_follow_ups_live_status_completed_on_owner_id", "status", "completed_on", "owner_id"
        ),
    )

    @property
    def organisations(self) -> list[Organisation]:
        """The organisations this follow-up counts for, as loaded: the one it names itself,
        then its meeting's as they are now, each once. The row-by-row reading of
        `services.follow_up_links` for lists that already hold the follow-ups (load
        `meeting.organisations` with them: `services.LIST_OPTIONS`)."""
        found = [self.organisation] if self.organisation is not None else []
        if self.meeting is not None:
            found += [o for o in self.meeting.organisations if o.id != self.organisation_id]
        return found

    def is_overdue(self, today: date) -> bool:
        return is_overdue(self.status, self.due_on, today)
