"""Queries and changes on the organisation registry."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, select

from app.extensions import db

from .models import Organisation, OrganisationKind


@dataclass(frozen=True)
class RegistryOverview:
    """How many active top-level organisations of each kind the registry holds."""

    by_kind: dict[OrganisationKind, int]
    regions: int  # regions plus municipalities holding the regional role (Gotland)

    @property
    def total(self) -> int:
        return sum(self.by_kind.values())


def registry_overview() -> RegistryOverview:
    """Count the registry's organisations by kind in one statement (units not counted)."""
    kind = Organisation.kind
    rows = db.session.execute(
        select(
            kind,
            func.count(),
            func.sum(case((Organisation.also_region, 1), else_=0)),
        )
        .where(Organisation.archived_at.is_(None), Organisation.parent_id.is_(None))
        .group_by(kind)
    ).all()
    by_kind = dict.fromkeys(OrganisationKind, 0)
    also_regions = 0
    for row_kind, count, regional in rows:
        by_kind[row_kind] = count
        also_regions += regional or 0
    return RegistryOverview(
        by_kind=by_kind, regions=by_kind[OrganisationKind.REGION] + also_regions
    )
