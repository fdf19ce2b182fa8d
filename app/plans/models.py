"""A contact plan and its items (one organisation each).

An item's `due_on` and `responsible_id` are empty while they follow the plan (its end and
its owner); `ContactPlanItem.due` and the figures read the effective values, so changing the
plan's end moves every item that was not given a date of its own.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.common.db_types import UTCDateTime
from app.common.time import utcnow
from app.extensions import db

if TYPE_CHECKING:
    from app.auth.models import User
    from app.organisations.models import Organisation


class ContactPlan(db.Model):
    """Whom to reach between `starts_on` and `ends_on` (Stockholm days), for a county or a
    group ("Västernorrland", "Storstäderna"); `owner` answers for the plan."""

    __tablename__ = "contact_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    scope: Mapped[str] = mapped_column(String(200), default="")
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    items: Mapped[list[ContactPlanItem]] = relationship(
        back_populates="plan", cascade="all, delete-orphan"
    )

    # Services bump the version on edits of the plan's own fields (not on its items).
    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}

    def __repr__(self) -> str:
        return f"<ContactPlan {self.id} {self.title}>"

    def ended_before(self, day: date) -> bool:
        """Whether the plan's period was over before `day` (nothing more is added to it)."""
        return self.ends_on < day


class ContactPlanItem(db.Model):
    """One organisation in a plan: reach it by `due` (the plan's end unless set), the
    `responsible` user (the plan's owner unless set) doing it."""

    __tablename__ = "contact_plan_items"
    __table_args__ = (UniqueConstraint("plan_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("contact_plans.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    due_on: Mapped[date | None] = mapped_column(Date)
    responsible_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    plan: Mapped[ContactPlan] = relationship(back_populates="items")
    organisation: Mapped[Organisation] = relationship()
    responsible: Mapped[User | None] = relationship()

    @property
    def due(self) -> date:
        """The day it should be reached by: its own, or the plan's end."""
        return self.due_on or self.plan.ends_on
