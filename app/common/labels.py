"""Free labels (tags, topics, target groups): models with a `name` and a folded unique `key`."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.common.text import fold
from app.extensions import db


def labels_named(model: type[Any], names: list[str]) -> list[Any]:
    """The labels of `model` with these names, created where missing. Matching is case- and
    accent-blind ("Nätverk" = "natverk"); the first spelling used is kept."""
    length = model.__table__.c.key.type.length
    keys = {fold(n.strip())[:length]: n.strip()[:length] for n in names if n.strip()}
    if not keys:
        return []
    existing = {
        label.key: label for label in db.session.scalars(select(model).where(model.key.in_(keys)))
    }
    labels = []
    for key, name in keys.items():
        label = existing.get(key)
        if label is None:
            label = model(name=name, key=key)
            db.session.add(label)
        labels.append(label)
    return labels
