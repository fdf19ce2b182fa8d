"""Saving, listing and removing a user's saved filters: plain functions, the user passed in."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from flask_babel import gettext as _
from sqlalchemy import select

from app.auth.models import SavedFilter, User
from app.common.exceptions import DomainError
from app.common.text import sort_key
from app.extensions import db

#: The lists that have filters, by the endpoint of their page (the saved filter's list_key).
LISTS = (
    "organisations.index",
    "contacts.index",
    "meetings.index",
    "followups.index",
)
#: Query-string arguments that are not part of a filter: the page number.
NOT_FILTERS = frozenset({"sida", "csrf_token"})
QUERY_LENGTH = SavedFilter.query_string.type.length  # type: ignore[attr-defined]


class InvalidSavedFilter(DomainError):
    """A filter that cannot be saved (an unknown list, no name, too long)."""


def filter_query(query_string: str) -> str:
    """The filter part of a list's query string: empty values and the page number dropped,
    so reopening a saved filter starts at its first page."""
    pairs = [
        (key, value)
        for key, value in parse_qsl(query_string, keep_blank_values=False)
        if key not in NOT_FILTERS
    ]
    return urlencode(pairs)


def save_filter(*, list_key: str, name: str, query: str, by: User) -> SavedFilter:
    """Keep `query` for the list under `name` for the user; a filter of the same name on the
    same list is replaced (saving again updates it)."""
    name = name.strip()
    query = filter_query(query)
    if list_key not in LISTS:
        raise InvalidSavedFilter(_("Den listan har inga filter att spara."))
    if not name:
        raise InvalidSavedFilter(_("Ge filtret ett namn."))
    if len(query) > QUERY_LENGTH:
        raise InvalidSavedFilter(_("Filtret är för långt för att sparas."))
    saved = db.session.scalar(
        select(SavedFilter).where(
            SavedFilter.user_id == by.id, SavedFilter.list_key == list_key, SavedFilter.name == name
        )
    )
    if saved is None:
        saved = SavedFilter(list_key=list_key, name=name)
        by.saved_filters.append(saved)
    saved.query_string = query
    db.session.flush()
    return saved


def saved_filters(*, user: User, list_key: str) -> list[SavedFilter]:
    """The user's saved filters for one list, in Swedish order of their names (read from
    `user.saved_filters`, which the login loader fetches with the user)."""
    rows = [saved for saved in user.saved_filters if saved.list_key == list_key]
    return sorted(rows, key=lambda saved: (sort_key(saved.name), saved.id))


def owned_filter(filter_id: int, *, user_id: int) -> SavedFilter | None:
    """The saved filter if it is the user's; None for another user's, as for a missing one."""
    saved = db.session.get(SavedFilter, filter_id)
    return saved if saved is not None and saved.user_id == user_id else None


def delete_saved_filter(*, saved: SavedFilter, by: User) -> None:
    """Remove one of the user's saved filters."""
    if saved.user_id != by.id:
        raise InvalidSavedFilter(_("Filtret är inte ditt."))
    by.saved_filters.remove(saved)  # delete-orphan: the row goes
    db.session.flush()
