"""Research references: linked to the meetings where they were discussed, and exported as a
list (XLSX) and as citations (RIS, BibTeX: citations.py) for the people who write the final
report. The search and the filters by topic and year are the library list's (queries.py)."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import gettext as _
from sqlalchemy import delete, select

from app.audit.services import Action, Actor, record
from app.extensions import db
from app.meetings.models import Meeting

from . import pickers
from .citations import Reference
from .models import Material, MeetingReference
from .services import InvalidMaterial

#: Meetings listed on a reference's page (newest first).
MEETINGS_LIMIT = 100


def link_reference(meeting: Meeting, material: Material, *, by: Actor | None) -> bool:
    """Note that `material` was discussed at `meeting`; False if it already was."""
    exists = db.session.get(MeetingReference, (meeting.id, material.id))
    if exists is not None:
        return False
    db.session.add(
        MeetingReference(
            meeting_id=meeting.id,
            material_id=material.id,
            linked_by_id=by.id if by is not None else None,
        )
    )
    db.session.flush()
    record(
        entity=material,
        action=Action.UPDATE,
        by=by,
        changes={"discussed_at": [None, meeting.title]},
    )
    return True


def unlink_reference(meeting: Meeting, material: Material, *, by: Actor | None) -> bool:
    """Remove the link; False if there was none."""
    removed = db.session.execute(
        delete(MeetingReference).where(
            MeetingReference.meeting_id == meeting.id,
            MeetingReference.material_id == material.id,
        )
    ).rowcount
    if not removed:
        return False
    record(
        entity=material,
        action=Action.UPDATE,
        by=by,
        changes={"discussed_at": [meeting.title, None]},
    )
    return True


def live_material(material_id: int | None) -> Material:
    """The material (outside the trash) a form names, or InvalidMaterial."""
    material = (
        db.session.scalar(select(Material).where(Material.id == material_id))
        if material_id
        else None
    )
    if material is None:
        raise InvalidMaterial(_("Välj en referens i listan."))
    return material


def references_of(meeting_id: int) -> list[Material]:
    """The material discussed at a meeting, in title order: one statement."""
    return list(
        db.session.scalars(
            select(Material)
            .join(MeetingReference, MeetingReference.material_id == Material.id)
            .where(MeetingReference.meeting_id == meeting_id)
            .order_by(Material.sort_title, Material.id)
        )
    )


def meetings_of(material_id: int) -> list[Meeting]:
    """The meetings a material was discussed at, newest first (bounded): one statement."""
    return list(
        db.session.scalars(
            select(Meeting)
            .join(MeetingReference, MeetingReference.meeting_id == Meeting.id)
            .where(MeetingReference.material_id == material_id)
            .order_by(Meeting.starts_at.desc(), Meeting.id.desc())
            .limit(MEETINGS_LIMIT)
        )
    )


def reference_choices(exclude: Iterable[int] = ()) -> list[tuple[int, str]]:
    """Research references (then other material) for a meeting's picker (pickers.py: one
    statement a request)."""
    return pickers.reference_choices(exclude)


def as_reference(material: Material) -> Reference:
    """A material as a citation (citations.py)."""
    return Reference(
        id=material.id,
        title=material.title,
        authors=material.authors,
        year=material.year,
        publisher=material.publisher
        or (material.source_organisation.display_name if material.source_organisation else ""),
        link=material.link,
        doi=material.doi,
        summary=material.summary,
        language=material.language,
        topics=tuple(t.name for t in material.topics),
    )


def export_rows(materials: Iterable[Material]) -> Iterable[list]:
    """The list's XLSX rows: one per material, in the order given."""
    for m in materials:
        yield [
            m.title,
            m.kind.label,
            m.authors,
            m.year,
            m.publisher,
            m.doi,
            m.link,
            ", ".join(t.name for t in m.topics),
            m.language_label,
            m.status.label,
            m.summary,
        ]


def export_header() -> list[str]:
    return [
        _("Titel"),
        _("Typ"),
        _("Författare"),
        _("År"),
        _("Utgivare"),
        _("DOI"),
        _("Länk"),
        _("Ämnen"),
        _("Språk"),
        _("Status"),
        _("Sammanfattning"),
    ]


def load_for_export(query) -> list[Material]:
    """Every material the list's filter gives (the library is small: hundreds), with what a
    row shows (queries.material_query loads it alongside)."""
    return list(db.session.scalars(query).unique())
