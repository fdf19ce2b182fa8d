"""Folding for search and Swedish sort keys."""

from __future__ import annotations

import pytest

from app.common.text import fold, like_pattern, search_terms, sort_key


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Örebro", "orebro"),
        ("ÖREBRO", "orebro"),
        ("Malmö", "malmo"),
        ("Åre", "are"),
        ("Älmhult", "almhult"),
        ("Ærø", "aero"),
        ("Café Müller", "cafe muller"),
        ("STRASSE ß", "strasse ss"),
        (None, ""),
    ],
)
def test_fold(text, folded):
    assert fold(text) == folded


def test_swedish_sort_order():
    names = ["Örebro", "Zinkgruvan", "Älmhult", "Åre", "Aneby", "Östra Göinge", "Ödeshög", "Avesta"]
    assert sorted(names, key=sort_key) == [
        "Aneby",
        "Avesta",
        "Zinkgruvan",
        "Åre",
        "Älmhult",
        "Ödeshög",
        "Örebro",
        "Östra Göinge",
    ]


def test_sort_key_ignores_case_and_treats_foreign_letters_the_swedish_way():
    assert sort_key("åre") == sort_key("ÅRE")
    assert sort_key("Ølund") == sort_key("Ölund")
    assert sort_key("Müller") == sort_key("Myller")
    assert sort_key("Émile") == sort_key("Emile")


def test_search_terms_are_folded_words():
    assert search_terms("  Socialtjänsten i MALMÖ ") == ["socialtjansten", "i", "malmo"]
    assert search_terms("anna.berg@kommun.se") == ["anna.berg@kommun.se"]
    assert search_terms("") == []


def test_like_pattern_escapes_wildcards():
    assert like_pattern("50%_a\\b") == "%50\\%\\_a\\\\b%"
