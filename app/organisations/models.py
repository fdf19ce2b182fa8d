"""Counties and organisations."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.common.db_types import UTCDateTime, enum_column
from app.common.time import utcnow
from app.extensions import db


class OrganisationKind(enum.StrEnum):
    """The kinds of organisation the team works with; values are stored, labels shown."""

    KOMMUN = "kommun"
    LANSSTYRELSE = "lansstyrelse"
    REGION = "region"
    MYNDIGHET = "myndighet"
    SKR = "skr"
    CIVILSAMHALLE = "civilsamhalle"
    ANNAN = "annan"

    @property
    def label(self) -> str:
        return str(KIND_LABELS[self])

    @property
    def plural_label(self) -> str:
        return str(KIND_PLURAL_LABELS[self])


KIND_LABELS = {
    OrganisationKind.KOMMUN: _l("Kommun"),
    OrganisationKind.LANSSTYRELSE: _l("Länsstyrelse"),
    OrganisationKind.REGION: _l("Region"),
    OrganisationKind.MYNDIGHET: _l("Myndighet"),
    OrganisationKind.SKR: _l("SKR"),
    OrganisationKind.CIVILSAMHALLE: _l("Civilsamhälle"),
    OrganisationKind.ANNAN: _l("Annan"),
}

KIND_PLURAL_LABELS = {
    OrganisationKind.KOMMUN: _l("Kommuner"),
    OrganisationKind.LANSSTYRELSE: _l("Länsstyrelser"),
    OrganisationKind.REGION: _l("Regioner"),
    OrganisationKind.MYNDIGHET: _l("Myndigheter"),
    OrganisationKind.SKR: _l("SKR"),
    OrganisationKind.CIVILSAMHALLE: _l("Civilsamhällesorganisationer"),
    OrganisationKind.ANNAN: _l("Andra organisationer"),
}


class County(db.Model):
    """A län, identified by its two-digit SCB code. Reference data, owned by the seed."""

    __tablename__ = "counties"

    code: Mapped[str] = mapped_column(String(2), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    short_name: Mapped[str] = mapped_column(String(100))
    letter: Mapped[str] = mapped_column(String(2))

    def __repr__(self) -> str:
        return f"<County {self.code} {self.name}>"


class Organisation(db.Model):
    """An organisation, or a unit inside one (such as a municipality's social services).

    `reference_key` ties a row to the reference data it was loaded from ("kommun:0114",
    "lansstyrelse:01", "region:01", "myndighet:202100-2163"); rows users create have none.
    `also_region` marks a municipality that is its county's region too (Gotland).
    """

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    short_name: Mapped[str | None] = mapped_column(String(100))
    kind: Mapped[OrganisationKind] = mapped_column(enum_column(OrganisationKind, "kind"))
    municipality_code: Mapped[str | None] = mapped_column(String(4), unique=True)
    county_code: Mapped[str | None] = mapped_column(
        ForeignKey("counties.code", ondelete="RESTRICT"), index=True
    )
    org_number: Mapped[str | None] = mapped_column(String(11), index=True)
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    website: Mapped[str | None] = mapped_column(String(500))
    notes: Mapped[str] = mapped_column(Text, default="")
    also_region: Mapped[bool] = mapped_column(default=False)
    reference_key: Mapped[str | None] = mapped_column(String(40), unique=True)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    county: Mapped[County | None] = relationship()
    parent: Mapped[Organisation | None] = relationship(remote_side=[id], back_populates="units")
    units: Mapped[list[Organisation]] = relationship(back_populates="parent")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (Index("ix_organisations_kind_name", "kind", "name"),)

    @property
    def archived(self) -> bool:
        return self.archived_at is not None

    @property
    def is_region(self) -> bool:
        """True for a region, and for a municipality that holds the regional role."""
        return self.kind is OrganisationKind.REGION or self.also_region

    def __repr__(self) -> str:
        return f"<Organisation {self.kind.value} {self.name}>"
