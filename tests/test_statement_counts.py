"""SQL statements per page: every list and detail page runs a fixed number of statements, the
same with a little demo data as with five times as much, the same on the first request right
after a write (a meeting logged) as in steady state, and no more than LIMIT.

`make bench` measures these pages' time at scale 1 and 100; this test keeps the usual cause
of slowness at scale, a statement per row, out of the code without timing anything.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import func, make_url, select

from app.contacts.models import Contact
from app.contacts.services import ContactValues, create_contact
from app.demo import generate
from app.demo.registry import TEAM, team_email
from app.extensions import db
from app.followups.models import FollowUp, FollowUpStatus
from app.library.models import Material
from app.meetings.models import Meeting, meeting_contacts
from app.organisations.models import Organisation

from .conftest import login, truncate_all
from .factories import DEFAULT_PASSWORD

SCALES = (0.05, 0.25)
#: The most statements a page may run.
LIMIT = 15


def busiest_contact() -> int:
    return db.session.scalar(
        select(meeting_contacts.c.contact_id)
        .group_by(meeting_contacts.c.contact_id)
        .order_by(func.count().desc(), meeting_contacts.c.contact_id)
        .limit(1)
    )


def busiest_meeting() -> int:
    return db.session.scalar(
        select(meeting_contacts.c.meeting_id)
        .group_by(meeting_contacts.c.meeting_id)
        .order_by(func.count().desc(), meeting_contacts.c.meeting_id)
        .limit(1)
    )


def pages() -> dict[str, str]:
    """The pages to count, with ids picked the same way at every scale."""
    malmo = db.session.scalar(select(Organisation.id).filter_by(municipality_code="1280"))
    unit = db.session.scalar(
        select(Organisation.id).where(Organisation.parent_id == malmo).limit(1)
    )
    follow_up = db.session.scalar(
        select(func.min(FollowUp.id)).where(FollowUp.status == FollowUpStatus.OPEN)
    )
    contact = busiest_contact()
    return {
        "start page": "/",
        "start page, team": "/?moten=teamet",
        "organisations": "/organisationer",
        "organisations, municipalities": "/organisationer?typ=kommun",
        "organisations, search": "/organisationer?q=malm",
        "municipality": f"/organisationer/{malmo}",
        "unit": f"/organisationer/{unit}",
        "contacts": "/kontakter",
        "contacts, search": "/kontakter?q=an",
        "contacts, a 5-letter name": "/kontakter?q=lindb",
        "contacts, page 2": "/kontakter?sida=2",
        "contact": f"/kontakter/{contact}",
        "meetings": "/moten",
        "meetings, search": "/moten?q=malmö",
        "meeting": f"/moten/{busiest_meeting()}",
        "follow-ups": "/uppfoljningar",
        "follow-ups, all": "/uppfoljningar?visa=alla",
        "follow-up": f"/uppfoljningar/{follow_up}",
        "search": "/sok?q=an",
        "search, one letter": "/sok?q=e",
        "search, a word": "/sok?q=dubblett",
        "lägesbild": "/rapporter/lagesbild",
        "monthly summary": "/rapporter/sammanstallning",
        "silence list": "/rapporter/tystnad",
        "duplicates": "/kontakter/dubbletter",
        "trash": "/papperskorg",
        "participant search": f"/moten/deltagare?q=an&organisation={malmo}",
        "library": "/material",
        "library, search": "/material?q=vagledning&typ=vagledning",
        "material": f"/material/{db.session.scalar(select(func.min(Material.id)))}",
        "questionnaire results": "/enkater/1/resultat",  # the demo's (app/demo/questionnaires.py)
        "questionnaires": "/enkater",
        "questionnaire": "/enkater/1",
        # The demo's indicator and plan (app/demo/prioritising.py).
        "prioritisation": "/indikatorer/prioritering?utan_mote=1&topp=10",
        "indicators": "/indikatorer",
        "contact plans": "/kontaktplaner",
        "contact plan": "/kontaktplaner/1",
        "policy milestones": "/policyhandelser",
    }


def log_held_meeting() -> int:
    """A write as the team makes them all day: a meeting with Malmö, logged as held."""
    from datetime import timedelta

    from app.auth.models import User
    from app.common.time import utcnow
    from app.meetings.models import MeetingKind, MeetingStatus
    from app.meetings.services import MeetingValues, schedule_meeting

    user = db.session.scalar(select(User).filter_by(email=team_email(TEAM[0][0])))
    malmo = db.session.scalar(select(Organisation.id).filter_by(municipality_code="1280"))
    start = utcnow().replace(microsecond=0) - timedelta(hours=2)
    meeting = schedule_meeting(
        values=MeetingValues(
            title="Avstämning",
            kind=MeetingKind.PHONE,
            status=MeetingStatus.HELD,
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            all_day=False,
            responsible_id=user.id,
            organisation_ids=[malmo],
        ),
        by=user,
    )
    db.session.commit()
    return meeting.id


def follow_up_from_a_meeting_with_malmo() -> None:
    """At every scale the first team member has an overdue follow-up and one due soon from a
    meeting with Malmö, so the start page, the follow-up list and Malmö's page show rows whose
    meeting's
    organisations are loaded (one statement for all rows: it must be there at both scales
    for the counts to compare)."""
    from datetime import timedelta

    from app.auth.models import User
    from app.common.time import local_today
    from app.followups.services import FollowUpValues, create_follow_up

    user = db.session.scalar(select(User).filter_by(email=team_email(TEAM[0][0])))
    meeting = log_held_meeting()  # the smallest demo has no meeting with Malmö
    follow_up = create_follow_up(
        values=FollowUpValues(
            title="Skicka underlag", owner_id=user.id, due_on=local_today(), meeting_id=meeting
        ),
        by=user,
        today=local_today(),
    )
    follow_up.due_on = local_today() - timedelta(days=400)  # overdue: first on the lists
    create_follow_up(  # and one due soon, for the start page's second list
        values=FollowUpValues(
            title="Boka nästa möte",
            owner_id=user.id,
            due_on=local_today() + timedelta(days=1),
            meeting_id=meeting,
        ),
        by=user,
        today=local_today(),
    )


def material_sent_to_municipalities(scale: float) -> None:
    """A guidance in two versions, sent by hand to more municipalities the larger the scale,
    so the library pages and the municipalities' pages show deliveries at every scale."""
    from datetime import date

    from app.library.models import Channel, MaterialKind
    from app.library.services import (
        MaterialValues,
        add_version,
        create_material,
        record_deliveries,
    )
    from app.organisations.models import OrganisationKind

    material = create_material(
        values=MaterialValues(
            kind=MaterialKind.GUIDANCE, title="Vägledning om återvandring", topics=["stöd"]
        ),
        by=None,
    )
    municipalities = list(
        db.session.scalars(
            select(Organisation.id)
            .where(Organisation.kind == OrganisationKind.KOMMUN, Organisation.parent_id.is_(None))
            .order_by(Organisation.municipality_code != "1280", Organisation.id)
            .limit(max(2, int(scale * 400)))
        )
    )
    for number in (1, 2):
        version = add_version(material, link=f"https://example.se/v{number}", by=None)
        record_deliveries(
            version,
            channel=Channel.BY_HAND,
            delivered_on=date(2026, 11, number),
            organisation_ids=municipalities,
            by=None,
        )


