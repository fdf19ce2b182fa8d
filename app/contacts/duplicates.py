"""Finding likely duplicate contacts, and remembering pairs that are not.

Three signals, strongest first: the same e-mail address; the same name at the same
organisation; a similar name (same surname and a first name that is nearly the same, or the
name's words in another order). Names are compared folded ("Åsa" = "asa").

Fast at any size: e-mail and same-organisation pairs come from SQL self-joins; similar names
are compared only within blocks of contacts sharing a folded surname.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import aliased, selectinload

from app.audit.services import Actor
from app.common.text import fold
from app.extensions import db

from .models import Affiliation, Contact, ContactEmail, DuplicateDismissal

SAME_EMAIL = _l("Samma e-postadress")
SAME_NAME_SAME_ORGANISATION = _l("Samma namn på samma organisation")
SIMILAR_NAME = _l("Liknande namn")
SWAPPED_NAME = _l("Samma namn i annan ordning")

#: How alike two first names must be (0–1) to count as similar within a surname block.
SIMILARITY = 0.8
#: Blocks larger than this (a very common surname) are compared on exact first names only.
MAX_BLOCK = 400


@dataclass
class DuplicatePair:
    first: Contact
    second: Contact
    reasons: list[str] = field(default_factory=list)
    strength: int = 0


def _pair_key(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def _email_pairs() -> set[tuple[int, int]]:
    other = aliased(ContactEmail)
    second_contact = aliased(Contact)
    rows = db.session.execute(
        select(ContactEmail.contact_id, other.contact_id)
        .join(other, other.address == ContactEmail.address)
        # Joining the contacts leaves out those in the trash.
        .join(Contact, Contact.id == ContactEmail.contact_id)
        .join(second_contact, second_contact.id == other.contact_id)
        .where(ContactEmail.contact_id < other.contact_id)
    )
    return {tuple(r) for r in rows}


def _same_organisation_pairs() -> set[tuple[int, int]]:
    first, second = aliased(Contact), aliased(Contact)
    a1, a2 = aliased(Affiliation), aliased(Affiliation)
    rows = db.session.execute(
        select(first.id, second.id)
        .join(second, (second.sort_name == first.sort_name) & (second.id > first.id))
        .join(a1, a1.contact_id == first.id)
        .join(a2, (a2.contact_id == second.id) & (a2.organisation_id == a1.organisation_id))
        .where(first.sort_name != "")
        .distinct()
    )
    return {tuple(r) for r in rows}


def _similar_name_pairs() -> dict[tuple[int, int], str]:
    names = db.session.execute(select(Contact.id, Contact.first_name, Contact.last_name)).all()
    pairs: dict[tuple[int, int], str] = {}
    by_last: dict[str, list[tuple[int, str]]] = defaultdict(list)
    by_words: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for contact_id, first, last in names:
        folded_first, folded_last = fold(first).strip(), fold(last).strip()
        if folded_last:
            by_last[folded_last].append((contact_id, folded_first))
        words = tuple(sorted(f"{folded_first} {folded_last}".replace("-", " ").split()))
        if len(words) > 1:
            by_words[words].append(contact_id)
    for block in by_last.values():
        if len(block) < 2:
            continue
        exact_only = len(block) > MAX_BLOCK
        for index, (a, first_a) in enumerate(block):
            for b, first_b in block[index + 1 :]:
                if not first_a or not first_b:
                    continue
                if first_a == first_b or (
                    not exact_only
                    and first_a[0] == first_b[0]
                    and SequenceMatcher(None, first_a, first_b).ratio() >= SIMILARITY
                ):
                    pairs[_pair_key(a, b)] = str(SIMILAR_NAME)
    for ids in by_words.values():
        for index, a in enumerate(ids):
            for b in ids[index + 1 :]:
                pairs.setdefault(_pair_key(a, b), str(SWAPPED_NAME))
    return pairs


def dismissed_pairs() -> set[tuple[int, int]]:
    return {
        tuple(r)
        for r in db.session.execute(
            select(DuplicateDismissal.contact_id, DuplicateDismissal.other_id)
        )
    }


def find_duplicates(*, limit: int = 200) -> list[DuplicatePair]:
    """Likely duplicate pairs, strongest first, without the pairs users have dismissed."""
    found: dict[tuple[int, int], DuplicatePair] = {}
    strength: dict[tuple[int, int], list[tuple[int, str]]] = defaultdict(list)
    for key in _email_pairs():
        strength[key].append((3, str(SAME_EMAIL)))
    for key in _same_organisation_pairs():
        strength[key].append((2, str(SAME_NAME_SAME_ORGANISATION)))
    for key, reason in _similar_name_pairs().items():
        if not any(s >= 2 for s, _reason in strength.get(key, [])) or reason == str(SWAPPED_NAME):
            strength[key].append((1, reason))
    for key in dismissed_pairs():
        strength.pop(key, None)
    ranked = sorted(strength.items(), key=lambda item: (-sum(s for s, _r in item[1]), item[0]))[
        :limit
    ]
    ids = {i for key, _signals in ranked for i in key}
    contacts = {
        c.id: c
        for c in db.session.scalars(
            select(Contact)
            .options(
                selectinload(Contact.emails),
                selectinload(Contact.affiliations).selectinload(Affiliation.organisation),
            )
            .where(Contact.id.in_(ids))
        )
    }
    for key, signals in ranked:
        found[key] = DuplicatePair(
            first=contacts[key[0]],
            second=contacts[key[1]],
            reasons=[reason for _s, reason in sorted(signals, reverse=True)],
            strength=sum(s for s, _r in signals),
        )
    return list(found.values())


def dismiss_pair(first: Contact, second: Contact, *, by: Actor) -> None:
    """Remember that two contacts are different people."""
    a, b = _pair_key(first.id, second.id)
    if db.session.get(DuplicateDismissal, (a, b)) is None:
        db.session.add(DuplicateDismissal(contact_id=a, other_id=b, dismissed_by_name=by.name))
