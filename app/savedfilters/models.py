"""A filter a user saved for one of the lists."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.common.db_types import UTCDateTime
from app.common.time import utcnow
from app.extensions import db


class SavedFilter(db.Model):
    """A list's query string under a name, belonging to one user (gone with the user).

    `list_key` names the list (see services.LISTS); `query_string` is the query string without the
    page number, as the filter form sends it.
    """

    __tablename__ = "saved_filters"
    __table_args__ = (UniqueConstraint("user_id", "list_key", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    list_key: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(100))
    query_string: Mapped[str] = mapped_column(String(2000), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
