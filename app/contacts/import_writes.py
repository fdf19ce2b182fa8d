"""The bulk writes behind a contact import and its undo: contacts, addresses, numbers,
tags, roles and audit events gathered while the rows are applied, then written with one
statement per table (see import_commit.py for why)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import bindparam, delete, func, insert, select, update

from app.audit.models import AuditEvent
from app.audit.services import Action, Actor, diff
from app.common.text import fold
from app.extensions import db

from .import_matching import KnownAddress, KnownContact, KnownNumber, KnownTag, chunks
from .importer import ImportNotPossible
from .models import Affiliation, Contact, ContactEmail, ContactPhone, Tag, contact_tags
from .services import contact_snapshot

TAG_LENGTH = Tag.__table__.c.key.type.length


def tags_named(names: Iterable[str]) -> dict[str, KnownTag]:
    """The tags with these names, by folded key: existing ones found, missing ones created
    with the first spelling given (as `labels_named` does, once for the whole file)."""
    wanted: dict[str, str] = {}
    for name in names:
        key = fold(name.strip())[:TAG_LENGTH]
        if key:
            wanted.setdefault(key, name.strip()[:TAG_LENGTH])
    tags: dict[str, KnownTag] = {}
    for chunk in chunks(sorted(wanted)):
        for tag_id, name, key in db.session.execute(
            select(Tag.id, Tag.name, Tag.key).where(Tag.key.in_(chunk))
        ):
            tags[key] = KnownTag(tag_id, name, key)
    missing = [{"name": name, "key": key} for key, name in wanted.items() if key not in tags]
    for tag_id, tag in zip(insert_for_ids(Tag, missing), missing, strict=True):
        tags[tag["key"]] = KnownTag(tag_id, tag["name"], tag["key"])
    return tags


@dataclass
class Writes:
    """Changes to existing contacts, made in memory row by row, then saved together: only
    the difference from what was read is written, in a few bulk statements."""

    note: str
    by: Actor
    events: list[dict[str, Any]] = field(default_factory=list)
    #: Each contact changed, with the version and the lists it was read with.
    read: dict[int, tuple[KnownContact, int, list[Any], list[Any], list[Any], list[Any]]] = field(
        default_factory=dict
    )

    def touch(self, contact: KnownContact) -> None:
        """Remember the contact as read, before its first change."""
        if contact.id not in self.read:
            self.read[contact.id] = (
                contact,
                contact.version,
                list(contact.emails),
                list(contact.phones),
                list(contact.tags),
                [(a.id, a.title) for a in contact.affiliations],
            )

    def changed(self, contact: KnownContact, before: dict[str, Any], action: Action) -> None:
        """Record the change since `before` (as `update_contact` does: a new version and
        an audit event, if the recorded fields changed)."""
        changes = diff(before, contact_snapshot(contact))
        if changes:
            contact.version += 1
            self.event(contact.id, changes, action)

    def event(self, contact_id: int, changes: dict[str, list[Any]], action: Action) -> None:
        """An audit event as `record()` makes it, for a bulk insert."""
        self.events.append(
            {
                "actor_id": self.by.id,
                "actor_name": self.by.name,
                "entity_type": Contact.__tablename__,
                "entity_id": contact_id,
                "action": action.value,
                "changes": changes,
                "note": self.note[:500],
            }
        )

    def save(self) -> None:
        """Write the changes. A contact saved by someone else since it was read stops the
        whole import, as an edit conflict would."""
        versions: list[dict[str, Any]] = []
        gone: dict[str, list[dict[str, Any]]] = {"emails": [], "phones": [], "tags": []}
        new: dict[str, list[dict[str, Any]]] = {"emails": [], "phones": [], "tags": []}
        removed, titles, added = [], [], []
        for contact, version, emails, phones, tags, affiliations in self.read.values():
            if contact.version != version:
                versions.append(
                    {
                        "b_id": contact.id,
                        "b_version": version,
                        "first_name": contact.first_name,
                        "last_name": contact.last_name,
                        "notes": contact.notes,
                        "search_text": contact.search_text,
                        "sort_name": contact.sort_name,
                        "version": contact.version,
                    }
                )
            for name, was, now in (
                ("emails", emails, contact.emails),
                ("phones", phones, contact.phones),
                ("tags", tags, contact.tags),
            ):
                was_set, now_set = set(was), set(now)
                gone[name] += [
                    {"b_contact_id": contact.id, **{f"b_{k}": v for k, v in row_columns(x).items()}}
                    for x in was
                    if x not in now_set
                ]
                new[name] += [
                    {"contact_id": contact.id, **row_columns(x)} for x in now if x not in was_set
                ]
            kept = {a.id: a for a in contact.affiliations}
            for affiliation_id, title in affiliations:
                if affiliation_id not in kept:
                    removed.append(affiliation_id)
                elif kept[affiliation_id].title != title:
                    titles.append({"b_id": affiliation_id, "title": kept[affiliation_id].title})
            added += [(contact.id, a) for a in contact.affiliations if a.id is None]
        contacts = Contact.__table__
        if versions:
            result = db.session.execute(
                update(contacts).where(
                    contacts.c.id == bindparam("b_id"),
                    contacts.c.version == bindparam("b_version"),
                ),
                versions,
            )
            if result.rowcount != len(versions):
                raise ImportNotPossible(
                    _("Registret har ändrats sedan förhandsgranskningen. Granska raderna igen.")
                )
        for name, table in (
            ("emails", ContactEmail.__table__),
            ("phones", ContactPhone.__table__),
            ("tags", contact_tags),
        ):
            if gone[name]:
                db.session.execute(
                    delete(table).where(
                        *(table.c[key[2:]] == bindparam(key) for key in gone[name][0])
                    ),
                    gone[name],
                )
            insert_rows(table, new[name])
        for chunk in chunks(removed):
            db.session.execute(delete(Affiliation.__table__).where(Affiliation.id.in_(chunk)))
        if titles:
            affiliations_table = Affiliation.__table__
            db.session.execute(
                update(affiliations_table).where(affiliations_table.c.id == bindparam("b_id")),
                titles,
            )
        ids = insert_for_ids(
            Affiliation,
            [
                {"contact_id": contact_id, "organisation_id": a.organisation_id, "title": a.title}
                for contact_id, a in added
            ],
        )
        for affiliation_id, (_contact_id, affiliation) in zip(ids, added, strict=True):
            affiliation.id = affiliation_id
        insert_rows(AuditEvent, self.events)


def row_columns(value: KnownAddress | KnownNumber | KnownTag) -> dict[str, Any]:
    """An address, number or tag of a contact as the columns of its row."""
    if isinstance(value, KnownTag):
        return {"tag_id": value.id}
    return value._asdict()


def insert_rows(model: Any, rows: list[dict[str, Any]]) -> None:
    """One bulk INSERT of `rows` (executemany; nothing when there are none). Core, not the
    ORM's bulk insert: the rows are complete and the ORM's per-row bookkeeping is not needed."""
    if rows:
        db.session.execute(insert(getattr(model, "__table__", model)), rows)


def insert_for_ids(model: Any, rows: list[dict[str, Any]]) -> list[int]:
    """Insert `rows` and return their new ids, in the same order."""
    if not rows:
        return []
    table = model.__table__
    if db.session.get_bind().dialect.name == "sqlite":
        # SQLite cannot promise RETURNING's order for many rows. It gives a new row
        # max(id) + 1, though, and this transaction holds the database's only write lock
        # from its first write to its end: rows inserted together get consecutive ids.
        db.session.execute(insert(table), rows)
        last = db.session.scalar(select(func.max(table.c.id))) or 0
        return list(range(last - len(rows) + 1, last + 1))
    return list(
        db.session.scalars(insert(table).returning(table.c.id, sort_by_parameter_order=True), rows)
    )
