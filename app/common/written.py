"""Rows written around the session's flush (bulk INSERT and DELETE of the contact import),
noted by id so whatever keeps figures about them (app/aggregates) can bring them up to date
in the same transaction. Domains below that one call `note_written`; it reads `written`."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.orm import Session

from app.extensions import db

_KEY = "written"


def note_written(table: str, ids: Iterable[int], session: Session | None = None) -> None:
    """Note that the rows with these ids of `table` were inserted, changed or deleted."""
    noted = (session or db.session()).info.setdefault(_KEY, {})
    noted.setdefault(table, set()).update(ids)


def take_written(session: Session) -> dict[str, set[int]]:
    """The noted ids per table, forgotten as they are handed over."""
    return session.info.pop(_KEY, {})
