"""Material, its versions and the distribution log (deliveries).

A delivery is the fact that one version reached one organisation (and perhaps one person
there) on a day, by one channel. Later steps add mailings (a delivery made by a mailing will
point at its recipient row) and coverage figures; both read this table as it is.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Column,
    Date,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.common.db_types import UTCDateTime, enum_column, sort_key_type
from app.common.i18n import translated
from app.common.soft_delete import SoftDeletable, live_index
from app.common.text import fold, sort_key
from app.common.time import utcnow
from app.contacts.models import Contact
from app.extensions import db
from app.meetings.models import Meeting, Perspective, TargetGroup, Topic
from app.organisations.models import Organisation


class MaterialKind(enum.StrEnum):
    GUIDANCE = "vagledning"
    INFORMATION = "informationsmaterial"
    GOOD_EXAMPLE = "gott_exempel"
    RESEARCH = "forskning"

    @property
    def label(self) -> str:
        return translated(KIND_LABELS[self])


KIND_LABELS = {
    MaterialKind.GUIDANCE: _l("Vägledning"),
    MaterialKind.INFORMATION: _l("Informationsmaterial"),
    MaterialKind.GOOD_EXAMPLE: _l("Gott exempel"),
    MaterialKind.RESEARCH: _l("Forskning"),
}


class MaterialStatus(enum.StrEnum):
    DRAFT = "utkast"
    PUBLISHED = "publicerad"
    REPLACED = "ersatt"

    @property
    def label(self) -> str:
        return translated(STATUS_LABELS[self])


STATUS_LABELS = {
    MaterialStatus.DRAFT: _l("Utkast"),
    MaterialStatus.PUBLISHED: _l("Publicerad"),
    MaterialStatus.REPLACED: _l("Ersatt"),
}

#: The languages material can be in: Swedish, English and the languages information about
#: the return support is commonly given in. A fixed list (ISO 639 codes); stored as the code.
LANGUAGES = {
    "sv": _l("Svenska"),
    "en": _l("Engelska"),
    "ar": _l("Arabiska"),
    "prs": _l("Dari"),
    "fa": _l("Persiska"),
    "ps": _l("Pashto"),
    "so": _l("Somaliska"),
    "ti": _l("Tigrinja"),
    "ckb": _l("Kurdiska (sorani)"),
    "ru": _l("Ryska"),
    "uk": _l("Ukrainska"),
}


def language_label(code: str) -> str:
    """The language's name ("Arabiska"), or the code for one no longer in the list."""
    label = LANGUAGES.get(code)
    return str(label) if label is not None else code


class Channel(enum.StrEnum):
    """How a version reached an organisation."""

    MAILING = "utskick"
    MEETING = "mote"
    BY_HAND = "hand"

    @property
    def label(self) -> str:
        return translated(CHANNEL_LABELS[self])


CHANNEL_LABELS = {
    Channel.MAILING: _l("Utskick"),
    Channel.MEETING: _l("Överlämnat vid möte"),
    Channel.BY_HAND: _l("Skickat för hand"),
}


class Outcome(enum.StrEnum):
    """Whether a delivery reached its recipient: sent, handed over or confirmed as sent
    (`DELIVERED`), or a mailing's message that failed or may not have gone out. Only a
    delivered one counts as "Informerad med X" (coverage.py)."""

    DELIVERED = "levererad"
    FAILED = "misslyckad"
    UNCERTAIN = "osaker"

    @property
    def label(self) -> str:
        return translated(OUTCOME_LABELS[self])


OUTCOME_LABELS = {
    Outcome.DELIVERED: _l("Levererat"),
    Outcome.FAILED: _l("Misslyckades"),
    Outcome.UNCERTAIN: _l("Osäkert"),
}

