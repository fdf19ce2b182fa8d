"""Search conditions and relevance order shared by the lists and the header search.

Every searchable record keeps its words folded in a `search_text` column (see text.py), its
name first. A query matches when each of its words occurs somewhere in that text; the hits
are then ordered by how well they match, so searching "Örebro" lists Örebro kommun before
"Region Örebro län" and before a unit that only mentions Örebro in its parent's name.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, case

from .search_plan import search_conditions, term_variants
from .text import like_pattern, search_terms

__all__ = ["match_conditions", "match_rank", "term_variants"]


def match_conditions(column: Any, query: str | None) -> list[ColumnElement[bool]]:
    """One SQL condition per word of `query`: the folded `column` contains that word (in any
    of its spellings, see term_variants), read through the text index where the words allow
    (search_plan.py)."""
    return search_conditions(column, query)


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
