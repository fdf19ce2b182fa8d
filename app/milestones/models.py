"""PolicyMilestone: a dated event in the policy around the work (a Stockholm date)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.common.db_types import UTCDateTime
from app.common.time import utcnow
from app.extensions import db


class PolicyMilestone(db.Model):
    """A dated event; `version` guards against two people saving over each other (the
    edit form carries the version it was made from; services bump it on a change)."""

    __tablename__ = "policy_milestones"

    id: Mapped[int] = mapped_column(primary_key=True)
    happens_on: Mapped[date] = mapped_column(index=True)
    title: Mapped[str] = mapped_column(String(200))
    note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}

    def __repr__(self) -> str:
        return f"<PolicyMilestone {self.happens_on} {self.title}>"
