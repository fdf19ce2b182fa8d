"""The RIS and BibTeX writers, read back by rispy and bibtexparser: hostile titles, authors
and links come back as written."""

from __future__ import annotations

import bibtexparser
import rispy
from bibtexparser.middlewares import LatexDecodingMiddleware, SeparateCoAuthors

from app.library.citations import Reference, bibtex, citation_key, ris

HOSTILE = Reference(
    id=7,
    title="Återvandring & integration: 50 % {fler} än $2024 #1_a^b~c \\ slut",
    authors="Åström, Eva; Öberg-Nilsson, Per\nMigration and Return Group",
    year=2024,
    publisher="Delmi & Co",
    link="https://example.se/rapport?a=1&b=50%25#del{2}",
    doi="10.1000/xyz_123",
    summary="Första raden.\nAndra raden\r\nER  - inte ett slut",
    language="sv",
    topics=("återvandringsbidrag", "barnrätt"),
)
PLAIN = Reference(id=8, title="Kort", authors="", year=None)


def test_ris_round_trip():
    text = ris([HOSTILE, PLAIN])
    assert "\r\n" in text
    first, second = rispy.loads(text)
    assert first["type_of_reference"] == "GEN"
    assert first["title"] == HOSTILE.title
    assert first["authors"] == ["Åström, Eva", "Öberg-Nilsson, Per", "Migration and Return Group"]
    assert first["year"] == "2024"
    assert first["publisher"] == "Delmi & Co"
    assert first["urls"] == [HOSTILE.link]
    assert first["doi"] == HOSTILE.doi
    # a value is one line: the summary's "ER  -" cannot end the record
    assert first["abstract"] == "Första raden. Andra raden ER - inte ett slut"
    assert first["keywords"] == ["återvandringsbidrag", "barnrätt"]
    assert second["title"] == "Kort" and "authors" not in second


def test_bibtex_round_trip():
    text = bibtex([HOSTILE, PLAIN, HOSTILE])
    library = bibtexparser.parse_string(text, append_middleware=[LatexDecodingMiddleware()])
    assert not library.failed_blocks
    first, second, third = library.entries
    assert first.key == "Astrom2024Atervandring" and third.key == "Astrom2024Atervandringa"
    assert second.key == "Kort"
    fields = {f.key: f.value for f in first.fields}
    # pylatexenc reads \\textasciicircum as the modifier letter; LaTeX prints a caret
    assert fields["title"].replace("\u02c6", "^") == HOSTILE.title
    assert fields["publisher"] == "Delmi & Co"
    assert fields["year"] == "2024"
    # an author with " and " in the name is braced, so it stays one author
    authors = bibtexparser.parse_string(text, append_middleware=[SeparateCoAuthors()])
    assert authors.entries[0].fields_dict["author"].value == [
        "Åström, Eva",
        "Öberg-Nilsson, Per",
        "{Migration and Return Group}",
    ]
    assert fields["doi"] == HOSTILE.doi
    # braces in a URL are percent-encoded; everything else is kept
    raw = bibtexparser.parse_string(text).entries[0]
    assert raw.fields_dict["url"].value == "https://example.se/rapport?a=1&b=50%25#del%7B2%7D"
    assert fields["abstract"] == "Första raden. Andra raden ER - inte ett slut"


def test_citation_keys_are_ascii():
    assert citation_key(Reference(id=1, title="Ö", authors="Ångström, Å")) == "Angstrom"
    assert citation_key(Reference(id=2, title="!!")) == "ref2"
