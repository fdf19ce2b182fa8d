"""The password policy: long enough and hard to guess, checked wherever a password is chosen.

Length first (PASSWORD_MIN_LENGTH, 12 by default), then zxcvbn's estimate with its bundled
lists (common passwords, English words, names, keyboard patterns, dates), which must reach
score 3 ("safely unguessable: moderate protection from offline slow-hash scenario"). zxcvbn
knows no Swedish, so the words a Swede is likely to build a password from are given to it as
extra dictionary words: lösenord, sommar/vinter (+ a year, which zxcvbn finds by itself),
välkommen, the product's name, every municipality's name from the reference data, and the
user's own name and e-mail address. A password that merely contains the user's name or
e-mail is refused outright, with its own message.
"""

from __future__ import annotations

import csv
import functools
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from flask_babel import gettext as _

#: zxcvbn's score a password must reach (0–4).
MIN_SCORE = 3
#: zxcvbn's time grows with length; what follows this many characters only adds strength.
ESTIMATE_CHARS = 64
MAX_LENGTH = 1024
#: Letters a password must have besides the user's own name and e-mail and listed words.
PERSONAL_REST = 8

#: Swedish words and patterns people build passwords from (folded: lower case).
SWEDISH_WORDS = (
    "lösenord",
    "losenord",
    "password",
    "sommar",
    "vinter",
    "våren",
    "hösten",
    "välkommen",
    "valkommen",
    "samverkan",
    "sverige",
    "hemligt",
    "hemlig",
    "kommun",
    "länsstyrelsen",
    "qwerty",
    "qwertyuiopå",
    "asdfghjklöä",
)

MUNICIPALITIES_CSV = Path(__file__).resolve().parent.parent / "data" / "municipalities.csv"


@functools.cache
def municipality_names() -> tuple[str, ...]:
    """The 290 municipalities' names, lower case (read once from the reference data)."""
    with MUNICIPALITIES_CSV.open(encoding="utf-8") as handle:
        return tuple(row["name"].lower() for row in csv.DictReader(handle))


def _fold(text: str) -> str:
    """Lower case without accents or anything but letters: "Sömmar!" → "sommar"."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(char for char in decomposed if char.isalpha() and char.isascii())


def personal_words(*, name: str | None = None, email: str | None = None) -> list[str]:
    """The parts of a user's name and e-mail a password must not be built from."""
    words: list[str] = []
    for text in (name or "", (email or "").split("@")[0]):
        words += [part for part in re.split(r"[\s._+\-]+", text.lower()) if len(part) >= 3]
    if email:
        words.append(email.lower())
    if name:
        words.append(name.lower())
    return words


@functools.cache
def _folded_guessable_words() -> tuple[str, ...]:
    """The Swedish words and municipality names, folded, longest first."""
    words = {_fold(word) for word in (*SWEDISH_WORDS, *municipality_names())}
    return tuple(sorted((w for w in words if len(w) >= 3), key=len, reverse=True))


def _only_guessable_words(password: str) -> bool:
    """True if the password's letters are nothing but listed words (Sommar2026!!,
    vinter2025vinter, Göteborg2026!): zxcvbn rates some of these well, a Swede would not."""
    rest = _fold(password)
    for word in _folded_guessable_words():
        rest = rest.replace(word, "")
    return len(rest) < 4


def _built_from_personal(password: str, words: Iterable[str]) -> bool:
    """True if the password is the user's name or e-mail with little else ("Anna Lind 1!",
    "lind-2026-x"); an unrelated word that happens to contain a name ("annat") is not."""
    folded = _fold(password)
    personal = sorted({f for w in words if len(f := _fold(w)) >= 3}, key=len, reverse=True)
    if not any(word in folded for word in personal):
        return False
    rest = folded
    for word in (*personal, *_folded_guessable_words()):
        rest = rest.replace(word, "")
    return len(rest) < PERSONAL_REST


def password_problem(
    password: str,
    *,
    min_length: int,
    name: str | None = None,
    email: str | None = None,
) -> str | None:
    """Why `password` is not acceptable, in the user's language, or None if it is.

    `name` and `email` are the account's (when known), so a password built from them is
    refused."""
    if len(password) < min_length:
        return _("Lösenordet måste ha minst %(n)d tecken.", n=min_length)
    if len(password) > MAX_LENGTH:
        return _("Lösenordet får ha högst 1024 tecken.")
    if password.strip() == "":
        return _("Lösenordet får inte bestå av bara blanksteg.")
    personal = personal_words(name=name, email=email)
    if _built_from_personal(password, personal):
        return _(
            "Lösenordet får inte innehålla ditt namn eller din e-postadress. Välj i stället "
            "några ord som inte har med dig att göra."
        )
    # Imported here, not at start: its dictionaries take 12 MB in every web worker, and only
    # setting a password needs them.
    from zxcvbn import zxcvbn

    weak = _only_guessable_words(password)
    inputs = [*SWEDISH_WORDS, *municipality_names(), *personal]
    if weak or zxcvbn(password[:ESTIMATE_CHARS], user_inputs=inputs)["score"] < MIN_SCORE:
        return _(
            "Lösenordet är för lätt att gissa. Undvik vanliga lösenord, enstaka ord, namn, "
            "ortnamn, årtal och mönster som Sommar2026! eller 123456. Välj i stället en mening "
            "av fyra eller fem ord som inte hör ihop, till exempel ”blå cykel sjunger under "
            "taket”."
        )
    return None