material_topics = Table(
    "material_topics",
    db.metadata,
    Column("material_id", ForeignKey("materials.id", ondelete="CASCADE"), primary_key=True),
    Column("topic_id", ForeignKey("topics.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_material_topics_topic_id", "topic_id"),
)
material_target_groups = Table(
    "material_target_groups",
    db.metadata,
    Column("material_id", ForeignKey("materials.id", ondelete="CASCADE"), primary_key=True),
    Column("target_group_id", ForeignKey("target_groups.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_material_target_groups_target_group_id", "target_group_id"),
)


class Material(SoftDeletable, db.Model):
    """A piece of guidance, information material, a good example (from `source_organisation`)
    or a research reference (authors, year, publisher, link, DOI)."""

    __tablename__ = "materials"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[MaterialKind] = mapped_column(enum_column(MaterialKind, "material_kind"))
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(8), default="sv")
    status: Mapped[MaterialStatus] = mapped_column(
        enum_column(MaterialStatus, "material_status"), default=MaterialStatus.DRAFT
    )
    source_organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    authors: Mapped[str] = mapped_column(String(500), default="")
    year: Mapped[int | None]
    publisher: Mapped[str] = mapped_column(String(300), default="")
    link: Mapped[str] = mapped_column(String(1000), default="")
    doi: Mapped[str] = mapped_column(String(200), default="")
    search_text: Mapped[str] = mapped_column(String(1000), default="")
    sort_title: Mapped[str] = mapped_column(sort_key_type(300), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    source_organisation: Mapped[Organisation | None] = relationship()
    topics: Mapped[list[Topic]] = relationship(secondary=material_topics, order_by=Topic.key)
    target_groups: Mapped[list[TargetGroup]] = relationship(
        secondary=material_target_groups, order_by=TargetGroup.key
    )
    perspectives: Mapped[list[MaterialPerspective]] = relationship(
        cascade="all, delete-orphan", order_by="MaterialPerspective.perspective"
    )
    versions: Mapped[list[MaterialVersion]] = relationship(
        back_populates="material",
        cascade="all, delete-orphan",
        order_by="MaterialVersion.number.desc()",
    )

    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}
    __table_args__ = (
        live_index("ix_materials_live_sort_title", "sort_title"),
        Index("ix_materials_year", "year"),
    )

    def index(self) -> None:
        """Refresh `search_text` from the title, authors, publisher and DOI."""
        parts = [self.title, self.authors, self.publisher, self.doi]
        self.search_text = fold(" ".join(p for p in parts if p))[:1000]
        self.sort_title = sort_key(self.title)[:300]

    @property
    def language_label(self) -> str:
        return language_label(self.language)

    @property
    def latest(self) -> MaterialVersion | None:
        return self.versions[0] if self.versions else None


class MaterialPerspective(db.Model):
    """A consequence perspective the material addresses."""

    __tablename__ = "material_perspectives"

    material_id: Mapped[int] = mapped_column(
        ForeignKey("materials.id", ondelete="CASCADE"), primary_key=True
    )
    perspective: Mapped[Perspective] = mapped_column(
        enum_column(Perspective, "perspective"), primary_key=True
    )


class MaterialVersion(db.Model):
    """Version `number` (1, 2, …) of a material: an uploaded file, kept under the library
    folder by its SHA-256 (`file_hash`), or a link."""

    __tablename__ = "material_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    material_id: Mapped[int] = mapped_column(ForeignKey("materials.id", ondelete="CASCADE"))
    number: Mapped[int]
    file_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    filename: Mapped[str] = mapped_column(String(255), default="")
    content_type: Mapped[str] = mapped_column(String(120), default="")
    size: Mapped[int | None]
    link: Mapped[str] = mapped_column(String(1000), default="")
    note: Mapped[str] = mapped_column(String(500), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    material: Mapped[Material] = relationship(back_populates="versions")
    created_by: Mapped[User | None] = relationship()

    __table_args__ = (UniqueConstraint("material_id", "number"),)

    @property
    def is_file(self) -> bool:
        return self.file_hash is not None


class Delivery(db.Model):
    """One version of a material reached one organisation (and perhaps a contact there) on a
    day, by mailing, at a meeting or by hand. A delivery to a contact is stored with the
    organisation the contact was at, so it counts for that organisation."""

    __tablename__ = "deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("material_versions.id", ondelete="CASCADE"))
    # The version's material, kept here so "has any version of X" needs no join.
    material_id: Mapped[int] = mapped_column(ForeignKey("materials.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT")
    )
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="SET NULL"))
    channel: Mapped[Channel] = mapped_column(enum_column(Channel, "delivery_channel"))
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", ondelete="SET NULL"))
    delivered_on: Mapped[date] = mapped_column(Date)
    outcome: Mapped[Outcome] = mapped_column(
        enum_column(Outcome, "delivery_outcome"),
        default=Outcome.DELIVERED,
        server_default=Outcome.DELIVERED.value,
    )
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    version: Mapped[MaterialVersion] = relationship()
    material: Mapped[Material] = relationship()
    organisation: Mapped[Organisation] = relationship()
    contact: Mapped[Contact | None] = relationship()
    meeting: Mapped[Meeting | None] = relationship()
    recorded_by: Mapped[User | None] = relationship()

    __table_args__ = (
        Index("ix_deliveries_organisation_id_delivered_on", "organisation_id", "delivered_on"),
        Index("ix_deliveries_material_id_organisation_id", "material_id", "organisation_id"),
        Index("ix_deliveries_version_id", "version_id"),
        Index("ix_deliveries_contact_id", "contact_id"),
        Index("ix_deliveries_meeting_id", "meeting_id"),
    )


