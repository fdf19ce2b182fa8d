"""Contacts and their affiliations with organisations."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Column, ForeignKey, Index, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.common.db_types import UTCDateTime, sort_key_type
from app.common.soft_delete import SoftDeletable, live_index
from app.common.text import fold, sort_key
from app.common.time import local_today, utcnow
from app.common.validation import display_phone
from app.extensions import db
from app.organisations.models import Organisation

contact_tags = Table(
    "contact_tags",
    db.metadata,
    Column("contact_id", ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_contact_tags_tag_id", "tag_id"),
)


class Tag(db.Model):
    """A free label on contacts ("nätverk", "referensgrupp"); names are unique when folded."""

    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    key: Mapped[str] = mapped_column(String(60), unique=True)

    def __repr__(self) -> str:
        return f"<Tag {self.name}>"


def full_name(first_name: str, last_name: str) -> str:
    """How a contact is named in lists: "Anna Svensson". The one definition;
    `Contact.full_name` and lists that read names as plain rows both call it."""
    return f"{first_name} {last_name}".strip()


class Contact(SoftDeletable, db.Model):
    """A person the team is in dialogue with."""

    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    notes: Mapped[str] = mapped_column(Text, default="")
    # Maintained by `index()`: folded names and addresses for search, a Swedish sort key.
    search_text: Mapped[str] = mapped_column(String(600), default="")
    sort_name: Mapped[str] = mapped_column(sort_key_type(), default="", index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)
    # Set when the person's data was erased (name, addresses, notes cleared) on request.
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    tags: Mapped[list[Tag]] = relationship(secondary=contact_tags, order_by=Tag.key)
    emails: Mapped[list[ContactEmail]] = relationship(
        back_populates="contact", cascade="all, delete-orphan", order_by="ContactEmail.position"
    )
    phones: Mapped[list[ContactPhone]] = relationship(
        back_populates="contact", cascade="all, delete-orphan", order_by="ContactPhone.position"
    )
    affiliations: Mapped[list[Affiliation]] = relationship(
        back_populates="contact", cascade="all, delete-orphan"
    )

    # Counts edits (services bump it), checked in every UPDATE's WHERE clause.
    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}
    __table_args__ = (
        Index("ix_contacts_last_name_first_name", "last_name", "first_name"),
        live_index("ix_contacts_live_sort_name", "sort_name", "id"),
        # Contacts added per month (reports/queries.py).
        live_index("ix_contacts_live_created_at", "created_at"),
    )

    @property
    def full_name(self) -> str:
        return full_name(self.first_name, self.last_name)

    def index(self) -> None:
        """Refresh `search_text` and `sort_name` (last name first) from names and addresses."""
        parts = [self.first_name, self.last_name, *(e.address for e in self.emails)]
        self.search_text = fold(" ".join(p for p in parts if p))[:600]
        self.sort_name = sort_key(f"{self.last_name} {self.first_name}")[:200]

    def current_affiliations(self, on: date | None = None) -> list[Affiliation]:
        return [a for a in self.affiliations if a.is_current(on)]

    def former_affiliations(self, on: date | None = None) -> list[Affiliation]:
        return [a for a in self.affiliations if not a.is_current(on)]

    def __repr__(self) -> str:
        return f"<Contact {self.full_name}>"


class ContactEmail(db.Model):
    """One e-mail address of a contact, stored normalised (lower-cased) for matching."""

    __tablename__ = "contact_emails"

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    address: Mapped[str] = mapped_column(String(254), index=True)
    position: Mapped[int] = mapped_column(default=0)

    contact: Mapped[Contact] = relationship(back_populates="emails")

    __table_args__ = (Index("ix_contact_emails_contact_id", "contact_id"),)


def _shown_number(context: Any) -> str:
    """The default of `ContactPhone.shown`: the number as people read it, from the number
    inserted with it (every insert: the ORM's and the bulk writes' executemany alike)."""
    return display_phone(context.get_current_parameters()["number"])


class ContactPhone(db.Model):
    """One phone number of a contact, in E.164 form (+46…), and as it is shown.

    `shown` is `display_phone(number)`, written with the number (a number is never changed
    in place: a contact's numbers are replaced): a list of 40 contacts formatted their
    numbers with the phone-number library on every view, a fifth of its time. A row written
    without the app's model (an older process during an upgrade, a hand-made fix) has none
    and is formatted when read (`display`)."""

    __tablename__ = "contact_phones"

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    number: Mapped[str] = mapped_column(String(32))
    shown: Mapped[str | None] = mapped_column(String(48), default=_shown_number)
    label: Mapped[str] = mapped_column(String(50), default="")
    position: Mapped[int] = mapped_column(default=0)

    contact: Mapped[Contact] = relationship(back_populates="phones")

    __table_args__ = (Index("ix_contact_phones_contact_id", "contact_id"),)

    @property
    def display(self) -> str:
        """How the number is shown (070-123 45 67)."""
        return shown_phone(self.shown, self.number)


def shown_phone(shown: str | None, number: str) -> str:
    """`ContactPhone.shown`, or the number formatted now when it was written without it."""
    return shown or display_phone(number)


class Affiliation(db.Model):
    """A contact's role or title at an organisation from one date to another.

    A person who changes jobs gets a new affiliation and the old one is ended, never edited
    away, so the history of who was where stays visible.
    """

    __tablename__ = "affiliations"

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT")
    )
    title: Mapped[str] = mapped_column(String(200), default="")
    started_on: Mapped[date | None]
    ended_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    contact: Mapped[Contact] = relationship(back_populates="affiliations")
    organisation: Mapped[Organisation] = relationship()

    __table_args__ = (
        CheckConstraint(
            "ended_on IS NULL OR started_on IS NULL OR ended_on >= started_on",
            name="period_in_order",
        ),
        Index("ix_affiliations_contact_id", "contact_id"),
        Index("ix_affiliations_organisation_id", "organisation_id"),
    )

    def is_current(self, on: date | None = None) -> bool:
        """True if the affiliation holds on the given day (default: today in Stockholm)."""
        day = on or local_today()
        started = self.started_on is None or self.started_on <= day
        return started and (self.ended_on is None or self.ended_on >= day)


class ImportBatch(db.Model):
    """One uploaded contact file, from draft (uploaded, mapped, previewed) to committed or
    reverted. The parsed rows are kept here, so every step works on any worker."""

    __tablename__ = "import_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(20), default="draft")
    header: Mapped[list[str]] = mapped_column(JSON, default=list)
    rows: Mapped[list[list[str]]] = mapped_column(JSON, default=list)
    mapping: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    counts: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    #: How the file was read ("utf-8", "xlsx", the encoding the user chose …); "undecided"
    #: while a CSV that is not UTF-8 waits for the user to choose (its cells then hold the
    #: bytes as Latin-1, see import_files.py); None for imports from before it was kept.
    encoding: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_by_name: Mapped[str] = mapped_column(String(200), default="")
    committed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reverted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: The newest audit event when the import was committed: later events on its contacts
    #: mean they have been changed since, and the import can no longer be reverted.
    last_event_id: Mapped[int | None]

    items: Mapped[list[ImportItem]] = relationship(
        back_populates="batch", cascade="all, delete-orphan", order_by="ImportItem.row_number"
    )

    __table_args__ = (
        CheckConstraint("status IN ('draft', 'committed', 'reverted')", name="status"),
    )


class ImportItem(db.Model):
    """One contact an import created or updated, with what it looked like before."""

    __tablename__ = "import_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batches.id", ondelete="CASCADE"))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="SET NULL"))
    row_number: Mapped[int]
    action: Mapped[str] = mapped_column(String(10))
    before: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    affiliation_id: Mapped[int | None] = mapped_column(
        ForeignKey("affiliations.id", ondelete="SET NULL")
    )

    batch: Mapped[ImportBatch] = relationship(back_populates="items")

    __table_args__ = (
        Index("ix_import_items_batch_id", "batch_id"),
        Index("ix_import_items_contact_id", "contact_id"),
        CheckConstraint("action IN ('created', 'updated')", name="action"),
    )


class DuplicateDismissal(db.Model):
    """A pair of contacts a user has judged not to be the same person (lower id first)."""

    __tablename__ = "duplicate_dismissals"

    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True
    )
    other_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True
    )
    dismissed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    dismissed_by_name: Mapped[str] = mapped_column(String(200), default="")

    __table_args__ = (
        CheckConstraint("contact_id < other_id", name="ordered"),
        Index("ix_duplicate_dismissals_other_id", "other_id"),
    )
