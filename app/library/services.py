"""The library's operations: add and edit material, add a version, record deliveries, and
the reads the pages need (one function per operation, as in app/meetings/services.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from app.audit.services import Action, Actor, diff, plain, record
from app.common.exceptions import DomainError, EditConflict
from app.common.labels import labels_named
from app.contacts.models import Contact
from app.extensions import db
from app.meetings.models import Meeting, Perspective, TargetGroup, Topic
from app.organisations.models import Organisation

from . import pickers
from .files import StoredFile
from .models import (
    LANGUAGES,
    Channel,
    Delivery,
    Material,
    MaterialKind,
    MaterialPerspective,
    MaterialStatus,
    MaterialVersion,
    Outcome,
)

FIELDS = (
    "kind",
    "title",
    "summary",
    "language",
    "status",
    "source_organisation_id",
    "authors",
    "year",
    "publisher",
    "link",
    "doi",
)
#: Organisations one "sent by hand" may name at once.
MAX_RECIPIENTS = 500


class InvalidMaterial(DomainError):
    """A value or combination a material, version or delivery cannot have."""


@dataclass
class MaterialValues:
    kind: MaterialKind
    title: str
    summary: str = ""
    language: str = "sv"
    status: MaterialStatus = MaterialStatus.DRAFT
    source_organisation_id: int | None = None
    authors: str = ""
    year: int | None = None
    publisher: str = ""
    link: str = ""
    doi: str = ""
    topics: list[str] = field(default_factory=list)
    target_groups: list[str] = field(default_factory=list)
    perspectives: list[Perspective] = field(default_factory=list)


def snapshot(material: Material) -> dict[str, Any]:
    """The recorded state of a material (lists sorted: their order means nothing)."""
    state = {name: plain(getattr(material, name)) for name in FIELDS}
    state["topics"] = sorted(t.name for t in material.topics)
    state["target_groups"] = sorted(t.name for t in material.target_groups)
    state["perspectives"] = sorted(p.perspective.value for p in material.perspectives)
    return state


def _apply(material: Material, values: MaterialValues) -> None:
    values.kind, values.status = MaterialKind(values.kind), MaterialStatus(values.status)
    title = " ".join(values.title.split())
    if not title:
        raise InvalidMaterial(_("Ange en titel."))
    if values.language not in LANGUAGES:
        raise InvalidMaterial(_("Välj ett språk i listan."))
    if values.kind is MaterialKind.GOOD_EXAMPLE and values.source_organisation_id is None:
        raise InvalidMaterial(_("Ett gott exempel kommer från en organisation: välj vilken."))
    source = None
    if values.source_organisation_id is not None:
        source = db.session.get(Organisation, values.source_organisation_id)
        if source is None:
            raise InvalidMaterial(_("Den valda organisationen finns inte."))
    research = values.kind is MaterialKind.RESEARCH
    material.kind, material.title = values.kind, title[:300]
    material.summary, material.language = values.summary.strip(), values.language
    material.status = values.status
    material.source_organisation_id = source.id if source is not None else None
    material.source_organisation = source
    # Authors, year, publisher and DOI describe research; other kinds keep none.
    material.authors = values.authors.strip()[:500] if research else ""
    material.year = values.year if research else None
    material.publisher = values.publisher.strip()[:300] if research else ""
    material.doi = values.doi.strip()[:200] if research else ""
    material.link = values.link.strip()[:1000]
    material.topics = labels_named(Topic, values.topics)
    material.target_groups = labels_named(TargetGroup, values.target_groups)
    wanted = set(values.perspectives)
    kept = [p for p in material.perspectives if p.perspective in wanted]
    material.perspectives = kept + [
        MaterialPerspective(perspective=p)
        for p in Perspective
        if p in wanted and p not in {k.perspective for k in kept}
    ]
    material.index()


def create_material(*, values: MaterialValues, by: Actor | None) -> Material:
    """Add a material (its versions come one by one with `add_version`)."""
    material = Material(created_by_id=by.id if by is not None else None)
    _apply(material, values)
    db.session.add(material)
    db.session.flush()
    record(entity=material, action=Action.CREATE, by=by, changes=diff({}, snapshot(material)))
    return material


def update_material(
    material: Material, *, values: MaterialValues, expected_version: int, by: Actor
) -> dict[str, list[Any]]:
    """Save edits; EditConflict if someone saved in between. Returns the changes."""
    if material.version != expected_version:
        raise EditConflict(current=material)
    before = snapshot(material)
    _apply(material, values)
    changes = diff(before, snapshot(material))
    if changes:
        material.version += 1
        db.session.flush()
        record(entity=material, action=Action.UPDATE, by=by, changes=changes)
    return changes


def add_version(
    material: Material,
    *,
    stored: StoredFile | None = None,
    link: str = "",
    note: str = "",
    by: Actor | None,
) -> MaterialVersion:
    """Add the next version (1, 2, …) of `material`: a stored file or a link, not both."""
    link = link.strip()
    if (stored is None) == (not link):
        raise InvalidMaterial(_("En version är antingen en uppladdad fil eller en länk."))
    number = (
        db.session.scalar(
            select(func.max(MaterialVersion.number)).where(
                MaterialVersion.material_id == material.id
            )
        )
        or 0
    ) + 1
    version = MaterialVersion(
        material_id=material.id,
        number=number,
        link=link[:1000],
        note=note.strip()[:500],
        created_by_id=by.id if by is not None else None,
    )
    if stored is not None:
        version.file_hash, version.filename = stored.file_hash, stored.filename
        version.content_type, version.size = stored.content_type, stored.size
    db.session.add(version)
    db.session.flush()
    shown = version.filename or version.link
    record(
        entity=material,
        action=Action.UPDATE,
        by=by,
        changes={"versions": [None, f"{number}: {shown}"]},
    )
    return version


def organisation_of(contact: Contact, on: date) -> int:
    """The organisation a delivery to `contact` on `on` counts for: the first (oldest) of
    the contact's roles that holds that day; InvalidMaterial when there is none."""
    roles = sorted((a for a in contact.affiliations if a.is_current(on)), key=lambda a: a.id)
    if not roles:
        raise InvalidMaterial(
            _("%(name)s har ingen roll på någon organisation.", name=contact.full_name)
        )
    return roles[0].organisation_id


