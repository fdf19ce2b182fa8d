"""Moving records to the trash and back.

Deleting is soft: the row gets `deleted_at` and who did it, and the session filter hides it
everywhere at once. Rules per kind:
- an organisation from the reference data, or one that anything still refers to, is never
  deleted (it can be archived instead);
- a meeting takes its follow-ups with it, stamped with the same moment, and restoring the
  meeting brings back exactly those;
- a contact's affiliations and meeting participation stay in place, hidden with the contact.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from app.audit.services import Action, Actor, record
from app.auth.models import User
from app.common.exceptions import DomainError
from app.common.soft_delete import SoftDeletable, including_deleted
from app.common.time import utcnow
from app.contacts.models import Affiliation, Contact
from app.extensions import db
from app.followups.models import FollowUp
from app.library.models import Material
from app.meetings.models import Meeting
from app.organisations.models import Organisation
from app.organisations.services import is_deletable


class CannotDelete(DomainError):
    """The record may not go to the trash (the message says why, in Swedish)."""


@dataclass(frozen=True)
class Kind:
    """One kind of record the trash holds."""

    slug: str  # in URLs: /papperskorg/<slug>/<id>/aterstall
    model: type[Any]
    label: Any  # lazy Swedish plural, for headings
    order: Any  # the ordering among records deleted at the same moment


KINDS: dict[str, Kind] = {
    kind.slug: kind
    for kind in (
        Kind("organisationer", Organisation, _l("Organisationer"), Organisation.sort_name),
        Kind("kontakter", Contact, _l("Kontakter"), Contact.sort_name),
        Kind("moten", Meeting, _l("Möten"), Meeting.starts_at.desc()),
        Kind("uppfoljningar", FollowUp, _l("Uppföljningar"), FollowUp.due_on),
        Kind("material", Material, _l("Material"), Material.sort_title),
    )
}


def name_of(item: Any) -> str:
    """What the trash and the history call the record."""
    if isinstance(item, Contact):
        return item.full_name
    if isinstance(item, Organisation):
        return item.name
    return item.title


def _check_deletable(item: SoftDeletable) -> None:
    if isinstance(item, Organisation):
        if item.reference_key:
            raise CannotDelete(
                _("Organisationer från referensdata kan inte tas bort. Arkivera i stället.")
            )
        if not is_deletable(item):
            raise CannotDelete(
                _("Organisationen används och kan inte tas bort. Arkivera den i stället.")
            )


def _stamp(item: SoftDeletable, moment: datetime | None, by: Actor | None) -> None:
    item.deleted_at = moment
    item.deleted_by_id = by.id if by is not None else None


def move_to_trash(item: SoftDeletable, *, by: Actor) -> list[FollowUp]:
    """Delete `item` softly; returns the follow-ups a meeting took with it."""
    if item.deleted_at is not None:
        return []
    _check_deletable(item)
    moment = utcnow()
    taken: list[FollowUp] = []
    if isinstance(item, Meeting):
        taken = list(db.session.scalars(select(FollowUp).where(FollowUp.meeting_id == item.id)))
        for follow_up in taken:
            _stamp(follow_up, moment, by)
            record(entity=follow_up, action=Action.DELETE, by=by, note=name_of(follow_up))
    _stamp(item, moment, by)
    record(entity=item, action=Action.DELETE, by=by, note=name_of(item))
    return taken


def restore_from_trash(item: SoftDeletable, *, by: Actor) -> list[FollowUp]:
    """Bring `item` back; a meeting brings back the follow-ups deleted with it."""
    if item.deleted_at is None:
        return []
    brought: list[FollowUp] = []
    if isinstance(item, Meeting):
        brought = list(
            db.session.scalars(
                including_deleted(
                    select(FollowUp).where(
                        FollowUp.meeting_id == item.id, FollowUp.deleted_at == item.deleted_at
                    )
                )
            )
        )
        for follow_up in brought:
            _stamp(follow_up, None, None)
            record(entity=follow_up, action=Action.RESTORE, by=by, note=name_of(follow_up))
    _stamp(item, None, None)
    record(entity=item, action=Action.RESTORE, by=by, note=name_of(item))
    return brought


def find_deleted(kind: Kind, record_id: int) -> Any | None:
    """The record of `kind` with `record_id`, if it is in the trash."""
    model = kind.model
    return db.session.scalar(
        including_deleted(select(model).where(model.id == record_id, model.deleted_at.is_not(None)))
    )


@dataclass
class TrashSection:
    """The latest deleted records of one kind, and how many there are in all."""

    kind: Kind
    items: list[Any]
    total: int


def trash_contents(*, limit: int = 100) -> list[TrashSection]:
    """Each kind's most recently deleted records (at most `limit`), in 8 statements."""
    sections = []
    for kind in KINDS.values():
        model = kind.model
        in_trash = model.deleted_at.is_not(None)
        query = select(model).where(in_trash).order_by(model.deleted_at.desc(), kind.order)
        if model is Contact:
            query = query.options(
                selectinload(Contact.affiliations)
                .selectinload(Affiliation.organisation)
                .joinedload(Organisation.parent)
            )
        if model is Organisation:
            query = query.options(joinedload(Organisation.parent))
        items = list(db.session.scalars(including_deleted(query.limit(limit))))
        total = db.session.scalar(
            including_deleted(select(func.count()).select_from(model).where(in_trash))
        )
        sections.append(TrashSection(kind=kind, items=items, total=total or 0))
    return sections


def deleters(sections: list[TrashSection]) -> dict[int, str]:
    """The names of the users who deleted what `sections` show, by id (one statement)."""
    ids = {item.deleted_by_id for section in sections for item in section.items}
    ids.discard(None)
    if not ids:
        return {}
    return dict(db.session.execute(select(User.id, User.name).where(User.id.in_(ids))).all())
