"""Turning the words a user types into SQL that costs what the answer costs.

A search matches a record when each folded word of the query occurs in its folded
`search_text` (matching.py). How the database finds those records depends on the words:

- Some word has 3 letters or more: the trigram index (search_index.py) gives the candidates
  for the long words, and LIKE on `search_text` checks every word on those candidates only,
  so the hits are exactly those of a substring scan, read from the index.
- Every word has 1 or 2 letters: trigrams cannot help, and such a word occurs in most
  records. The plan is bounded instead: records whose name (sort key, an indexed column)
  begins with the letters typed, read as a few ranges of that index ("ö" finds Öberg and,
  forgiving as the folded search is, Oberg); a table without a name key (meetings) is searched
  by substring among its MEETING_WINDOW newest rows only.
"""

from __future__ import annotations

import itertools
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select

from app.extensions import db

from .search_index import SEARCHED_TABLES, indexed_candidates
from .text import like_pattern, search_terms

#: Centuries some registers put before an organisation number (as normalise_org_number drops).
_CENTURIES = ("16", "19", "20")

#: Shortest word the trigram index can look up.
TRIGRAM = 3

#: Rows (newest first) a 1–2 letter search looks through in a table without a name key.
MEETING_WINDOW = 2_000

#: A folded letter and the sort-key letters it stands for (sort_key keeps å, ä, ö apart).
_SORT_SPELLINGS = {"a": ("a", "{", "|"), "o": ("o", "}"), "y": ("y",)}

#: At most this many name ranges for a short query.
_MAX_PREFIXES = 27


def term_variants(term: str) -> list[str]:
    """The spellings a folded search word is looked for in: itself, and for a number typed
    without the dash of an organisation number ("2120000142", or "162120000142" with a
    century, or the first seven digits or more) the dashed form the registry stores
    ("212000-0142")."""
    digits = term
    if len(digits) == 12 and digits.startswith(_CENTURIES):
        digits = digits[2:]
    if not (digits.isascii() and digits.isdigit() and 7 <= len(digits) <= 10):
        return [term]
    return [term, f"{digits[:6]}-{digits[6:]}"]


def prefix_spellings(phrase: str) -> list[str]:
    """The sort-key prefixes a short folded `phrase` stands for: "ao" → "ao", "a}", "{o", …"""
    choices = [_SORT_SPELLINGS.get(char, (char,)) for char in phrase]
    return ["".join(p) for p in itertools.islice(itertools.product(*choices), _MAX_PREFIXES)]


def prefix_condition(column: Any, prefix: str) -> ColumnElement[bool]:
    """`column` begins with `prefix`, as a range an index on it answers (byte-wise order:
    SQLite's BINARY collation, COLLATE "C" on PostgreSQL)."""
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return and_(column >= prefix, column < upper)


def like_conditions(column: Any, terms: list[str]) -> list[ColumnElement[bool]]:
    """One LIKE per word: `column` contains it in one of its spellings."""
    conditions = []
    for term in terms:
        spellings = [
            column.like(like_pattern(variant), escape="\\") for variant in term_variants(term)
        ]
        conditions.append(spellings[0] if len(spellings) == 1 else or_(*spellings))
    return conditions


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def reads_index(query: str | None) -> bool:
    """True when some word of `query` is long enough for the trigram index; otherwise the
    bounded plan for 1–2 letters holds, whose name order already puts the best hits first."""
    return any(len(term) >= TRIGRAM for term in search_terms(query))


def search_conditions(
    column: Any, query: str | None, *, short_by_name: bool = True
) -> list[ColumnElement[bool]]:
    """The WHERE conditions finding `query` in the folded `column` (a model's `search_text`),
    planned as the module docstring says. A caller that reads a short query's hits in index
    order with a small LIMIT (search-as-you-type) passes `short_by_name=False` to keep the
    substring match: the scan stops at the LIMIT-th hit."""
    terms = search_terms(query)
    if not terms:
        return []
    model = column.class_
    if model.__tablename__ not in SEARCHED_TABLES:
        return like_conditions(column, terms)  # a small table without a text index
    long_words = [term_variants(t) for t in terms if len(t) >= TRIGRAM]
    if long_words:
        found = indexed_candidates(model.id, model.__tablename__, long_words, _dialect())
        return ([] if found is None else [found]) + like_conditions(column, terms)
    if not short_by_name:
        return like_conditions(column, terms)
    name = getattr(model, "sort_name", None)
    if name is not None:
        prefixes = prefix_spellings(" ".join(terms))
        return [or_(*(prefix_condition(name, p) for p in prefixes))]
    newest = select(model.id).order_by(model.starts_at.desc()).limit(MEETING_WINDOW)
    return [model.id.in_(newest.scalar_subquery()), *like_conditions(column, terms)]
