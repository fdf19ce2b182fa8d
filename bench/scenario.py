"""What the benchmark asks of each database: the pages (with deterministically chosen ids),
the heavy operations, a calendar-feed user and a 10,000-row import file.

Everything is read from (and the feed user written to) this run's copy of the database
through an in-process app, before gunicorn serves it. Choices are made by rule, so both
scales measure the same kind of page: the busiest contact and meeting, Malmö (kommunkod
1280), last month, the head of secretariat's own lists.
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass, field
from datetime import timedelta

from flask import Flask
from sqlalchemy import desc, func, insert, select

#: The user whose pages are measured: the demo's head of secretariat (most meetings).
LOGIN_NAME = "Karin Lindqvist"
#: Events wanted in the measured calendar feed.
FEED_EVENTS = 5000
FEED_USER_EMAIL = "kalender.bench@samordnare.example.se"
#: Rows in the import file, and how many of them are contacts already in the registry.
IMPORT_ROWS = 10_000
IMPORT_EXISTING = 2_000
#: Municipality whose page is measured (kommunkod).
MUNICIPALITY_CODE = "1280"  # Malmö
SEARCH_QUERY = "malmö"
#: Members of the team in the team workload (bench/team.py), and detail pages of each kind
#: they choose from.
TEAM_SIZE = 5
DETAIL_PAGES = 25
HEADER = ["Förnamn", "Efternamn", "E-post", "Telefon", "Organisation", "Kommunkod", "Titel",
          "Taggar"]  # fmt: skip


@dataclass
class Scenario:
    """The URLs and inputs of one run on one database."""

    login_email: str
    pages: dict[str, str]
    summary_xlsx: str
    final_report: str
    final_xlsx: str
    meeting_csv: str
    feed: str
    team_feed: str
    feed_meetings: int
    duplicates: str
    import_csv: bytes
    import_rows: int
    chosen: dict[str, object] = field(default_factory=dict)
    #: The team: the first TEAM_SIZE coordinators of the demo team.
    team_emails: list[str] = field(default_factory=list)
    #: Detail pages the team opens (organisations and contacts, spread over the registry).
    detail_pages: list[str] = field(default_factory=list)


def make_app(url: str) -> Flask:
    """The app, in this process, on `url` (for choosing ids and counting statements)."""
    from app import create_app

    return create_app({"DATABASE_URL": url, "SQLALCHEMY_DATABASE_URI": url})


def prepare(app: Flask) -> Scenario:
    """Choose the pages and inputs, and create the feed user (committed)."""
    from app.auth.models import Role
    from app.common.time import local_today
    from app.demo.registry import TEAM, team_email
    from app.extensions import db

    with app.app_context():
        today = local_today()
        last_month = (today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
        municipality = _municipality_id()
        contact = _busiest_contact()
        meeting = _busiest_meeting()
        material = _most_delivered_material()
        feed_token, feed_meetings = _feed_user()
        import_csv = _import_file()
        details = _detail_pages()
        db.session.commit()
    pages = {
        "start page": "/",
        "organisation list": "/organisationer",
        "municipality page": f"/organisationer/{municipality}",
        "contact list": "/kontakter",
        "contact page": f"/kontakter/{contact}",
        "meeting list": "/moten",
        "meeting page": f"/moten/{meeting}",
        "follow-ups": "/uppfoljningar",
        "search": f"/sok?q={SEARCH_QUERY.replace('ö', '%C3%B6')}",
        "lägesbild": "/rapporter/lagesbild",
        # The Teman part over the whole assignment (default: the last twelve months).
        "lägesbild, all themes": "/rapporter/lagesbild?teman_fran=2025-06&teman_till=2027-06",
        "theme page": "/teman/1",  # the demo's most named theme (app/demo/themes.py)
        "monthly summary": f"/rapporter/sammanstallning?manad={last_month}",
        "questionnaire results": "/enkater/1/resultat",  # the demo's (app/demo/questionnaires.py)
        # The demo's indicator and plan (app/demo/prioritising.py): the ten largest with no
        # meeting held, and the plan's progress against the maintained figures.
        "prioritisation": "/indikatorer/prioritering?utan_mote=1&topp=10",
        "contact plan": "/kontaktplaner/1",
        # The coverage of the demo's most delivered material: map, county roll-up and the
        # municipalities that have not received it (app/reports/coverage.py).
        "information coverage": f"/rapporter/tackning/{material}",
        "account (digest setting)": "/konto",
        "policy milestones": "/policyhandelser",
    }
    return Scenario(
        login_email=team_email(LOGIN_NAME),
        pages=pages,
        summary_xlsx=f"/rapporter/sammanstallning.xlsx?manad={last_month}",
        final_report="/rapporter/slutredovisning",
        final_xlsx="/rapporter/slutredovisning.xlsx",
        meeting_csv="/moten/export.csv?status=genomfort",
        feed=f"/kalender/{feed_token}.ics",
        team_feed=f"/kalender/{feed_token}/team.ics",
        feed_meetings=feed_meetings,
        duplicates="/kontakter/dubbletter",
        import_csv=import_csv,
        import_rows=IMPORT_ROWS,
        team_emails=[team_email(n) for n, role in TEAM if role is Role.COORDINATOR][:TEAM_SIZE],
        detail_pages=details,
        chosen={
            "municipality_id": municipality,
            "contact_id": contact,
            "meeting_id": meeting,
            "month": last_month,
            "today": today.isoformat(),
        },
    )


def _municipality_id() -> int:
    from app.extensions import db
    from app.organisations.models import Organisation

    return db.session.scalars(
        select(Organisation.id).where(Organisation.municipality_code == MUNICIPALITY_CODE)
    ).one()


def _detail_pages() -> list[str]:
    """DETAIL_PAGES municipalities and as many contacts, evenly spread over the ids."""
    from app.contacts.models import Contact
    from app.extensions import db
    from app.organisations.models import Organisation, OrganisationKind

    municipalities = db.session.scalars(
        select(Organisation.id)
        .where(Organisation.kind == OrganisationKind.KOMMUN)
        .order_by(Organisation.id)
    ).all()
    contacts = db.session.scalars(select(Contact.id).order_by(Contact.id)).all()

    def spread(ids: list[int]) -> list[int]:
        step = max(1, len(ids) // DETAIL_PAGES)
        return list(ids[::step][:DETAIL_PAGES])

    return [f"/organisationer/{i}" for i in spread(list(municipalities))] + [
        f"/kontakter/{i}" for i in spread(list(contacts))
    ]


def _busiest_contact() -> int:
    """The contact in the most meetings (the lowest id among equals)."""
    from app.extensions import db
    from app.meetings.models import meeting_contacts

    column = meeting_contacts.c.contact_id
    return db.session.scalars(
        select(column).group_by(column).order_by(desc(func.count()), column).limit(1)
    ).one()


def _busiest_meeting() -> int:
    """The meeting with the most contacts taking part (the lowest id among equals)."""
    from app.extensions import db
    from app.meetings.models import meeting_contacts

    column = meeting_contacts.c.meeting_id
    return db.session.scalars(
        select(column).group_by(column).order_by(desc(func.count()), column).limit(1)
    ).one()


def _most_delivered_material() -> int:
    """The material delivered to the most organisations (the lowest id among equals)."""
    from app.extensions import db
    from app.library.models import Delivery

    column = Delivery.material_id
    return db.session.scalars(
        select(column).group_by(column).order_by(desc(func.count()), column).limit(1)
    ).one()


def _feed_user() -> tuple[str, int]:
    """A coordinator on the team of up to FEED_EVENTS meetings in the feed's window (the
    first ones, not cancelled), with a fresh feed token; return (token, meetings)."""
    from app.auth.models import Role
    from app.auth.services import create_user
    from app.calendar.services import FEED_HISTORY, issue_feed_token
    from app.common.time import utcnow
    from app.extensions import db
    from app.meetings.models import Meeting, MeetingStatus, meeting_team

    from .databases import PASSWORD

    user = create_user(
        email=FEED_USER_EMAIL, name="Kalender Bench", role=Role.COORDINATOR,
        password=PASSWORD, by=None,
    )  # fmt: skip
    meeting_ids = db.session.scalars(
        select(Meeting.id)
        .where(
            Meeting.ends_at >= utcnow() - FEED_HISTORY,
            Meeting.status != MeetingStatus.CANCELLED,
        )
        .order_by(Meeting.starts_at, Meeting.id)
        .limit(FEED_EVENTS)
    ).all()
    if meeting_ids:
        db.session.execute(
            insert(meeting_team), [{"meeting_id": m, "user_id": user.id} for m in meeting_ids]
        )
    return issue_feed_token(user), len(meeting_ids)


def _import_file() -> bytes:
    """A 10,000-row CSV as an export from another register would look: 8,000 new people at
    municipalities (by name and kommunkod), 2,000 contacts already in the registry (matched
    by e-mail, bringing a new tag). Deterministic."""
    from app.contacts.models import Contact, ContactEmail
    from app.demo import vocabulary as words
    from app.demo.core import slug
    from app.extensions import db
    from app.organisations.models import Organisation, OrganisationKind

    rng = random.Random("samverkan-bench-import")
    municipalities = db.session.execute(
        select(Organisation.name, Organisation.municipality_code)
        .where(
            Organisation.kind == OrganisationKind.KOMMUN,
            Organisation.municipality_code.is_not(None),
        )
        .order_by(Organisation.municipality_code)
    ).all()
    total = db.session.scalar(select(func.count()).select_from(Contact)) or 1
    step = max(1, total // IMPORT_EXISTING)
    existing = db.session.execute(
        select(Contact.first_name, Contact.last_name, ContactEmail.address)
        .join(ContactEmail, ContactEmail.contact_id == Contact.id)
        .where(ContactEmail.position == 0, Contact.id % step == 0)
        .order_by(Contact.id)
        .limit(IMPORT_EXISTING)
    ).all()
    rows = [[first, last, address, "", "", "", "", "Import bench"] for first, last, address in
            existing]  # fmt: skip
    titles = ("Socialsekreterare", "Enhetschef", "Integrationssamordnare", "Handläggare")
    for n in range(IMPORT_ROWS - len(rows)):
        first, last = rng.choice(words.FIRST_NAMES), rng.choice(words.LAST_NAMES)
        name, code = rng.choice(municipalities)
        email = f"{slug(first)}.{slug(last)}.{n}@import.example.se"
        phone = f"+467017406{rng.randint(5, 99):02d}"
        rows.append([first, last, email, phone, name, code, rng.choice(titles), "Import bench"])
    rng.shuffle(rows)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(HEADER)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")
