"""The library list: filters (kind, status, topic, language, year for research) and text
search on title, authors, publisher and DOI, in Swedish title order."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, exists, select
from sqlalchemy.orm import joinedload, selectinload

from app.common.matching import match_conditions
from app.common.text import fold
from app.meetings.models import Topic
from app.organisations.models import Organisation

from .models import Material, MaterialKind, MaterialStatus, material_topics


@dataclass
class MaterialFilter:
    q: str = ""
    kind: MaterialKind | None = None
    status: MaterialStatus | None = None
    topic: str | None = None
    language: str | None = None
    year_from: int | None = None
    year_to: int | None = None


def material_query(filters: MaterialFilter) -> Select[Any]:
    """The materials `filters` give, with what a list row shows loaded alongside."""
    query = select(Material).options(
        joinedload(Material.source_organisation).joinedload(Organisation.parent),
        selectinload(Material.versions),
        selectinload(Material.topics),
    )
    query = query.where(*match_conditions(Material.search_text, filters.q))
    if filters.kind is not None:
        query = query.where(Material.kind == filters.kind)
    if filters.status is not None:
        query = query.where(Material.status == filters.status)
    if filters.language:
        query = query.where(Material.language == filters.language)
    if filters.year_from is not None:
        query = query.where(Material.year >= filters.year_from)
    if filters.year_to is not None:
        query = query.where(Material.year <= filters.year_to)
    if filters.topic:
        query = query.where(
            exists().where(
                material_topics.c.material_id == Material.id,
                material_topics.c.topic_id == Topic.id,
                Topic.key == fold(filters.topic),
            )
        )
    return query.order_by(Material.sort_title, Material.id)
