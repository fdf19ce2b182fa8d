"""Finding likely duplicate contacts, and remembering pairs that are not.

Three signals, strongest first: the same e-mail address; the same name at the same
organisation; a similar name (same surname and a first name that is nearly the same, or the
name's words in another order). Names are compared folded ("Åsa" = "asa").

Fast at any size (300,000 contacts in seconds, in a fixed number of statements):

- E-mail and same-organisation pairs: SQL finds the few keys (an address; a sort name at an
  organisation) that two or more contacts share, and pairs are formed within those only.
- Names: one pass over all contacts puts them in *name groups* of the same folded surname and
  first name. Contacts in one group are interchangeable for the name signals, so names are
  compared per group, never per contact: first names within a surname block once per distinct
  spelling (two spellings' similarity once per scan), reordered names by their sorted words.
- Common names make millions of name-only pairs, so those are never listed: their number
  follows from the group sizes, and only the page shown is enumerated, in id order.
"""

from __future__ import annotations

import heapq
from array import array
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from itertools import islice, repeat
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import String, cast, func, select
from sqlalchemy.orm import selectinload

from app.audit.services import Actor
from app.common.text import fold
from app.extensions import db
from app.organisations.models import Organisation

from .models import Affiliation, Contact, ContactEmail, DuplicateDismissal

SAME_EMAIL = _l("Samma e-postadress")
SAME_NAME_SAME_ORGANISATION = _l("Samma namn på samma organisation")
SIMILAR_NAME = _l("Liknande namn")
SWAPPED_NAME = _l("Samma namn i annan ordning")

#: How alike two first names must be (0–1) to count as similar within a surname block.
SIMILARITY = 0.8
#: Surname blocks with more contacts than this (a very common surname) are compared on exact
#: first names only.
MAX_BLOCK = 400
#: Pairs on a page.
PER_PAGE = 50

Key = tuple[int, int]
#: A signal: its strength and its label. Each kind is one object, compared with `is`.
Signal = tuple[int, Any]
_EMAIL: Signal = (3, SAME_EMAIL)
_ORGANISATION: Signal = (2, SAME_NAME_SAME_ORGANISATION)
_SIMILAR: Signal = (1, SIMILAR_NAME)
_SWAPPED: Signal = (1, SWAPPED_NAME)
_NONE: frozenset[int] = frozenset()
#: The related groups of a group that has none (shared: never written to).
_NO_GROUPS: dict[int, Signal] = {}


@dataclass
class DuplicatePair:
    first: Contact
    second: Contact
    reasons: list[str] = field(default_factory=list)
    strength: int = 0


def _pair_key(a: int, b: int) -> Key:
    return (a, b) if a < b else (b, a)


def _pairs_within(rows: Iterable[Any]) -> set[Key]:
    """Every pair of different contacts (the last column) sharing the other columns."""
    groups: dict[tuple[Any, ...], set[int]] = defaultdict(set)
    for *shared, contact_id in rows:
        groups[tuple(shared)].add(contact_id)
    pairs: set[Key] = set()
    for group in groups.values():
        ids = sorted(group)
        for index, a in enumerate(ids):
            pairs.update((a, b) for b in ids[index + 1 :])
    return pairs


def _email_pairs() -> set[Key]:
    """Contacts sharing an address (stored lower-cased)."""
    # Counting rows, not contacts, reads the address index alone; an address a contact has
    # twice makes a group that pairs no one.
    shared = select(ContactEmail.address).group_by(ContactEmail.address).having(func.count() > 1)
    # Joining the contacts leaves out those in the trash.
    return _pairs_within(
        db.session.execute(
            select(ContactEmail.address, ContactEmail.contact_id)
            .join(Contact, Contact.id == ContactEmail.contact_id)
            .where(ContactEmail.address.in_(shared))
        )
    )


def _same_organisation_pairs() -> set[Key]:
    """Contacts with the same name (sort name) and an affiliation, current or former, with the
    same organisation."""
    keyed = (
        select(
            Contact.sort_name,
            Affiliation.organisation_id,
            Contact.id.label("contact_id"),
            func.count()
            .over(partition_by=(Contact.sort_name, Affiliation.organisation_id))
            .label("sharing"),
        )
        .join(Affiliation, Affiliation.contact_id == Contact.id)
        .where(Contact.sort_name != "")
        .subquery()
    )
    return _pairs_within(
        db.session.execute(
            select(keyed.c.sort_name, keyed.c.organisation_id, keyed.c.contact_id).where(
                keyed.c.sharing > 1
            )
        )
    )


def _similar(first: str, other: str) -> bool:
    """Two different folded first names that are nearly the same ("anna", "ana")."""
    if first[0] != other[0]:
        return False
    matcher = SequenceMatcher(None, *sorted((first, other)))  # the same answer either way
    return (
        matcher.real_quick_ratio() >= SIMILARITY
        and matcher.quick_ratio() >= SIMILARITY
        and matcher.ratio() >= SIMILARITY
    )


