"""SQL statements per page: every list and detail page runs a fixed number of statements, the
same with a little demo data as with five times as much, and no more than 12.

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
from app.meetings.models import Meeting, meeting_contacts
from app.organisations.models import Organisation

from .conftest import login, truncate_all
from .factories import DEFAULT_PASSWORD

SCALES = (0.05, 0.25)
LIMIT = 12


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
        "contacts, page 2": "/kontakter?sida=2",
        "contact": f"/kontakter/{contact}",
        "meetings": "/moten",
        "meetings, search": "/moten?q=malmö",
        "meeting": f"/moten/{busiest_meeting()}",
        "follow-ups": "/uppfoljningar",
        "follow-ups, all": "/uppfoljningar?visa=alla",
        "follow-up": f"/uppfoljningar/{follow_up}",
        "search": "/sok?q=an",
        "lägesbild": "/rapporter/lagesbild",
        "monthly summary": "/rapporter/sammanstallning",
        "silence list": "/rapporter/tystnad",
        "duplicates": "/kontakter/dubbletter",
        "trash": "/papperskorg",
        "participant search": f"/moten/deltagare?q=an&organisation={malmo}",
    }


def measure(app: Flask, count_statements: Callable[[], Any], scale: float) -> dict[str, int]:
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
    return counts


def test_every_list_and_detail_page_runs_a_fixed_number_of_statements(
    app, count_statements, postgres_schema
):
    small = measure(app, count_statements, SCALES[0])
    with app.app_context():
        if postgres_schema is not None:
            truncate_all()
        else:  # a fresh file; SQLite's immediate foreign keys make emptying it awkward
            db.session.remove()
            db.engine.dispose()
            Path(make_url(db.engine.url).database).unlink()
            db.create_all()
    large = measure(app, count_statements, SCALES[1])
    problems = [
        f"{name}: {small[name]} statements at scale {SCALES[0]}, {large[name]} at {SCALES[1]}"
        for name in small
        if small[name] != large[name] or large[name] > LIMIT
    ]
    assert problems == [], "\n".join(problems)
