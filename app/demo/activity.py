"""Demo meetings (with participants, topics, target groups, perspectives) and follow-ups.

Meetings fall on weekdays from 2025-06-01 to 2027-06-30, fewer in July and at Christmas.
Before `today` they are mostly held, some cancelled; from `today` on they are planned.
They are generated and inserted chunk by chunk, so memory stays flat at large scales.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select

from app.common.labels import labels_named
from app.common.text import fold
from app.extensions import db
from app.followups.models import FollowUp, FollowUpStatus
from app.meetings.models import (
    Meeting,
    MeetingKind,
    MeetingPerspective,
    MeetingStatus,
    Perspective,
    TargetGroup,
    Topic,
    meeting_contacts,
    meeting_organisations,
    meeting_target_groups,
    meeting_team,
    meeting_topics,
)

from . import vocabulary as words
from .core import (
    CHUNK,
    FIRST_DAY,
    LAST_DAY,
    Context,
    Org,
    clamp,
    cumulative,
    day_start,
    insert_returning_ids,
    insert_rows,
    local_moment,
    part_rng,
    random_day,
    seeded_uuid,
)
from .people import org_weights

KINDS = list(MeetingKind)
KIND_WEIGHTS = {
    MeetingKind.DIGITAL: 40,
    MeetingKind.IN_PERSON: 20,
    MeetingKind.PHONE: 20,
    MeetingKind.CONFERENCE: 7,
    MeetingKind.STUDY_VISIT: 5,
    MeetingKind.WRITTEN: 8,
}
#: Minutes a meeting of each kind lasts: (shortest, longest).
DURATIONS = {
    MeetingKind.DIGITAL: (30, 90),
    MeetingKind.IN_PERSON: (60, 180),
    MeetingKind.PHONE: (15, 45),
    MeetingKind.CONFERENCE: (180, 420),
    MeetingKind.STUDY_VISIT: (120, 240),
    MeetingKind.WRITTEN: (15, 15),
}
PERSPECTIVE_CHANCE = {
    Perspective.CHILD_RIGHTS: 0.3,
    Perspective.DISABILITY: 0.15,
    Perspective.GENDER_EQUALITY: 0.2,
}


@dataclass(frozen=True)
class Held:
    """What follow-ups need to know about a meeting."""

    id: int
    day: date
    status: MeetingStatus
    org: Org
    contacts: tuple[int, ...]
    responsible: int
    topic: str


def meeting_days(rng: random.Random, count: int) -> list[date]:
    """`count` weekdays in the span, sorted; quieter in July and over Christmas."""
    days, weights = [], []
    day = FIRST_DAY
    while day <= LAST_DAY:
        if day.weekday() < 5:
            quiet = day.month == 7 or (day.month, day.day) >= (12, 22) or day.timetuple()[7] < 7
            days.append(day)
            weights.append(0.25 if quiet else 1.0)
        day += timedelta(days=1)
    return sorted(rng.choices(days, cum_weights=cumulative(weights), k=count))


def generate_meetings(ctx: Context) -> tuple[int, list[Held]]:
    """Insert the meetings and their links; return the count and what follow-ups need."""
    rng = part_rng(ctx.seed, "meetings")
    existing = db.session.scalar(select(func.count()).select_from(Meeting))
    # Distinct UIDs even when --force adds a second run with the same seed.
    uid_rng = part_rng(ctx.seed, f"uids:{existing}")
    topics = labels_named(Topic, list(words.TOPICS))
    groups = labels_named(TargetGroup, list(words.TARGET_GROUPS))
    db.session.flush()
    orgs = ctx.orgs
    org_cum = cumulative(org_weights(orgs, reached_only=True))
    boards = {o.county_code: o for o in orgs if o.category == "lansstyrelse"}
    by_id = {o.id: o for o in orgs}
    migrationsverket = next((o for o in orgs if o.name == "Migrationsverket"), orgs[0])
    coordinators = ctx.team.coordinators
    # The head of secretariat and two others carry more of the meetings.
    responsible_cum = cumulative([3, 2, 2] + [1] * (len(coordinators) - 3))
    kind_cum = cumulative(KIND_WEIGHTS[k] for k in KINDS)
    held: list[Held] = []
    days = meeting_days(rng, ctx.count(5000))

    for start in range(0, len(days), CHUNK):
        rows, links = [], []
        for day in days[start : start + CHUNK]:
            kind = rng.choices(KINDS, cum_weights=kind_cum)[0]
            primary = rng.choices(orgs, cum_weights=org_cum)[0]
            chosen = [primary]
            if primary.parent_id in by_id and rng.random() < 0.6:
                chosen.append(by_id[primary.parent_id])
            extra = rng.random()
            if kind is MeetingKind.CONFERENCE or extra < 0.25:
                partner = boards.get(primary.county_code) if rng.random() < 0.6 else None
                chosen.append(partner or migrationsverket)
            if kind is MeetingKind.CONFERENCE and extra < 0.5:
                chosen.append(rng.choices(orgs, cum_weights=org_cum)[0])
            chosen = list({o.id: o for o in chosen}.values())[:3]
            people: list[int] = []
            for org in chosen:
                pool = ctx.contacts_by_org.get(org.id, [])
                if pool:
                    wanted = rng.randint(
                        1 if org is primary else 0, 4 if kind is MeetingKind.CONFERENCE else 2
                    )
                    people += rng.sample(pool, min(wanted, len(pool)))
            responsible = rng.choices(coordinators, cum_weights=responsible_cum)[0]
            team = {responsible, *rng.sample(coordinators, rng.choice((0, 0, 1, 1, 2)))}
            meeting_topics_ = rng.sample(topics, rng.choice((1, 1, 2, 2, 3)))
            meeting_groups = rng.sample(groups, rng.choice((0, 0, 1, 1, 2)))
            row, status = meeting_row(
                ctx, rng, uid_rng, day, kind, primary, chosen, meeting_topics_[0].name
            )
            row["responsible_id"] = responsible
            rows.append(row)
            links.append((chosen, people, sorted(team), meeting_topics_, meeting_groups))
            held.append(
                Held(0, day, status, primary, tuple(people), responsible, meeting_topics_[0].name)
            )
        ids = insert_returning_ids(Meeting.__table__, rows)
        first = len(held) - len(ids)
        for n, meeting_id in enumerate(ids):
            held[first + n] = replace(held[first + n], id=meeting_id)
        insert_links(rng, ids, links)
    return len(held), held


def meeting_row(
    ctx: Context,
    rng: random.Random,
    uid_rng: random.Random,
    day: date,
    kind: MeetingKind,
    primary: Org,
    chosen: list[Org],
    topic: str,
) -> tuple[dict[str, Any], MeetingStatus]:
    """One meeting's column values, and its status."""
    pattern = rng.choice(words.MEETING_TITLES[kind.value])
    title = pattern.format(org=primary.label, topic=topic[0].lower() + topic[1:])
    all_day = kind is MeetingKind.CONFERENCE and rng.random() < 0.3
    if all_day:
        starts_at, ends_at = day_start(day), day_start(day + timedelta(days=1))
    else:
        shortest, longest = DURATIONS[kind]
        starts_at = local_moment(day, rng.randint(8, 15), rng.choice((0, 15, 30, 45)))
        ends_at = starts_at + timedelta(minutes=rng.randrange(shortest, longest + 1, 15))
    place = online_link = ""
    if kind in (MeetingKind.IN_PERSON, MeetingKind.STUDY_VISIT):
        place = primary.display_name
    elif kind is MeetingKind.CONFERENCE:
        place = rng.choice(words.OFFICE_PLACES)
    elif kind is MeetingKind.DIGITAL:
        online_link = f"https://mote.example.se/{uid_rng.getrandbits(48):012x}"
    if day < ctx.today:
        status = MeetingStatus.CANCELLED if rng.random() < 0.1 else MeetingStatus.HELD
    else:
        status = MeetingStatus.CANCELLED if rng.random() < 0.06 else MeetingStatus.PLANNED
    created_day = clamp(day - timedelta(days=rng.randint(1, 40)), FIRST_DAY, ctx.today)
    created_at = ctx.created_at(created_day)
    sequence, cancelled_at, updated_at = (1 if rng.random() < 0.1 else 0), None, created_at
    if status is MeetingStatus.CANCELLED:
        sequence += 1
        cancel_day = clamp(day - timedelta(days=rng.randint(0, 7)), created_day, ctx.today)
        cancelled_at = updated_at = ctx.created_at(cancel_day) + timedelta(hours=2)
    held = status is MeetingStatus.HELD
    row = {
        "title": title[:200],
        "kind": kind,
        "status": status,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "all_day": all_day,
        "place": place[:300],
        "online_link": online_link,
        "agenda": rng.choice(words.AGENDAS) if rng.random() < 0.5 else "",
        "notes": "Anteckningar förda av ansvarig handläggare." if held else "",
        "outcome": rng.choice(words.OUTCOMES) if held and rng.random() < 0.8 else "",
        "responsible_id": 0,  # set by the caller
        "search_text": fold(
            " ".join(p for p in [title, place, *(o.display_name for o in chosen)] if p)
        )[:600],
        "uid": f"{seeded_uuid(uid_rng)}@samverkan",
        "sequence": sequence,
        "cancelled_at": cancelled_at,
        "created_at": created_at,
        "updated_at": updated_at,
    }
    return row, status