class _NameIndex:
    """Every live contact in a name group (folded surname, folded first name), and which
    groups' contacts pair up by name, with which signal.

    A pair of contacts falls in exactly one pair of name groups, so the name pairs are the
    disjoint union of each related group's internal pairs and of each related pair of
    groups' cross product: counted without listing them, listed in id order from any offset.
    """

    def __init__(self, spellings: Iterable[Any]) -> None:
        """`spellings`: (first name, surname, "id,id,…") for each distinct spelling."""
        #: Each group's contact ids, ascending (an array: at 300,000 contacts, int objects in
        #: lists took 15 MB of a worker's memory, arrays 2); each contact's group; all ids.
        self.members: list[array[int]] = []
        members = self.members
        names: list[tuple[str, str]] = []  # group -> (folded surname, folded first name)
        group_of_name: dict[tuple[str, str], int] = {}
        folded: dict[str | None, str] = {}
        for first, last, ids in spellings:
            for text in (first, last):
                if text not in folded:
                    folded[text] = fold(text).strip()
            name = (folded[last], folded[first])
            group = group_of_name.get(name)
            if group is None:
                group_of_name[name] = len(names)
                names.append(name)
                members.append(array("i", sorted(map(int, ids.split(",")))))
            else:  # another spelling of the same folded name ("Åsa", "ASA")
                members[group] = array("i", sorted([*members[group], *map(int, ids.split(","))]))
        # Arrays, not a dict and a list of int objects: at 300,000 contacts this saves some
        # 30 MB of a worker's memory. group_of[id] is -1 for an id that is no contact.
        top = max((ids[-1] for ids in members), default=-1)
        self.group_of = array("i", [-1]) * (top + 1)
        for group, ids in enumerate(members):
            for contact_id in ids:
                self.group_of[contact_id] = group
        # In id order without sorting a list of them all (another 11 MB at its peak).
        self.ids = array("i", (i for i, group in enumerate(self.group_of) if group >= 0))

        #: Group -> the signal between its own contacts (None: none), and {another related
        #: group: signal}; a similar name wins over the same words in another order. Most
        #: groups relate to no other: they share one empty dict, never written to (a dict
        #: per group took 8 MB at 300,000 contacts).
        self.own: list[Signal | None] = [None] * len(names)
        self.related: list[dict[int, Signal]] = [_NO_GROUPS] * len(names)
        by_last: dict[str, list[int]] = defaultdict(list)
        by_words: dict[tuple[str, ...], list[int]] = defaultdict(list)
        for group, (last, first) in enumerate(names):
            if last:
                by_last[last].append(group)
            words = tuple(sorted(f"{first} {last}".replace("-", " ").split()))
            if len(words) > 1:
                by_words[words].append(group)
        similar: dict[tuple[str, str], bool] = {}  # common first names recur in many blocks
        for groups in by_last.values():
            named = [g for g in groups if names[g][1]]
            for group in named:  # the same first name
                self.own[group] = _SIMILAR
            if sum(len(members[g]) for g in groups) > MAX_BLOCK:
                continue
            by_initial: dict[str, list[int]] = defaultdict(list)
            for group in named:
                by_initial[names[group][1][0]].append(group)
            for candidates in by_initial.values():
                for index, group in enumerate(candidates):
                    for other in candidates[index + 1 :]:
                        firsts = (names[group][1], names[other][1])
                        if firsts not in similar:
                            similar[firsts] = _similar(*firsts)
                        if similar[firsts]:
                            self._relate(group, other, _SIMILAR)
                            self._relate(other, group, _SIMILAR)
        for groups in by_words.values():
            for group in groups:
                for other in groups:
                    if other == group:
                        self.own[group] = self.own[group] or _SWAPPED
                    elif other not in self.related[group]:
                        self._relate(group, other, _SWAPPED)

    def _relate(self, group: int, other: int, signal: Signal) -> None:
        if self.related[group] is _NO_GROUPS:
            self.related[group] = {}
        self.related[group][other] = signal

    def signal(self, key: Key) -> Signal | None:
        """The name signal between two contacts, if any."""
        a, b = self._group(key[0]), self._group(key[1])
        if a < 0 or b < 0:
            return None
        return self.own[a] if a == b else self.related[a].get(b)

    def _group(self, contact_id: int) -> int:
        return self.group_of[contact_id] if 0 <= contact_id < len(self.group_of) else -1

    def count(self) -> int:
        """How many pairs of contacts have a name signal."""
        total = 0
        for group, related in enumerate(self.related):
            size = len(self.members[group])
            if self.own[group] is not None:
                total += size * (size - 1) // 2
            for other in related:
                if other > group:
                    total += size * len(self.members[other])
        return total

    def pairs(
        self, *, skip: int, take: int, excluded: dict[int, set[int]]
    ) -> list[tuple[Key, Signal]]:
        """Up to `take` name pairs in key order from the `skip`-th on, leaving out `excluded`
        ({a: {b, …}}, each of them a name pair)."""
        found: list[tuple[Key, Signal]] = []
        group_of = self.group_of
        for a in self.ids:
            group = group_of[a]
            own, related = self.own[group], self.related[group]
            if own is None and not related:
                continue
            # The partners after `a`: the tail of its own group and of each related group.
            tails = [
                (self.members[other], bisect_right(self.members[other], a), signal)
                for other, signal in related.items()
            ]
            if own is not None:
                tails.append((self.members[group], bisect_right(self.members[group], a), own))
            left_out = excluded.get(a, _NONE)
            count = sum(len(ids) - start for ids, start, _signal in tails) - len(left_out)
            if count <= skip:
                skip -= count
                continue
            partners = heapq.merge(  # a contact is in one group: no ties between tails
                *(zip(islice(ids, start, None), repeat(signal)) for ids, start, signal in tails)
            )
            for b, signal in partners:
                if b in left_out:
                    continue
                if skip:
                    skip -= 1
                    continue
                found.append(((a, b), signal))
                if len(found) == take:
                    return found
        return found