class InformationFact(db.Model):
    """The maintained figure behind "Informerad med X" and "Information sent" (coverage.py):
    per version, receiving organisation, Stockholm day and channel, how many delivered
    deliveries there are. Failed and uncertain ones are left out; contacts at one organisation
    on one day collapse into one row. Kept in the transaction that writes deliveries
    (facts.install_maintenance), rebuilt by `flask library rebuild-coverage`."""

    __tablename__ = "information_facts"

    version_id: Mapped[int] = mapped_column(
        ForeignKey("material_versions.id", ondelete="CASCADE"), primary_key=True
    )
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    channel: Mapped[Channel] = mapped_column(
        enum_column(Channel, "delivery_channel"), primary_key=True
    )
    material_id: Mapped[int] = mapped_column(ForeignKey("materials.id", ondelete="CASCADE"))
    deliveries: Mapped[int]

    __table_args__ = (
        Index("ix_information_facts_material_id_organisation_id", "material_id", "organisation_id"),
        Index("ix_information_facts_day", "day"),
    )


class InformationMonth(db.Model):
    """The information facts of one calendar month, per material and channel: how many
    delivered deliveries, and which organisations received them, as a bitmap (bit i for
    organisation i, app/common/bitmaps.py). What "Information sent" reads for a period's whole
    months (coverage.information_sent): a month is a row per material and channel, however
    many deliveries it had. Kept with the facts, in the same transaction (facts.py); no row
    for a month, material and channel without a fact."""

    __tablename__ = "information_months"

    month: Mapped[date] = mapped_column(Date, primary_key=True)  # its first day
    material_id: Mapped[int] = mapped_column(
        ForeignKey("materials.id", ondelete="CASCADE"), primary_key=True
    )
    channel: Mapped[Channel] = mapped_column(
        enum_column(Channel, "information_month_channel"), primary_key=True
    )
    deliveries: Mapped[int]
    organisations: Mapped[bytes] = mapped_column(LargeBinary)


class MeetingReference(db.Model):
    """A research reference (or any material) discussed at a meeting."""

    __tablename__ = "meeting_references"

    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True
    )
    material_id: Mapped[int] = mapped_column(
        ForeignKey("materials.id", ondelete="CASCADE"), primary_key=True
    )
    linked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    meeting: Mapped[Meeting] = relationship()
    material: Mapped[Material] = relationship()

    __table_args__ = (Index("ix_meeting_references_material_id", "material_id"),)
