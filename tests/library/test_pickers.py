"""The material pickers (app/library/pickers.py): versions of what is not replaced, newest
first, by title; references with research first; both from one statement in a request."""

from __future__ import annotations

from app.extensions import db
from app.library import pickers
from app.library.models import MaterialKind, MaterialStatus
from app.library.services import MaterialValues, add_version, create_material


def material(title: str, kind: MaterialKind, status=MaterialStatus.PUBLISHED, **extra):
    made = create_material(
        values=MaterialValues(kind=kind, title=title, status=status, **extra), by=None
    )
    return made


def test_the_pickers(app, ctx, count_statements):
    guide = material("Vägledning", MaterialKind.GUIDANCE)
    first, second = (add_version(guide, link=f"https://example.se/v{n}", by=None) for n in (1, 2))
    old = material("Äldre broschyr", MaterialKind.INFORMATION, MaterialStatus.REPLACED)
    add_version(old, link="https://example.se/old", by=None)
    study = material(
        "Återvandring i Norden", MaterialKind.RESEARCH, authors="Berg, A.; Ek, B.", year=2024
    )
    db.session.flush()
    assert pickers.version_choices() == [
        (second.id, "Vägledning, version 2"),
        (first.id, "Vägledning, version 1"),
    ]
    assert pickers.reference_choices() == [
        (study.id, "Återvandring i Norden (Berg, A., 2024)"),
        (guide.id, "Vägledning"),
        (old.id, "Äldre broschyr"),
    ]
    assert [id_ for id_, _label in pickers.reference_choices(exclude=[study.id])] == [
        guide.id,
        old.id,
    ]
    with app.test_request_context(), count_statements() as counter:
        pickers.version_choices()
        pickers.reference_choices()
    assert counter.count == 1
