"""Search across the directory."""

from __future__ import annotations

from dataclasses import dataclass

from app.common.text import search_terms
from app.contacts.models import Contact
from app.contacts.queries import search_contacts
from app.meetings.models import Meeting
from app.meetings.queries import search_meetings
from app.organisations.models import Organisation
from app.organisations.services import search_organisations

#: Results per kind on the search page; the lists behind "Visa alla" show the rest.
LIMIT = 20


@dataclass(frozen=True)
class SearchResults:
    query: str
    organisations: list[Organisation]
    contacts: list[Contact]
    meetings: list[Meeting]

    @property
    def empty(self) -> bool:
        return not (self.organisations or self.contacts or self.meetings)


def search_everything(query: str) -> SearchResults:
    """Organisations and contacts matching every word of `query`, each in Swedish order,
    and meetings (by title, place or organisation), newest first.

    Matching folds case and diacritics on both sides, so "ÖREBRO" and "orebro" find Örebro.
    """
    if not search_terms(query):
        return SearchResults(query=query, organisations=[], contacts=[], meetings=[])
    return SearchResults(
        query=query,
        organisations=search_organisations(query, limit=LIMIT),
        contacts=search_contacts(query, limit=LIMIT),
        meetings=search_meetings(query, limit=LIMIT),
    )
