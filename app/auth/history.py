"""How the history names users: by their name today, for actors and for fields holding a
user's id (a meeting's responsible person and team, a follow-up's owner)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, literal, null, select

from app.audit.display import LIVE, Reference, register_actors, register_reference

from .models import User


def _users(keys: list[Any]) -> Select[Any]:
    return select(
        User.id.label("key"),
        User.name.label("name"),
        null().label("detail"),
        literal(LIVE).label("state"),
    ).where(User.id.in_(keys))


register_actors(User)
register_reference("user", Reference(lookup=_users, name=lambda row: row.name))
