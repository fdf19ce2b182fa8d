"""Demo contacts: Swedish names, titles, e-mail, phone, tags and affiliations over time."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from app.common.labels import labels_named
from app.common.text import fold, sort_key
from app.contacts.models import (
    Affiliation,
    Contact,
    ContactEmail,
    ContactPhone,
    Tag,
    contact_tags,
)
from app.extensions import db

from . import vocabulary as words
from .core import (
    FIRST_DAY,
    Context,
    Org,
    cumulative,
    fixed_utc,
    insert_returning_ids,
    insert_rows,
    part_rng,
    random_day,
    slug,
)

#: How contacts spread over kinds of organisation.
CATEGORY_SHARE = {
    "socialtjanst": 40,
    "kommun": 22,
    "lansstyrelse": 10,
    "myndighet": 10,
    "region": 4,
    "skr": 2,
    "civilsamhalle": 12,
}

#: Number ranges set aside for fiction (PTS), so no real person is ever called.
FICTIONAL_PHONES = (
    ("+46701740", 605, 699, "Mobil"),
    ("+46846500", 400, 499, "Arbete"),
    ("+46313900", 600, 699, "Arbete"),
    ("+46406280", 400, 499, "Arbete"),
)


def org_weights(orgs: list[Org], *, reached_only: bool) -> list[float]:
    """Weights that give each kind its share, spread by each organisation's activity."""
    totals: dict[str, float] = {}
    for org in orgs:
        totals[org.category] = totals.get(org.category, 0.0) + org.activity
    weights = []
    for org in orgs:
        share = CATEGORY_SHARE.get(org.category, 0) / (totals[org.category] or 1.0)
        weight = share * org.activity
        if not org.reached:
            weight = 0.0 if reached_only else weight * 0.2
        weights.append(weight)
    return weights


def generate_contacts(ctx: Context) -> tuple[int, int]:
    """Insert the contacts and everything hanging on them; return (contacts, affiliations)."""
    rng = part_rng(ctx.seed, "contacts")
    total = ctx.count(3000)
    orgs = ctx.orgs
    by_category: dict[str, list[Org]] = {}
    for org in orgs:
        by_category.setdefault(org.category, []).append(org)
    homes = rng.choices(
        orgs, cum_weights=cumulative(org_weights(orgs, reached_only=False)), k=total
    )
    used_emails: set[str] = set(db.session.scalars(select(ContactEmail.address)))

    people, contact_rows = [], []
    for home in homes:
        first = rng.choice(words.FIRST_NAMES)
        last = rng.choice(words.LAST_NAMES)
        if rng.random() < 0.12:
            last = f"{last} {rng.choice(words.LAST_NAMES)}"
        local = f"{slug(first)}.{slug(last)}"
        address, n = f"{local}@{home.domain}", 1
        while address in used_emails:
            n += 1
            address = f"{local}{n}@{home.domain}"
        used_emails.add(address)
        created = random_day(rng, FIRST_DAY, ctx.today)
        people.append((home, first, last, address, created))
        contact_rows.append(
            {
                "first_name": first,
                "last_name": last,
                "search_text": fold(f"{first} {last} {address}")[:600],
                "sort_name": sort_key(f"{last} {first}")[:200],
                "created_at": ctx.created_at(created),
                "updated_at": ctx.created_at(created),
            }
        )
    ids = insert_returning_ids(Contact.__table__, contact_rows)

    emails, phones, affiliations, tagged = [], [], [], []
    tags = labels_named(Tag, list(words.TAGS))
    db.session.flush()
    for contact_id, (home, first, last, address, _created) in zip(ids, people, strict=True):
        ctx.contacts_by_org.setdefault(home.id, []).append(contact_id)
        ctx.contact_names[contact_id] = f"{first} {last}"
        emails.append({"contact_id": contact_id, "address": address, "position": 0})
        if rng.random() < 0.85:
            prefix, low, high, label = rng.choice(FICTIONAL_PHONES)
            number = f"{prefix}{rng.randint(low, high)}"
            phones.append({"contact_id": contact_id, "number": number, "label": label})
        title = rng.choice(words.TITLES[home.category])
        started = random_day(rng, date(2012, 1, 1), date(2025, 5, 31))
        if rng.random() < 0.15:
            # Changed jobs: the earlier role is ended, never edited away.
            earlier = rng.choice(by_category[home.category])
            ended = random_day(rng, FIRST_DAY, max(FIRST_DAY, ctx.today - timedelta(days=2)))
            affiliations.append(
                affiliation(contact_id, earlier, rng.choice(words.TITLES[earlier.category]),
                            started, ended)
            )  # fmt: skip
            started = ended + timedelta(days=1)
        ended_now = ctx.today - timedelta(days=1) if rng.random() < 0.03 else None
        if ended_now and ended_now < started:
            ended_now = None
        affiliations.append(affiliation(contact_id, home, title, started, ended_now))
        if rng.random() < 0.08:
            tagged.append({"contact_id": contact_id, "tag_id": rng.choice(tags).id})
    insert_rows(ContactEmail.__table__, emails)
    insert_rows(ContactPhone.__table__, phones)
    insert_rows(Affiliation.__table__, affiliations)
    insert_rows(contact_tags, tagged)
    return len(ids), len(affiliations)


def affiliation(
    contact_id: int, org: Org, title: str, started: date, ended: date | None
) -> dict[str, object]:
    return {
        "contact_id": contact_id,
        "organisation_id": org.id,
        "title": title,
        "started_on": started,
        "ended_on": ended,
        "created_at": fixed_utc(max(started, FIRST_DAY)),
    }
