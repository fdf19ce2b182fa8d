"""`python -m bench.pages`: every main page's render time in-process, on the database
DATABASE_URL names (a demo database built by `make bench`, e.g. a copy of
instance/bench/scale-100.sqlite), signed in as the demo's head of secretariat with the bench
password. No server, no cache: Flask's test client, 10 requests per page after a warm-up.

    DATABASE_URL=sqlite:////tmp/scale-100.sqlite SECRET_KEY=x python -m bench.pages
"""

from __future__ import annotations

import time

from sqlalchemy import func, select

from app import create_app
from app.demo.registry import TEAM, team_email
from app.extensions import db
from app.meetings.models import meeting_contacts
from app.organisations.models import Organisation

from .databases import PASSWORD

REQUESTS = 10


def main() -> None:
    app = create_app({"WTF_CSRF_ENABLED": False})
    with app.app_context():
        malmo = db.session.scalar(select(Organisation.id).filter_by(municipality_code="1280"))
        busiest = (
            select(meeting_contacts.c.contact_id, meeting_contacts.c.meeting_id)
            .group_by(meeting_contacts.c.contact_id)
            .order_by(func.count().desc())
            .limit(1)
        )
        contact, meeting = db.session.execute(busiest).one()
    client = app.test_client()
    client.post("/logga-in", data={"email": team_email(TEAM[0][0]), "password": PASSWORD})
    pages = {
        "start page": "/",
        "organisations": "/organisationer",
        "municipality (Malmö)": f"/organisationer/{malmo}",
        "contacts": "/kontakter",
        "contact": f"/kontakter/{contact}",
        "meetings": "/moten",
        "meeting": f"/moten/{meeting}",
        "follow-ups": "/uppfoljningar",
        "search": "/sok?q=malmö",
        "lägesbild": "/rapporter/lagesbild",
        "monthly summary": "/rapporter/sammanstallning",
        "whole-period report": "/rapporter/slutredovisning",
        "silence list": "/rapporter/tystnad",
        "questionnaire results": "/enkater/1/resultat",  # the demo's questionnaire
    }
    for name, path in pages.items():
        assert client.get(path).status_code == 200, path
        started = time.perf_counter()
        for _ in range(REQUESTS):
            client.get(path)
        print(f"{name:24s} {(time.perf_counter() - started) / REQUESTS * 1000:8.1f} ms")


if __name__ == "__main__":
    main()
