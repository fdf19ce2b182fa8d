"""An indicator (what is measured, in which unit, from which source), its figures per
municipality and year, and a draft import (the uploaded rows kept until confirmed)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.common.db_types import UTCDateTime
from app.common.time import utcnow
from app.extensions import db

#: An indicator's kinds: figures ("Utrikes födda", a number), or categories ("Kommungrupp",
#: SKR's grouping: "Storstäder", "Pendlingskommun nära större stad" …).
NUMBER, CATEGORY = "number", "category"


class Indicator(db.Model):
    """A measure per municipality ("Utrikes födda", "Invånare"), in `unit` ("personer",
    "procent"), from `source` ("Kolada N02926", "SCB"); a number, or a category."""

    __tablename__ = "indicators"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    unit: Mapped[str] = mapped_column(String(60), default="")
    source: Mapped[str] = mapped_column(String(200), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(10), default=NUMBER)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    @property
    def is_category(self) -> bool:
        return self.kind == CATEGORY

    values: Mapped[list[IndicatorValue]] = relationship(
        back_populates="indicator", cascade="all, delete-orphan", passive_deletes=True
    )

    __table_args__ = (CheckConstraint(f"kind IN ('{NUMBER}', '{CATEGORY}')", name="kind"),)


class IndicatorValue(db.Model):
    """One figure: an indicator's value (a number, or a category's name) for a municipality
    in a year, with the source and the import it came from."""

    __tablename__ = "indicator_values"

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    year: Mapped[int]
    value: Mapped[float | None] = mapped_column(Float)
    category: Mapped[str | None] = mapped_column(String(100))
    #: Where the figure comes from: the indicator's source and the file it was read from.
    source: Mapped[str] = mapped_column(String(300), default="")
    import_id: Mapped[int | None] = mapped_column(
        ForeignKey("indicator_imports.id", ondelete="SET NULL")
    )
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    indicator: Mapped[Indicator] = relationship(back_populates="values")

    __table_args__ = (
        # One figure per indicator, year and municipality; the same index reads one
        # indicator and year (the map, the ranking) in one range: O(municipalities).
        UniqueConstraint("indicator_id", "year", "organisation_id"),
        # A municipality's figures (its page), and deleting a municipality.
        Index("ix_indicator_values_organisation_id", "organisation_id"),
        Index("ix_indicator_values_import_id", "import_id"),
        CheckConstraint("value IS NOT NULL OR category IS NOT NULL", name="value_or_category"),
    )


class IndicatorImport(db.Model):
    """One uploaded indicator file, from draft (uploaded, mapped, previewed) to committed.
    The parsed rows are kept here, so every step works on any worker."""

    __tablename__ = "indicator_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(20), default="draft")
    header: Mapped[list[str]] = mapped_column(JSON, default=list)
    rows: Mapped[list[list[str]]] = mapped_column(JSON, default=list)
    #: The chosen columns and choices: municipality, year or fixed_year, value, mode.
    mapping: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    counts: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    indicator_id: Mapped[int | None] = mapped_column(
        ForeignKey("indicators.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_by_name: Mapped[str] = mapped_column(String(200), default="")
    committed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    indicator: Mapped[Indicator | None] = relationship()

    __table_args__ = (
        CheckConstraint("status IN ('draft', 'committed')", name="status"),
        Index("ix_indicator_imports_indicator_id", "indicator_id"),
    )
