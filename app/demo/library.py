"""Demo library: guidance with versions, information material, good examples and research
references; deliveries of them to part of the municipalities over the months (by mailing,
handed over at held meetings, by hand), and references linked to the meetings where they were
discussed.

The catalogue is fixed (a team has a handful of materials, whatever its size); the deliveries
and meeting links grow with the scale. A version or delivery dated after `today` is left out,
as it would not have happened yet. Rows go in by Core inserts like the rest of the demo, so
`generate` rebuilds the coverage facts afterwards (app.library.facts.rebuild_facts).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from app.common.labels import labels_named
from app.common.text import fold, sort_key
from app.extensions import db
from app.library.models import (
    Channel,
    Delivery,
    Material,
    MaterialKind,
    MaterialStatus,
    MaterialVersion,
    MeetingReference,
    Outcome,
    material_topics,
)
from app.meetings.models import MeetingStatus, Topic

from .activity import Held
from .catalogue import GUIDANCE, RESEARCH, Item
from .core import Context, Org, insert_returning_ids, insert_rows, part_rng

#: Of a mailing's messages: this share fails and this share is left uncertain.
FAILED_SHARE = 0.03
UNCERTAIN_SHARE = 0.02


@dataclass
class LibraryCounts:
    """What the library part made."""

    materials: int = 0
    versions: int = 0
    deliveries: int = 0
    references_linked: int = 0


def generate_library(ctx: Context, held: list[Held]) -> LibraryCounts:
    """Insert the catalogue, its versions, the deliveries and the meeting links."""
    rng = part_rng(ctx.seed, "library")
    counts = LibraryCounts()
    items = [*GUIDANCE, *RESEARCH]
    topics = {
        fold(t.name): t.id
        for t in labels_named(Topic, sorted({name for item in items for name in item.topics}))
    }
    db.session.flush()  # the new topics' ids
    municipalities = [o for o in ctx.orgs if o.municipality_id == o.id]
    by_name = {o.name: o for o in municipalities}
    creators = ctx.team.coordinators or [None]
    first_day = min(d for item in items for d in item.versions)
    material_rows = [_material_row(ctx, rng, item, by_name, creators, first_day) for item in items]
    material_ids = insert_returning_ids(Material.__table__, material_rows)
    counts.materials = len(material_ids)
    insert_rows(
        material_topics,
        [
            {"material_id": material_id, "topic_id": topics[fold(name)]}
            for material_id, item in zip(material_ids, items, strict=True)
            for name in dict.fromkeys(item.topics)
        ],
    )
    version_rows, version_keys = [], []
    for material_id, item in zip(material_ids, items, strict=True):
        for number, day in enumerate((d for d in item.versions if d <= ctx.today), start=1):
            version_rows.append(
                {
                    "material_id": material_id,
                    "number": number,
                    "link": f"https://samverkan.example.se/material/{material_id}/v{number}",
                    "note": "" if number == 1 else f"Uppdaterad {day.isoformat()}",
                    "created_by_id": rng.choice(creators),
                    "created_at": ctx.created_at(day),
                }
            )
            version_keys.append((material_id, item, day))
    version_ids = insert_returning_ids(MaterialVersion.__table__, version_rows)
    counts.versions = len(version_ids)
    # Versions in order of release, with the day the next one replaced each.
    deliveries: list[dict[str, Any]] = []
    for index, (version_id, (material_id, item, day)) in enumerate(
        zip(version_ids, version_keys, strict=True)
    ):
        following = version_keys[index + 1] if index + 1 < len(version_keys) else None
        until = (
            following[2] - timedelta(days=1)
            if following is not None and following[0] == material_id
            else ctx.today
        )
        until = min(until, ctx.today)
        deliveries += _mailing(ctx, rng, item, version_id, material_id, day, municipalities)
        deliveries += _at_meetings(ctx, rng, item, version_id, material_id, day, until, held)
    deliveries.sort(key=lambda row: (row["delivered_on"], row["version_id"]))
    insert_rows(Delivery.__table__, deliveries)
    counts.deliveries = len(deliveries)
    counts.references_linked = _link_references(ctx, rng, material_ids, items, held)
    return counts


def _material_row(
    ctx: Context,
    rng: random.Random,
    item: Item,
    by_name: dict[str, Org],
    creators: list[int | None],
    first_day: date,
) -> dict[str, Any]:
    released = [d for d in item.versions if d <= ctx.today]
    created = released[0] if released else (item.versions[0] if item.versions else first_day)
    source = by_name.get(item.source)
    parts = [item.title, item.authors, item.publisher, item.doi]
    return {
        "kind": item.kind,
        "title": item.title,
        "summary": item.summary,
        "language": item.language,
        "status": MaterialStatus.PUBLISHED
        if released or item.kind is MaterialKind.RESEARCH
        else MaterialStatus.DRAFT,
        "source_organisation_id": source.id if source else None,
        "authors": item.authors,
        "year": item.year,
        "publisher": item.publisher,
        "doi": item.doi,
        "link": f"https://doi.org/{item.doi}" if item.doi else "",
        "search_text": fold(" ".join(p for p in parts if p))[:1000],
        "sort_title": sort_key(item.title)[:300],
        "created_by_id": rng.choice(creators),
        "created_at": ctx.created_at(created),
        "updated_at": ctx.created_at(created),
    }


def _delivery(
    ctx: Context,
    version_id: int,
    material_id: int,
    organisation_id: int,
    day: date,
    channel: Channel,
    recorded_by: int | None,
    *,
    contact_id: int | None = None,
    meeting_id: int | None = None,
    outcome: Outcome = Outcome.DELIVERED,
) -> dict[str, Any]:
    return {
        "version_id": version_id,
        "material_id": material_id,
        "organisation_id": organisation_id,
        "contact_id": contact_id,
        "channel": channel,
        "meeting_id": meeting_id,
        "delivered_on": day,
        "outcome": outcome,
        "recorded_by_id": recorded_by,
        "recorded_at": ctx.created_at(day),
    }


def _mailing(
    ctx: Context,
    rng: random.Random,
    item: Item,
    version_id: int,
    material_id: int,
    released: date,
    municipalities: list[Org],
) -> list[dict[str, Any]]:
    """A mailing of the version to a share of the municipalities a week or two after its
    release (a few by hand instead); a few messages failed or uncertain."""
    if not item.mailed or not municipalities:
        return []
    day = released + timedelta(days=rng.randint(5, 15))
    if day > ctx.today:
        return []
    wanted = min(len(municipalities), ctx.count(round(item.mailed * 290)))
    sender = rng.choice(ctx.team.coordinators or [None])
    rows = []
    for org in sorted(rng.sample(municipalities, wanted), key=lambda o: o.id):
        draw = rng.random()
        if draw < 0.1:  # sent by hand later, with a personal note
            later = min(ctx.today, day + timedelta(days=rng.randint(1, 30)))
            rows.append(
                _delivery(ctx, version_id, material_id, org.id, later, Channel.BY_HAND, sender)
            )
            continue
        outcome = (
            Outcome.FAILED
            if draw > 1 - FAILED_SHARE
            else Outcome.UNCERTAIN
            if draw > 1 - FAILED_SHARE - UNCERTAIN_SHARE
            else Outcome.DELIVERED
        )
        rows.append(
            _delivery(
                ctx,
                version_id,
                material_id,
                org.id,
                day,
                Channel.MAILING,
                sender,
                outcome=outcome,
            )
        )
    return rows


def _at_meetings(
    ctx: Context,
    rng: random.Random,
    item: Item,
    version_id: int,
    material_id: int,
    released: date,
    until: date,
    held: list[Held],
) -> list[dict[str, Any]]:
    """Handed over at a share of the held meetings with a municipality or its unit while the
    version was current, to one of the contacts there (or the organisation)."""
    if not item.at_meetings:
        return []
    rows = []
    for meeting in held:
        if meeting.status is not MeetingStatus.HELD or not released <= meeting.day <= until:
            continue
        if meeting.org.municipality_id is None or rng.random() >= item.at_meetings:
            continue
        there = set(ctx.contacts_by_org.get(meeting.org.id, ()))
        contact = next((c for c in meeting.contacts if c in there), None)
        rows.append(
            _delivery(
                ctx,
                version_id,
                material_id,
                meeting.org.id,
                meeting.day,
                Channel.MEETING,
                meeting.responsible,
                contact_id=contact,
                meeting_id=meeting.id,
            )
        )
    return rows


def _link_references(
    ctx: Context, rng: random.Random, material_ids: list[int], items: list[Item], held: list[Held]
) -> int:
    """Research references discussed at some held meetings (about two per reference and
    hundred meetings, at least one each)."""
    references = [m for m, i in zip(material_ids, items, strict=True) if i in RESEARCH]
    meetings = [h for h in held if h.status is MeetingStatus.HELD and h.day <= ctx.today]
    if not references or not meetings:
        return 0
    per_reference = min(len(meetings), max(1, round(len(meetings) * 0.02)))
    rows = [
        {
            "meeting_id": meeting.id,
            "material_id": reference,
            "linked_by_id": meeting.responsible,
            "linked_at": ctx.created_at(meeting.day),
        }
        for reference in references
        for meeting in sorted(rng.sample(meetings, per_reference), key=lambda h: h.id)
    ]
    insert_rows(MeetingReference.__table__, rows)
    return len(rows)