def insert_links(
    rng: random.Random,
    ids: list[int],
    links: list[tuple[list[Org], list[int], list[int], list[Topic], list[TargetGroup]]],
) -> None:
    """Insert the association rows of one chunk of meetings."""
    organisations, contacts, team, topics, groups, perspectives = [], [], [], [], [], []
    for meeting_id, (chosen, people, members, topic_list, group_list) in zip(
        ids, links, strict=True
    ):
        organisations += [{"meeting_id": meeting_id, "organisation_id": o.id} for o in chosen]
        contacts += [{"meeting_id": meeting_id, "contact_id": c} for c in dict.fromkeys(people)]
        team += [{"meeting_id": meeting_id, "user_id": u} for u in members]
        topics += [{"meeting_id": meeting_id, "topic_id": t.id} for t in topic_list]
        groups += [{"meeting_id": meeting_id, "target_group_id": g.id} for g in group_list]
        for perspective, chance in PERSPECTIVE_CHANCE.items():
            if rng.random() < chance:
                note = rng.choice(words.PERSPECTIVE_NOTES[perspective.value])
                perspectives.append(
                    {"meeting_id": meeting_id, "perspective": perspective, "note": note}
                )
    insert_rows(meeting_organisations, organisations)
    insert_rows(meeting_contacts, contacts)
    insert_rows(meeting_team, team)
    insert_rows(meeting_topics, topics)
    insert_rows(meeting_target_groups, groups)
    insert_rows(MeetingPerspective.__table__, perspectives)


