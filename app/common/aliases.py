"""Aliases of a model (an organisation's parent, a plan's responsible user) made once per
process and reused by the statement that needs them.

An alias sets up its column collection the first time a statement uses it, about a
millisecond; a new alias in every call repeated that in every request (the start page made
nine). Not made at import: aliasing configures the mappers, which must wait until every
model is imported.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy.orm import aliased


@cache
def alias(model: Any, role: str) -> Any:
    """The alias of `model` for `role`, a name for one place in one statement builder
    ("meetings.organisation_names.parent"): two places in one statement need two roles, or
    SQL would see one table."""
    return aliased(model)
