"""The material pickers: a version to hand over or send (meeting page, mailing form) and a
reference to link (meeting page), both read from one statement per request.

The meeting page shows both pickers; reading every material with its versions once and
building both lists here keeps it at one statement instead of two (kept on `flask.g` for the
rest of the request; outside a request, read each time)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from flask import g, has_request_context
from flask_babel import gettext as _
from sqlalchemy import select

from app.extensions import db

from .models import Material, MaterialKind, MaterialStatus, MaterialVersion

#: How many materials the reference picker lists, and versions the version picker lists.
PICKER_LIMIT = 500
VERSION_LIMIT = 1000


class _Row(NamedTuple):
    material_id: int
    title: str
    authors: str
    year: int | None
    kind: MaterialKind
    status: MaterialStatus
    sort_title: str
    version_id: int | None
    number: int | None


def _rows() -> list[_Row]:
    if has_request_context() and "library_picker_rows" in g:
        return g.library_picker_rows
    rows = [
        _Row(*row)
        for row in db.session.execute(
            select(
                Material.id,
                Material.title,
                Material.authors,
                Material.year,
                Material.kind,
                Material.status,
                Material.sort_title,
                MaterialVersion.id,
                MaterialVersion.number,
            )
            .outerjoin(MaterialVersion, MaterialVersion.material_id == Material.id)
            # Research first, as the reference picker lists it, so that the limit never
            # leaves research out; the version picker sorts its part by title itself.
            .order_by(
                Material.kind != MaterialKind.RESEARCH,
                Material.sort_title,
                Material.id,
                MaterialVersion.number.desc(),
            )
            .limit(VERSION_LIMIT + PICKER_LIMIT)
        )
    ]
    if has_request_context():
        g.library_picker_rows = rows
    return rows


def version_choices() -> list[tuple[int, str]]:
    """Every version of every material not replaced, by title, newest version first:
    (version id, "Title, version N")."""
    versions = sorted(
        (
            row
            for row in _rows()
            if row.version_id is not None and row.status is not MaterialStatus.REPLACED
        ),
        key=lambda row: (row.sort_title, row.material_id, -(row.number or 0)),
    )
    return [
        (row.version_id, _("%(title)s, version %(number)d", title=row.title, number=row.number))
        for row in versions[:VERSION_LIMIT]
    ]


def reference_choices(exclude: Iterable[int] = ()) -> list[tuple[int, str]]:
    """Research references first, then other material, by title: (id, "Title (Author, year)")."""
    skip = set(exclude)
    materials = {row.material_id: row for row in _rows()}  # one each: research, then by title
    choices = []
    for row in list(materials.values())[:PICKER_LIMIT]:
        if row.material_id in skip:
            continue
        first_author = (row.authors or "").split(";")[0].strip()
        who = ", ".join(p for p in (first_author, str(row.year or "")) if p)
        choices.append((row.material_id, f"{row.title} ({who})" if who else row.title))
    return choices