def record_deliveries(
    version: MaterialVersion,
    *,
    channel: Channel,
    delivered_on: date,
    organisation_ids: list[int] = (),  # type: ignore[assignment]
    contact_ids: list[int] = (),  # type: ignore[assignment]
    meeting: Meeting | None = None,
    outcome: Outcome = Outcome.DELIVERED,
    by: Actor | None,
    in_history: bool = True,
) -> list[Delivery]:
    """Record that `version` reached these organisations and contacts (each contact counted
    for its organisation that day). An organisation or contact that already has this very
    version by the same channel that day is not recorded twice. `in_history=False` leaves
    the material's history to the caller (a mailing writes one entry for all its messages)."""
    organisation_ids = list(dict.fromkeys(organisation_ids))
    contact_ids = list(dict.fromkeys(contact_ids))
    if not organisation_ids and not contact_ids:
        raise InvalidMaterial(_("Välj minst en mottagare."))
    if len(organisation_ids) + len(contact_ids) > MAX_RECIPIENTS:
        raise InvalidMaterial(_("Högst %(num)d mottagare åt gången.", num=MAX_RECIPIENTS))
    if channel is Channel.MEETING and meeting is None:
        raise InvalidMaterial(_("Material som lämnats vid ett möte behöver mötet."))
    organisations = set(
        db.session.scalars(select(Organisation.id).where(Organisation.id.in_(organisation_ids)))
    )
    if len(organisations) != len(organisation_ids):
        raise InvalidMaterial(_("En vald organisation finns inte."))
    contacts = list(
        db.session.scalars(
            select(Contact)
            .options(selectinload(Contact.affiliations))
            .where(Contact.id.in_(contact_ids))
        )
    )
    if len(contacts) != len(contact_ids):
        raise InvalidMaterial(_("En vald kontakt finns inte."))
    wanted: list[tuple[int, int | None]] = [(o, None) for o in organisation_ids]
    wanted += [(organisation_of(c, delivered_on), c.id) for c in contacts]
    existing = set(
        db.session.execute(
            select(Delivery.organisation_id, Delivery.contact_id).where(
                Delivery.version_id == version.id,
                Delivery.channel == channel,
                Delivery.delivered_on == delivered_on,
            )
        ).all()
    )
    made = []
    for organisation_id, contact_id in dict.fromkeys(wanted):
        if (organisation_id, contact_id) in existing:
            continue
        delivery = Delivery(
            version_id=version.id,
            material_id=version.material_id,
            organisation_id=organisation_id,
            contact_id=contact_id,
            channel=channel,
            meeting_id=meeting.id if meeting is not None else None,
            delivered_on=delivered_on,
            outcome=outcome,
            recorded_by_id=by.id if by is not None else None,
        )
        db.session.add(delivery)
        made.append(delivery)
    db.session.flush()
    if made and in_history:
        organisations_reached = sorted({d.organisation_id for d in made})
        record(
            entity=version.material,
            action=Action.UPDATE,
            by=by,
            changes={"delivered_to": [None, organisations_reached]},
            note=f"{channel.label}, {_('version %(number)d', number=version.number)}, "
            f"{delivered_on.isoformat()}",
        )
    return made


