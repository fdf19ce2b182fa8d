"""Finding likely duplicate contacts, and remembering pairs that are not.

Three signals, strongest first: the same e-mail address; the same name at the same
organisation; a similar name (same surname and a first name that is nearly the same, or the
name's words in another order). Names are compared folded ("Åsa" = "asa").

Fast at any size (300,000 contacts in seconds, in a fixed number of statements):

- E-mail and same-organisation pairs: SQL finds the few keys (an address; a sort name at an
  organisation) that two or more contacts share, and pairs are formed within those only.
- Names: compared per name group, never per contact, and the name-only pairs counted from
  the groups' sizes and listed only for the page shown (name_pairs.py).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.audit.services import Actor
from app.extensions import db
from app.organisations.models import Organisation

from .models import Affiliation, Contact, ContactEmail, DuplicateDismissal
from .name_pairs import SWAPPED as _SWAPPED
from .name_pairs import Key, Signal, name_index

SAME_EMAIL = _l("Samma e-postadress")
SAME_NAME_SAME_ORGANISATION = _l("Samma namn på samma organisation")
#: Pairs on a page.
PER_PAGE = 50

_EMAIL: Signal = (3, SAME_EMAIL)
_ORGANISATION: Signal = (2, SAME_NAME_SAME_ORGANISATION)


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
    names = name_index()
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