def generate_follow_ups(ctx: Context, meetings: list[Held]) -> int:
    """Insert follow-ups: most arise from held meetings, some from planned ones, the rest
    stand alone with an organisation and often a contact. Past due: mostly done, some
    overdue (still open), a few cancelled."""
    rng = part_rng(ctx.seed, "follow-ups")
    held = [m for m in meetings if m.status is MeetingStatus.HELD]
    planned = [m for m in meetings if m.status is MeetingStatus.PLANNED]
    orgs = ctx.orgs
    org_cum = cumulative(org_weights(orgs, reached_only=True))
    coordinators = ctx.team.coordinators
    total = ctx.count(8000)
    rows: list[dict[str, Any]] = []
    count = 0
    for _ in range(total):
        source = rng.random()
        meeting: Held | None = None
        if source < 0.65 and held:
            meeting = rng.choice(held)
        elif source < 0.75 and planned:
            meeting = rng.choice(planned)
        if meeting is not None:
            org, topic = meeting.org, meeting.topic
            contact = (
                rng.choice(meeting.contacts) if meeting.contacts and rng.random() < 0.6 else None
            )
            created = clamp(meeting.day, FIRST_DAY, ctx.today)
            due = meeting.day + timedelta(days=rng.randint(3, 45))
            owner = meeting.responsible if rng.random() < 0.7 else rng.choice(coordinators)
        else:
            org = rng.choices(orgs, cum_weights=org_cum)[0]
            topic = rng.choice(words.TOPICS)
            pool = ctx.contacts_by_org.get(org.id)
            contact = rng.choice(pool) if pool and rng.random() < 0.5 else None
            due = random_day(rng, FIRST_DAY + timedelta(days=14), LAST_DAY)
            created = clamp(due - timedelta(days=rng.randint(7, 60)), FIRST_DAY, ctx.today)
            owner = rng.choice(coordinators)
        status, completed = FollowUpStatus.OPEN, None
        luck = rng.random()
        if due < ctx.today:
            if luck < 0.8:
                status = FollowUpStatus.DONE
            elif luck < 0.88:
                status = FollowUpStatus.CANCELLED
        elif luck < 0.12 and created < ctx.today:
            status = FollowUpStatus.DONE
        if status is FollowUpStatus.DONE:
            latest = min(due + timedelta(days=10), ctx.today - timedelta(days=1))
            completed = random_day(rng, created, max(created, latest))
        title = rng.choice(words.FOLLOW_UP_TITLES).format(
            org=org.label, topic=topic[0].lower() + topic[1:]
        )
        rows.append(
            {
                "title": title[:200],
                "description": "",
                "owner_id": owner,
                "due_on": due,
                "status": status,
                "meeting_id": meeting.id if meeting else None,
                "organisation_id": org.id,
                "contact_id": contact,
                "completed_on": completed,
                "completion_note": "Klart." if completed else "",
                "created_by_id": owner,
                "created_at": ctx.created_at(created),
                "updated_at": ctx.created_at(completed or created),
            }
        )
        if len(rows) == CHUNK:
            insert_rows(FollowUp.__table__, rows)
            count, rows = count + len(rows), []
    insert_rows(FollowUp.__table__, rows)
    return count + len(rows)
