"""The organisation page's sections stay a page long however much history the organisation
has: a page of current and former contacts with links to all, a page of meetings that knows
whether another follows without counting them all, the last held meeting and the open
follow-ups from the maintained figures, the same as counted from the meetings."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from app.auth.models import User
from app.contacts.models import Affiliation
from app.contacts.services import ContactValues, create_contact
from app.extensions import db
from app.followups.services import FollowUpValues, create_follow_up
from app.meetings.models import MeetingKind, MeetingStatus
from app.meetings.services import MeetingValues, schedule_meeting
from app.organisations.models import Organisation, OrganisationKind
from app.organisations.services import create_organisation


@pytest.fixture
def kramfors(app, seeded, users):
    """Kramfors kommun with 27 current and 12 former contacts, 12 meetings (the newest
    held one through a unit) and an open follow-up through that meeting."""
    with app.app_context():
        kramfors = db.session.scalar(select(Organisation).filter_by(municipality_code="2282"))
        unit = create_organisation(
            values={"name": "Socialtjänsten", "kind": OrganisationKind.KOMMUN,
                    "parent_id": kramfors.id},
            by=None,
        )  # fmt: skip
        user = db.session.scalar(select(User).filter_by(email=users["coordinator"]))
        for number in range(39):
            contact = create_contact(
                values=ContactValues(first_name=f"Person{number:02d}", last_name="Ek"),
                organisation=kramfors,
                title="Handläggare",
                started_on=date(2020, 1, 1),
                by=None,
            )
            if number >= 27:
                role = db.session.scalar(select(Affiliation).filter_by(contact_id=contact.id))
                role.ended_on = date(2021, 1, number - 26)
        start = datetime(2026, 1, 5, 9, tzinfo=UTC)
        meetings = []
        for number in range(12):
            meetings.append(
                schedule_meeting(
                    values=MeetingValues(
                        title=f"Möte {number:02d}",
                        kind=MeetingKind.DIGITAL,
                        status=MeetingStatus.HELD,
                        starts_at=start + timedelta(days=number),
                        ends_at=start + timedelta(days=number, hours=1),
                        all_day=False,
                        responsible_id=user.id,
                        organisation_ids=[unit.id if number == 11 else kramfors.id],
                    ),
                    by=user,
                )
            )
        create_follow_up(
            values=FollowUpValues(
                title="Skicka protokollet",
                owner_id=user.id,
                due_on=date(2026, 2, 1),
                meeting_id=meetings[-1].id,
            ),
            by=user,
            today=date(2026, 1, 20),
        )
        db.session.commit()
        return {"id": kramfors.id, "unit": unit.id}


def test_contacts_are_a_page_of_each_kind_with_links_to_all(kramfors, as_role):
    client = as_role("coordinator")
    page = client.get(f"/organisationer/{kramfors['id']}").text
    section = page[page.index('id="contacts-heading"') :]
    section = section[: section.index("</section>")]
    assert len(re.findall(r"Person\d\d Ek", section)) == 25 + 12
    link = re.search(r'href="([^"]+)">Visa alla 27 nuvarande kontakter', section)
    assert link, section
    everyone = client.get(link.group(1).replace("&amp;", "&")).text
    assert "27 träffar" in everyone
    assert "Tidigare kontakter" in section and "Visar de" not in section  # all 12 shown
    assert section.index("Person38 Ek") < section.index("Person27 Ek")  # latest ended first


def test_meetings_page_without_counting_and_last_held_from_the_figures(kramfors, as_role):
    client = as_role("coordinator")
    first = client.get(f"/organisationer/{kramfors['id']}").text
    assert "Senaste genomförda möte: 2026-01-16" in first  # held through the unit
    assert "Möte 11" in first and "Möte 02" in first and "Möte 01" not in first
    assert "Äldre" in first and "Nyare" not in first
    second = client.get(f"/organisationer/{kramfors['id']}?moten=2").text
    assert "Möte 01" in second and "Möte 00" in second and "Möte 02" not in second
    assert "Nyare" in second and "Äldre" not in second
    unit_page = client.get(f"/organisationer/{kramfors['unit']}").text
    assert "Senaste genomförda möte: 2026-01-16" in unit_page  # counted for the unit
    assert client.get(f"/organisationer/{kramfors['id']}?moten=99999999999").status_code == 200


def test_open_follow_ups_through_a_units_meeting_show_on_both_pages(kramfors, as_role):
    client = as_role("coordinator")
    for organisation in (kramfors["id"], kramfors["unit"]):
        assert "Skicka protokollet" in client.get(f"/organisationer/{organisation}").text
