"""Filters that later domains add to earlier domains' lists, keeping imports one-way.

The organisation list can be narrowed to "the municipalities that have not received material
X" (the coverage page's link, which the mailing form reuses as its recipients), yet the
organisations domain must not import the library. The library registers a filter for the
"organisations" list instead: given the request's arguments it returns the condition and a
sentence saying what is applied, or None when its arguments are absent or do not name
anything. Registered when the provider's routes module is imported (by the factory).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class AppliedFilter:
    """A condition on the list's model, what it means in words, and its query arguments."""

    condition: Any
    description: str
    arguments: dict[str, str]


Provider = Callable[[Mapping[str, str]], "AppliedFilter | None"]

_providers: dict[str, list[Provider]] = defaultdict(list)


def filters(page: str) -> Callable[[Provider], Provider]:
    """Register a provider of a filter on list `page` ("organisations")."""

    def register(provider: Provider) -> Provider:
        if provider not in _providers[page]:
            _providers[page].append(provider)
        return provider

    return register


def applied_filters(page: str, arguments: Mapping[str, str]) -> list[AppliedFilter]:
    """The registered filters `arguments` ask for on `page`."""
    applied = []
    for provider in _providers[page]:
        found = provider(arguments)
        if found is not None:
            applied.append(found)
    return applied
