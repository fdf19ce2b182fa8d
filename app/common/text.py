"""Search folding and Swedish sort keys, computed in Python so both databases agree.

SQLite's LIKE folds ASCII only ("ÖREBRO" would not find "Örebro") and database collations
differ between installations, so searchable and sortable text is stored twice more: folded
for searching, and as a sort key for ordering.
"""

from __future__ import annotations

import functools
import re
import unicodedata

#: Letters without a Unicode decomposition, folded by hand.
_EXTRA_FOLDS = str.maketrans({"ø": "o", "æ": "ae", "đ": "d", "ł": "l", "ð": "d", "þ": "th"})

#: Swedish alphabet order: å, ä, ö come after z. They map to the three ASCII characters that
#: follow "z" ({ | }), so a byte-wise comparison sorts Swedish words correctly. Æ and Ø sort
#: as Ä and Ö, and Ü as Y, as the Swedish Academy's rules have it.
_SORT_LETTERS = {"å": "{", "ä": "|", "æ": "|", "ö": "}", "ø": "}", "ü": "y"}

_WORD = re.compile(r"[\w@.+-]+")

#: Control characters other than tab and line breaks: never kept in stored text (PostgreSQL
#: refuses NUL) and never useful in it.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def remove_control_characters(text: str) -> str:
    return CONTROL_CHARACTERS.sub("", text)


def one_line(text: str) -> str:
    """`text` with every run of whitespace, line breaks included, as one space: for headers,
    parameters and names that must stay on one line."""
    return " ".join(text.split())


def fold(text: str | None) -> str:
    """Lower-case `text` and strip diacritics: "Malmö" → "malmo", "ÅRE" → "are"."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return stripped.translate(_EXTRA_FOLDS)


def search_terms(query: str | None) -> list[str]:
    """The folded words of a search query, each of which a match must contain."""
    return _WORD.findall(fold(query))[:8]


def sort_key(text: str | None) -> str:
    """A key that sorts byte-wise in Swedish order: "Åre" after "Zinkgruvan"."""
    if not text:
        return ""
    normal = unicodedata.normalize("NFC", text.casefold().strip())
    if normal.isascii():  # nothing to fold (most names): skip the work per letter
        return normal
    return "".join(_sort_letter(char) for char in normal)


@functools.lru_cache(maxsize=1024)
def _sort_letter(char: str) -> str:
    return _SORT_LETTERS.get(char) or fold(char)


def like_pattern(term: str) -> str:
    """A LIKE pattern matching `term` anywhere, with LIKE's wildcards escaped (escape '\\')."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