def measure(
    app: Flask, count_statements: Callable[[], Any], scale: float
) -> tuple[dict[str, int], dict[str, int]]:
    """Statements per page in steady state, and on the first request right after a write."""
    with app.app_context():
        generate(scale=scale, seed=11, password=DEFAULT_PASSWORD)
        for first_name in ("Dubbel", "Dubbla"):  # a duplicate pair at every scale
            create_contact(
                values=ContactValues(
                    first_name=first_name, last_name="Dubblett", emails=["dubblett@example.se"]
                ),
                organisation=db.session.scalar(
                    select(Organisation).filter_by(municipality_code="1280")
                ),
                by=None,
            )
        follow_up_from_a_meeting_with_malmo()
        material_sent_to_municipalities(scale)
        db.session.commit()
        paths = pages()
        assert db.session.scalar(select(func.count()).select_from(Contact)) > 0
        assert db.session.scalar(select(func.count()).select_from(Meeting)) > 0
    client = app.test_client()
    assert login(client, team_email(TEAM[0][0])).status_code == 302
    client.get("/")  # warm-up: the user and the session are loaded the same way each time
    counts = {}
    for name, path in paths.items():
        with count_statements() as counter:
            response = client.get(path)
        assert response.status_code == 200, (name, path, response.status_code)
        counts[name] = counter.count
    after_write = {}
    for name, path in paths.items():
        with app.app_context():
            log_held_meeting()
        with count_statements() as counter:
            response = client.get(path)
        assert response.status_code == 200, (name, path, response.status_code)
        after_write[name] = counter.count
    return counts, after_write


def test_every_list_and_detail_page_runs_a_fixed_number_of_statements(
    app, count_statements, postgres_schema
):
    small, small_after = measure(app, count_statements, SCALES[0])
    with app.app_context():
        if postgres_schema is not None:
            truncate_all()
        else:  # a fresh file; SQLite's immediate foreign keys make emptying it awkward
            db.session.remove()
            db.engine.dispose()
            Path(make_url(db.engine.url).database).unlink()
            db.create_all()
    large, large_after = measure(app, count_statements, SCALES[1])
    problems = [
        f"{name}: {small[name]} statements at scale {SCALES[0]}, {large[name]} at {SCALES[1]}; "
        f"right after a write {small_after[name]} and {large_after[name]}"
        for name in small
        if len({small[name], large[name], small_after[name], large_after[name]}) > 1
        or large[name] > LIMIT
    ]
    assert problems == [], "\n".join(problems)
