"""One row per user and Stockholm day a digest was made for: the unique (user_id, day) is
what makes it at most one digest a day, whichever worker or cron run gets there first."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.common.db_types import UTCDateTime
from app.common.time import utcnow
from app.extensions import db


class DigestDelivery(db.Model):
    """The digest of `user_id` for `day`: claimed (`claimed_at`) before it is sent, then
    `sent_at` once the SMTP server took it; `items` 0 means there was nothing to remind of
    and nothing was sent. A failed send deletes the row, so a later run tries again."""

    __tablename__ = "digest_deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    day: Mapped[date]
    items: Mapped[int] = mapped_column(default=0)
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (UniqueConstraint("user_id", "day"),)
