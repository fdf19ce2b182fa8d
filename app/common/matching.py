"""Search conditions and relevance order shared by the lists and the header search.

Every searchable record keeps its words folded in a `search_text` column (see text.py), its
name first. A query matches when each of its words occurs somewhere in that text; the hits
are then ordered by how well they match, so searching "Örebro" lists Örebro kommun before
"Region Örebro län" and before a unit that only mentions Örebro in its parent's name.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, case, or_

from .text import like_pattern, search_terms

#: Centuries some registers put before an organisation number (as normalise_org_number drops).
_CENTURIES = ("16", "19", "20")


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


def match_conditions(column: Any, query: str | None) -> list[ColumnElement[bool]]:
    """One SQL condition per word of `query`: the folded `column` contains that word (in any
    of its spellings, see term_variants)."""
    conditions = []
    for term in search_terms(query):
        spellings = [
            column.like(like_pattern(variant), escape="\\") for variant in term_variants(term)
        ]
        conditions.append(spellings[0] if len(spellings) == 1 else or_(*spellings))
    return conditions


def match_rank(column: Any, query: str | None, *, exact: Any = None) -> ColumnElement[int]:
    """SQL: how well the folded `column` matches `query`, best first, to order hits by.

    0: `exact` (when given) holds, e.g. the name is exactly the query;
    1: the text begins with the query as whole words ("örebro" in "örebro kommun");
    2: the text begins with the query ("öre" in "örebro kommun");
    3: a later word begins with the query ("örebro" in "region örebro län");
    4: the words occur elsewhere.
    """
    phrase = " ".join(search_terms(query))
    escaped = like_pattern(phrase)[1:-1]  # the phrase with LIKE's wildcards escaped
    whens: list[tuple[Any, int]] = []
    if exact is not None:
        whens.append((exact, 0))
    whens += [
        (column == phrase, 1),
        (column.like(f"{escaped} %", escape="\\"), 1),
        (column.like(f"{escaped}%", escape="\\"), 2),
        (column.like(f"% {escaped}%", escape="\\"), 3),
    ]
    return case(*whens, else_=4)
