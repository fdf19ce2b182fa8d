"""Research references as RIS and BibTeX, for the reference managers (Zotero, EndNote,
Mendeley) and LaTeX of the people who write the final report. Pure: no Flask, no database.

Small writers, not a library: each format is a handful of fields, and what matters is the
escaping, which is done here on purpose and checked by parsing the output back with rispy
and bibtexparser (tests/library/test_citations.py).

- RIS: one `TAG  - value` line per field, CRLF, UTF-8. A value is one line: line breaks and
  control characters become spaces, so no value can start a tag of its own.
- BibTeX: `@misc{key, field = {value}}`, UTF-8. LaTeX's special characters are escaped
  (\\ { } % & $ # _ ^ ~), so every brace in a value is one the writer put there; the URL and
  DOI keep their characters but for braces and backslashes, which are percent-encoded.
  Authors are joined with " and "; one that contains " and " itself is braced.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Reference:
    """What a citation holds: the fields of a research reference in the library."""

    id: int
    title: str
    authors: str = ""
    year: int | None = None
    publisher: str = ""
    link: str = ""
    doi: str = ""
    summary: str = ""
    language: str = ""
    topics: Sequence[str] = field(default_factory=tuple)

    @property
    def author_list(self) -> list[str]:
        """The authors as written, one per name: separated by semicolons or line breaks."""
        return [a.strip() for a in re.split(r"[;\n]", self.authors) if a.strip()]


_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")


def _one_line(value: str) -> str:
    return " ".join(_CONTROL.sub(" ", value).split())


# --- RIS ----------------------------------------------------------------------------------------


def ris(references: Iterable[Reference]) -> str:
    """The references as one RIS file (type GEN: generic; the library does not record
    whether a reference is an article, a report or a book)."""
    lines: list[str] = []
    for reference in references:
        fields: list[tuple[str, str]] = [("TY", "GEN")]
        fields += [("AU", author) for author in reference.author_list]
        fields.append(("TI", reference.title))
        if reference.year:
            fields.append(("PY", str(reference.year)))
        fields += [
            ("PB", reference.publisher),
            ("UR", reference.link),
            ("DO", reference.doi),
            ("AB", reference.summary),
            ("LA", reference.language),
        ]
        fields += [("KW", topic) for topic in reference.topics]
        fields.append(("ID", str(reference.id)))
        for tag, value in fields:
            value = _one_line(value)
            if value:
                lines.append(f"{tag}  - {value}")
        lines += ["ER  - ", ""]
    return "\r\n".join(lines)


# --- BibTeX -------------------------------------------------------------------------------------

_LATEX = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "%": r"\%",
    "&": r"\&",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "^": r"\textasciicircum{}",
    "~": r"\textasciitilde{}",
}
_LATEX_PATTERN = re.compile("|".join(re.escape(c) for c in _LATEX))


def latex_escape(value: str) -> str:
    """`value` on one line with LaTeX's special characters escaped."""
    return _LATEX_PATTERN.sub(lambda m: _LATEX[m.group(0)], _one_line(value))


def _url(value: str) -> str:
    """A URL or DOI as written, but for braces and backslashes (percent-encoded): in a
    braced BibTeX value they would end or escape it."""
    value = _one_line(value)
    return value.replace("\\", "%5C").replace("{", "%7B").replace("}", "%7D")


def _author(name: str) -> str:
    escaped = latex_escape(name)
    return f"{{{escaped}}}" if re.search(r"\sand\s", name, re.IGNORECASE) else escaped


def _ascii_word(value: str) -> str:
    folded = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]", "", folded)


def citation_key(reference: Reference) -> str:
    """`Andersson2024Atervandring`: the first author's surname, the year and the title's
    first long word, in ASCII letters and digits (`ref<id>` when nothing is left)."""
    authors = reference.author_list
    surname = authors[0].split(",")[0].split()[-1] if authors and authors[0].split() else ""
    word = next((w for w in reference.title.split() if len(_ascii_word(w)) > 3), "")
    key = _ascii_word(surname) + (str(reference.year) if reference.year else "")
    key += _ascii_word(word).capitalize()
    return key or f"ref{reference.id}"


def bibtex(references: Iterable[Reference]) -> str:
    """The references as BibTeX `@misc` entries, with unique keys (a, b, … on clashes)."""
    entries: list[str] = []
    used: set[str] = set()
    for reference in references:
        base = key = citation_key(reference)
        suffix = 0
        while key in used:
            key = f"{base}{chr(ord('a') + suffix % 26)}{suffix // 26 or ''}"
            suffix += 1
        used.add(key)
        fields = [
            ("author", " and ".join(_author(a) for a in reference.author_list)),
            ("title", latex_escape(reference.title)),
            ("year", str(reference.year) if reference.year else ""),
            ("publisher", latex_escape(reference.publisher)),
            ("url", _url(reference.link)),
            ("doi", _url(reference.doi)),
            ("abstract", latex_escape(reference.summary)),
            ("keywords", latex_escape(", ".join(reference.topics))),
            ("language", latex_escape(reference.language)),
        ]
        body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields if value)
        entries.append(f"@misc{{{key},\n{body}\n}}\n")
    return "\n".join(entries)