def _name_index() -> _NameIndex:
    # Sorted by id, the subquery makes SQLite group by sorting rows read in table order,
    # rather than by walking the name index and looking up every row's deleted_at.
    live = select(Contact.id, Contact.first_name, Contact.last_name).order_by(Contact.id).subquery()
    return _NameIndex(
        db.session.execute(
            select(
                live.c.first_name,
                live.c.last_name,
                func.aggregate_strings(cast(live.c.id, String), ","),
            ).group_by(live.c.first_name, live.c.last_name)
        )
    )


def dismissed_pairs() -> set[Key]:
    return {
        (a, b)
        for a, b in db.session.execute(
            select(DuplicateDismissal.contact_id, DuplicateDismissal.other_id)
        )
    }


Ranked = list[tuple[Key, list[Signal]]]


class DuplicatePage(Pagination):
    """One page of likely duplicate pairs (`items`) with `total` and the page links, like a
    `db.paginate` page."""

    def _query_items(self) -> list[DuplicatePair]:
        ranked: Callable[[int, int], Ranked] = self._query_args["ranked"]
        return _load_pairs(ranked(self._query_offset, self.per_page))

    def _query_count(self) -> int:
        return self._query_args["total"]


def _load_pairs(ranked: Ranked) -> list[DuplicatePair]:
    """The pairs with their contacts, addresses and affiliations, in a fixed number of
    statements."""
    if not ranked:
        return []
    ids = {i for key, _signals in ranked for i in key}
    contacts = {
        c.id: c
        for c in db.session.scalars(
            select(Contact)
            .options(
                selectinload(Contact.emails),
                selectinload(Contact.affiliations)
                .selectinload(Affiliation.organisation)
                .joinedload(Organisation.parent),
            )
            .where(Contact.id.in_(ids))
        )
    }
    return [
        DuplicatePair(
            first=contacts[a],
            second=contacts[b],
            reasons=[str(label) for _s, label in sorted(signals, key=lambda s: -s[0])],
            strength=sum(s for s, _label in signals),
        )
        for (a, b), signals in ranked
    ]


def find_duplicates(*, page: int = 1, per_page: int = PER_PAGE) -> DuplicatePage:
    """Likely duplicate pairs, strongest first, then by ids, without the pairs users have
    dismissed: one page of them, and how many there are."""
    dismissed = dismissed_pairs()
    names = _name_index()
    strong: dict[Key, list[Signal]] = defaultdict(list)
    for key in _email_pairs():
        strong[key].append(_EMAIL)
    for key in _same_organisation_pairs():
        strong[key].append(_ORGANISATION)
    # A name signal adds to a stronger one only when it tells more: the name in another order.
    for key, signals in strong.items():
        if names.signal(key) is _SWAPPED:
            signals.append(_SWAPPED)
    ranked_strong = sorted(
        ((key, signals) for key, signals in strong.items() if key not in dismissed),
        key=lambda item: (-sum(s for s, _label in item[1]), item[0]),
    )
    # The name-only pairs follow, in key order, without those listed above or dismissed.
    excluded: dict[int, set[int]] = defaultdict(set)
    for a, b in strong.keys() | dismissed:
        if names.signal((a, b)) is not None:
            excluded[a].add(b)
    name_only = names.count() - sum(len(others) for others in excluded.values())

    def ranked(offset: int, limit: int) -> Ranked:
        shown = ranked_strong[offset : offset + limit]
        if len(shown) < limit:
            shown += [
                (key, [signal])
                for key, signal in names.pairs(
                    skip=max(0, offset - len(ranked_strong)),
                    take=limit - len(shown),
                    excluded=excluded,
                )
            ]
        return shown

    return DuplicatePage(
        page=page,
        per_page=per_page,
        max_per_page=None,
        error_out=False,
        ranked=ranked,
        total=len(ranked_strong) + name_only,
    )


def dismiss_pair(first: Contact, second: Contact, *, by: Actor) -> None:
    """Remember that two contacts are different people."""
    a, b = _pair_key(first.id, second.id)
    if db.session.get(DuplicateDismissal, (a, b)) is None:
        db.session.add(DuplicateDismissal(contact_id=a, other_id=b, dismissed_by_name=by.name))
