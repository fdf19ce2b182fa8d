"""Name pairs for the duplicate scan (duplicates.py): contacts whose names are alike.

One pass over all contacts puts them in *name groups* of the same folded surname and first
name. Contacts in one group are interchangeable for the name signals, so names are compared
per group, never per contact: first names within a surname block once per distinct spelling
(two spellings' similarity once per scan), reordered names by their sorted words. Common
names make millions of name-only pairs, so those are never listed: their number follows
from the group sizes, and only the page shown is enumerated, in id order.
"""

from __future__ import annotations

import heapq
from array import array
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable
from difflib import SequenceMatcher
from itertools import islice, repeat
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import String, cast, func, select

from app.common.text import fold
from app.extensions import db

from .models import Contact

SIMILAR_NAME = _l("Liknande namn")
SWAPPED_NAME = _l("Samma namn i annan ordning")

#: How alike two first names must be (0–1) to count as similar within a surname block.
SIMILARITY = 0.8
#: Surname blocks with more contacts than this (a very common surname) are compared on exact
#: first names only.
MAX_BLOCK = 400

Key = tuple[int, int]
#: A signal: its strength and its label. Each kind is one object, compared with `is`.
Signal = tuple[int, Any]
SIMILAR: Signal = (1, SIMILAR_NAME)
SWAPPED: Signal = (1, SWAPPED_NAME)
NONE: frozenset[int] = frozenset()
#: The related groups of a group that has none (shared: never written to).
NO_GROUPS: dict[int, Signal] = {}


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


class NameIndex:
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
        self.related: list[dict[int, Signal]] = [NO_GROUPS] * len(names)
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
                self.own[group] = SIMILAR
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
                            self._relate(group, other, SIMILAR)
                            self._relate(other, group, SIMILAR)
        for groups in by_words.values():
            for group in groups:
                for other in groups:
                    if other == group:
                        self.own[group] = self.own[group] or SWAPPED
                    elif other not in self.related[group]:
                        self._relate(group, other, SWAPPED)

    def _relate(self, group: int, other: int, signal: Signal) -> None:
        if self.related[group] is NO_GROUPS:
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
            left_out = excluded.get(a, NONE)
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


def name_index() -> NameIndex:
    # Sorted by id, the subquery makes SQLite group by sorting rows read in table order,
    # rather than by walking the name index and looking up every row's deleted_at.
    live = select(Contact.id, Contact.first_name, Contact.last_name).order_by(Contact.id).subquery()
    return NameIndex(
        db.session.execute(
            select(
                live.c.first_name,
                live.c.last_name,
                func.aggregate_strings(cast(live.c.id, String), ","),
            ).group_by(live.c.first_name, live.c.last_name)
        )
    )