def settle_delivery(delivery: Delivery, *, outcome: Outcome, by: Actor | None) -> None:
    """Set what became of a delivery: a person confirming an uncertain message as sent
    (it then counts as Informerad med X, coverage.py), or marking it failed."""
    if delivery.outcome is outcome:
        return
    before = delivery.outcome.value
    delivery.outcome = outcome
    db.session.flush()
    record(
        entity=delivery.material,
        action=Action.UPDATE,
        by=by,
        changes={"delivery_outcome": [before, outcome.value]},
        note=delivery.organisation.display_name,
    )


# --- reads -------------------------------------------------------------------------------------


def load_material(material_id: int) -> Material | None:
    """A material with what its page shows, in a fixed number of statements."""
    return db.session.scalar(
        select(Material)
        .options(
            joinedload(Material.source_organisation).joinedload(Organisation.parent),
            selectinload(Material.topics),
            selectinload(Material.target_groups),
            selectinload(Material.perspectives),
            selectinload(Material.versions).joinedload(MaterialVersion.created_by),
        )
        .where(Material.id == material_id)
    )


def load_version(material_id: int, number: int) -> MaterialVersion | None:
    return db.session.scalar(
        select(MaterialVersion)
        .join(Material)
        .options(joinedload(MaterialVersion.material))
        .where(MaterialVersion.material_id == material_id, MaterialVersion.number == number)
    )


def recipients_by_version(material: Material) -> dict[int, list[Delivery]]:
    """Who has the material, per version id: deliveries with their organisation (and its
    parent, for the display name), contact, meeting and recorder, in one statement each."""
    deliveries = db.session.scalars(
        select(Delivery)
        .options(
            joinedload(Delivery.organisation).joinedload(Organisation.parent),
            joinedload(Delivery.contact),
            joinedload(Delivery.meeting),
            joinedload(Delivery.recorded_by),
        )
        .join(Organisation, Organisation.id == Delivery.organisation_id)
        .where(Delivery.material_id == material.id)
        .order_by(Organisation.sort_name, Delivery.delivered_on.desc(), Delivery.id)
    )
    grouped: dict[int, list[Delivery]] = {v.id: [] for v in material.versions}
    for delivery in deliveries:
        grouped.setdefault(delivery.version_id, []).append(delivery)
    return grouped


def version_choices() -> list[tuple[int, str]]:
    """Every version of every material for pickers (pickers.py: one statement a request)."""
    return pickers.version_choices()
