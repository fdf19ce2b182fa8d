"""How the history shows an organisation's recorded fields, and names organisations and
counties: today's display names ("Socialtjänsten, Kramfors kommun"), one in the trash marked
as removed, county codes as county names, kinds and stages by their labels."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, case, literal, null, select
from sqlalchemy.orm import aliased

from app.audit.display import (
    LIVE,
    REMOVED,
    Reference,
    Shown,
    coded,
    register_fields,
    register_reference,
)

from .models import KIND_LABELS, County, Organisation
from .stages import STAGE_LABELS


def kind_labels() -> dict[str, str]:
    return {k.value: str(v) for k, v in KIND_LABELS.items()}


def stage_labels() -> dict[str, str]:
    return {k.value: str(v) for k, v in STAGE_LABELS.items()}


def _organisations(keys: list[Any]) -> Select[Any]:
    parent = aliased(Organisation)
    return (
        select(
            Organisation.id.label("key"),
            Organisation.name.label("name"),
            parent.name.label("detail"),
            case((Organisation.deleted_at.is_not(None), REMOVED), else_=LIVE).label("state"),
        )
        .outerjoin(parent, parent.id == Organisation.parent_id)
        .where(Organisation.id.in_(keys))
    )


def organisation_name(row: Any) -> str:
    """The organisation's display name today (`Organisation.display_name`, applied to the
    row's names), marked when it is in the trash."""
    parent = SimpleNamespace(name=row.detail) if row.detail is not None else None
    name = Organisation.display_name.fget(SimpleNamespace(name=row.name, parent=parent))  # type: ignore[attr-defined]
    return _("%(name)s (borttagen)", name=name) if row.state == REMOVED else name


def _counties(keys: list[Any]) -> Select[Any]:
    return select(
        County.code.label("key"),
        County.name.label("name"),
        null().label("detail"),
        literal(LIVE).label("state"),
    ).where(County.code.in_(keys))


register_reference("organisation", Reference(lookup=_organisations, name=organisation_name))
register_reference("county", Reference(lookup=_counties, name=lambda row: row.name, key_type=str))
register_fields(
    Organisation.__tablename__,
    {
        "name": Shown(_l("Namn")),
        "short_name": Shown(_l("Kortnamn")),
        "kind": Shown(_l("Typ"), format=coded(kind_labels)),
        "county_code": Shown(_l("Län"), reference="county"),
        "parent_id": Shown(_l("Ingår i"), reference="organisation"),
        "org_number": Shown(_l("Organisationsnummer")),
        "website": Shown(_l("Webbplats")),
        "mailbox": Shown(_l("Funktionsbrevlåda")),
        "notes": Shown(_l("Anteckningar")),
        "engagement_stage": Shown(_l("Engagemangssteg"), format=coded(stage_labels)),
        "opportunities": Shown(_l("Möjligheter")),
        "challenges": Shown(_l("Utmaningar")),
    },
)
