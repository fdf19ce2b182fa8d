"""Sections that later domains add to earlier domains' pages, keeping imports one-way.

The organisation page shows meetings and follow-ups, yet the organisations domain must not
import them. Instead the meetings and follow-ups domains register a provider for the
"organisation" page; the organisation view asks for the sections of its record and renders
each section's template. Providers are registered when their routes module is imported (by
the factory), and each returns a Section or None.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Provider = Callable[[Any], "Section | None"]

_providers: dict[str, list[tuple[int, Provider]]] = defaultdict(list)


@dataclass
class Section:
    template: str
    context: dict[str, Any] = field(default_factory=dict)


def provides(page: str, *, order: int = 100) -> Callable[[Provider], Provider]:
    """Register a provider of a section on `page` ("organisation", "contact", "meeting")."""

    def register(provider: Provider) -> Provider:
        if provider not in [p for _o, p in _providers[page]]:
            _providers[page].append((order, provider))
            _providers[page].sort(key=lambda item: item[0])
        return provider

    return register


def sections_for(page: str, record: Any) -> list[Section]:
    """The sections other domains add to this record's page, in order."""
    sections = []
    for _order, provider in _providers[page]:
        section = provider(record)
        if section is not None:
            sections.append(section)
    return sections
