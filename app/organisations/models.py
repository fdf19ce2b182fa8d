"""Counties and organisations."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.common.db_types import UTCDateTime, enum_column, sort_key_type
from app.common.i18n import translated
from app.common.soft_delete import SoftDeletable
from app.common.text import fold, sort_key
from app.common.time import utcnow
from app.extensions import db

from .stages import Stage


class OrganisationKind(enum.StrEnum):
    """The kinds of organisation the team works with; values are stored, labels shown.

    ENHET is the kind of every unit (an organisation with a parent, such as a municipality's
    social services), whatever its parent is: a unit is never counted as a "kommun". Whether
    a unit belongs to a municipality is read from its parent, never from its own kind.
    """

    KOMMUN = "kommun"
    LANSSTYRELSE = "lansstyrelse"
    REGION = "region"
    MYNDIGHET = "myndighet"
    SKR = "skr"
    CIVILSAMHALLE = "civilsamhalle"
    ANNAN = "annan"
    ENHET = "enhet"

    @property
    def label(self) -> str:
        return translated(KIND_LABELS[self])

    @property
    def plural_label(self) -> str:
        return translated(KIND_PLURAL_LABELS[self])


KIND_LABELS = {
    OrganisationKind.KOMMUN: _l("Kommun"),
    OrganisationKind.LANSSTYRELSE: _l("Länsstyrelse"),
    OrganisationKind.REGION: _l("Region"),
    OrganisationKind.MYNDIGHET: _l("Myndighet"),
    OrganisationKind.SKR: _l("SKR"),
    OrganisationKind.CIVILSAMHALLE: _l("Civilsamhälle"),
    OrganisationKind.ANNAN: _l("Annan"),
    OrganisationKind.ENHET: _l("Enhet"),
}

KIND_PLURAL_LABELS = {
    OrganisationKind.KOMMUN: _l("Kommuner"),
    OrganisationKind.LANSSTYRELSE: _l("Länsstyrelser"),
    OrganisationKind.REGION: _l("Regioner"),
    OrganisationKind.MYNDIGHET: _l("Myndigheter"),
    OrganisationKind.SKR: _l("SKR"),
    OrganisationKind.CIVILSAMHALLE: _l("Civilsamhällesorganisationer"),
    OrganisationKind.ANNAN: _l("Andra organisationer"),
    OrganisationKind.ENHET: _l("Enheter"),
}

#: The kinds a user chooses for an organisation of its own (a unit's kind is always ENHET).
TOP_LEVEL_KINDS = tuple(kind for kind in OrganisationKind if kind is not OrganisationKind.ENHET)


def display_name(name: str, parent_name: str | None) -> str:
    """How an organisation is named everywhere it is shown: a unit with its parent's name,
    "Socialtjänsten, Kramfors kommun". The one definition; `Organisation.display_name` and
    queries that read names as plain rows (pickers, reports) both call it."""
    return f"{name}, {parent_name}" if parent_name else name


class County(db.Model):
    """A län, identified by its two-digit SCB code. Reference data, owned by the seed."""

    __tablename__ = "counties"

    code: Mapped[str] = mapped_column(String(2), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    short_name: Mapped[str] = mapped_column(String(100))
    letter: Mapped[str] = mapped_column(String(2))

    def __repr__(self) -> str:
        return f"<County {self.code} {self.name}>"


class Organisation(SoftDeletable, db.Model):
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
    # A functional mailbox (the registry's address, "kommun@kramfors.se"): mailings go here
    # when none of the organisation's contacts is chosen (app/mailings).
    mailbox: Mapped[str | None] = mapped_column(String(254))
    notes: Mapped[str] = mapped_column(Text, default="")
    also_region: Mapped[bool] = mapped_column(default=False)
    # The lägesbild: set for municipalities only.
    engagement_stage: Mapped[Stage | None] = mapped_column(enum_column(Stage, "engagement_stage"))
    opportunities: Mapped[str] = mapped_column(Text, default="")
    challenges: Mapped[str] = mapped_column(Text, default="")
    # Maintained by `index()`: folded text for search, and a Swedish sort key.
    search_text: Mapped[str] = mapped_column(String(600), default="")
    sort_name: Mapped[str] = mapped_column(sort_key_type(), default="", index=True)
    reference_key: Mapped[str | None] = mapped_column(String(40), unique=True)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    county: Mapped[County | None] = relationship()
    parent: Mapped[Organisation | None] = relationship(remote_side=[id], back_populates="units")
    units: Mapped[list[Organisation]] = relationship(back_populates="parent")
    engagement_changes: Mapped[list[EngagementChange]] = relationship(
        back_populates="organisation",
        cascade="all, delete-orphan",
        order_by="EngagementChange.changed_at.desc()",
    )

    # Counts edits of the editable fields (services bump it); stage changes, archiving and
    # re-indexing do not, so they never turn someone's open edit form into a conflict.
    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}
    __table_args__ = (Index("ix_organisations_kind_name", "kind", "name"),)

    def index(self) -> None:
        """Refresh `search_text` and `sort_name` from the names and codes.

        A unit is also found by its parent's name ("socialtjänsten malmö").
        """
        parts = [self.name, self.short_name, self.municipality_code, self.org_number]
        if self.parent is not None:
            parts += [self.parent.name, self.parent.short_name]
        self.search_text = fold(" ".join(p for p in parts if p))[:600]
        self.sort_name = sort_key(self.name)[:200]

    @property
    def display_name(self) -> str:
        """The name, with the parent's for a unit: "Socialtjänsten, Kramfors kommun" (see
        `display_name()`). Load `parent` with the organisation in lists (selectinload)."""
        return display_name(self.name, self.parent.name if self.parent is not None else None)

    @property
    def is_municipality(self) -> bool:
        return self.kind is OrganisationKind.KOMMUN and self.parent_id is None

    @property
    def archived(self) -> bool:
        return self.archived_at is not None

    @property
    def is_region(self) -> bool:
        """True for a region, and for a municipality that holds the regional role."""
        return self.kind is OrganisationKind.REGION or self.also_region

    def __repr__(self) -> str:
        return f"<Organisation {self.kind.value} {self.name}>"


class EngagementChange(db.Model):
    """One change of a municipality's engagement stage, with the comment and the
    opportunities and challenges as they were then. The history behind the lägesbild."""

    __tablename__ = "engagement_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    stage: Mapped[Stage] = mapped_column(enum_column(Stage, "stage"))
    comment: Mapped[str] = mapped_column(Text, default="")
    opportunities: Mapped[str] = mapped_column(Text, default="")
    challenges: Mapped[str] = mapped_column(Text, default="")
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    changed_by_name: Mapped[str] = mapped_column(String(200), default="")

    organisation: Mapped[Organisation] = relationship(back_populates="engagement_changes")

    __table_args__ = (
        Index("ix_engagement_changes_organisation_id_changed_at", "organisation_id", "changed_at"),
    )
