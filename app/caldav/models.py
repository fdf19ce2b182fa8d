"""What was published to the CalDAV server, and the changes found there that wait for a
coordinator's decision."""

from __future__ import annotations

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.common.db_types import UTCDateTime, enum_column
from app.common.i18n import translated
from app.common.time import to_local, utcnow
from app.extensions import db
from app.meetings.models import Meeting, last_day


class CaldavObject(db.Model):
    """One meeting's event on the server: where it is (`href`, the path on the server), the
    ETag the server gave it, and the SEQUENCE and hash of the text last sent, so a sync sends
    only what changed. A meeting that is gone (deleted for good) leaves its row with
    meeting_id NULL until the next sync deletes the event on the server too."""

    __tablename__ = "caldav_objects"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meetings.id", ondelete="SET NULL"), unique=True
    )
    href: Mapped[str] = mapped_column(String(1000), unique=True)
    etag: Mapped[str | None] = mapped_column(String(200))
    sequence: Mapped[int] = mapped_column(default=0)
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    #: What the text sent was made from (the meeting's version, the organisations' version,
    #: the address and language): while it is the same, the text is not made again.
    source_key: Mapped[str | None] = mapped_column(String(64))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: Deleted on the server and the meeting cancelled since: not published again.
    gone_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    meeting: Mapped[Meeting | None] = relationship()


class ProposalKind(enum.StrEnum):
    CHANGE = "andring"
    CANCEL = "installt"
    DELETED = "borttaget"

    @property
    def label(self) -> str:
        return translated(PROPOSAL_KIND_LABELS[self])


PROPOSAL_KIND_LABELS = {
    ProposalKind.CHANGE: _l("Ändrat i kalendern"),
    ProposalKind.CANCEL: _l("Inställt i kalendern"),
    ProposalKind.DELETED: _l("Borttaget i kalendern"),
}


class ProposalStatus(enum.StrEnum):
    OPEN = "oppen"
    CONFIRMED = "bekraftad"
    REJECTED = "avvisad"


class CaldavProposal(db.Model):
    """A change made on the CalDAV server to a published meeting, proposed to Samverkan.

    For a change, the server's time and place are kept (`place` None when the place did not
    change); a cancellation or deletion proposes cancelling the meeting. Nothing changes in
    Samverkan until a coordinator confirms."""

    __tablename__ = "caldav_proposals"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[ProposalKind] = mapped_column(enum_column(ProposalKind, "kind"))
    status: Mapped[ProposalStatus] = mapped_column(
        enum_column(ProposalStatus, "status"), default=ProposalStatus.OPEN, index=True
    )
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    all_day: Mapped[bool | None] = mapped_column()
    place: Mapped[str | None] = mapped_column(String(300))
    etag: Mapped[str | None] = mapped_column(String(200))
    detected_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    meeting: Mapped[Meeting] = relationship()
    decided_by: Mapped[User | None] = relationship()

    @property
    def last_day(self) -> date | None:
        """The proposed last Stockholm day (as Meeting.last_day), for a change of time."""
        if self.starts_at is None or self.ends_at is None:
            return None
        return last_day(to_local(self.starts_at), to_local(self.ends_at))
