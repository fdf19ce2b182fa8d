"""Follow-ups: overdue in Stockholm dates, the lists, completing, reassigning, bad input,
the after-meeting form, the sections on other pages, readers and statement counts."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from app.auth.models import User
from app.common.time import local_today
from app.contacts.services import ContactValues, create_contact
from app.extensions import db
from app.followups import services
from app.followups.models import FollowUp, FollowUpStatus
from app.meetings.models import Meeting, MeetingKind, MeetingStatus
from app.meetings.services import MeetingValues, schedule_meeting
from app.organisations.models import Organisation


def test_overdue_turns_at_stockholm_midnight():
    item = FollowUp(title="x", owner_id=1, due_on=date(2026, 11, 23), status=FollowUpStatus.OPEN)
    assert not item.is_overdue(date(2026, 11, 23))  # due today: not yet
    assert item.is_overdue(date(2026, 11, 24))
    # 23:30 UTC on the 23rd is already the 24th in Stockholm (UTC+1 in winter).
    from app.common.time import to_local

    assert to_local(datetime(2026, 11, 23, 23, 30, tzinfo=UTC)).date() == date(2026, 11, 24)
    item.status = FollowUpStatus.DONE
    assert not item.is_overdue(date(2027, 1, 1))


def test_local_today_uses_stockholm(monkeypatch):
    import app.common.time as timing

    monkeypatch.setattr(timing, "utcnow", lambda: datetime(2026, 6, 30, 22, 30, tzinfo=UTC))
    assert timing.local_today() == date(2026, 7, 1)


@pytest.fixture
def world(seeded, users, app):
    with app.app_context():
        malmo = db.session.scalar(select(Organisation).filter_by(municipality_code="1280"))
        anna = create_contact(
            values=ContactValues(first_name="Anna", last_name="Ek"), organisation=malmo, by=None
        )
        me = db.session.scalar(select(User).filter_by(email=users["coordinator"]))
        other = db.session.scalar(select(User).filter_by(email=users["admin"]))
        meeting = schedule_meeting(
            values=MeetingValues(
                title="Dialog",
                kind=MeetingKind.DIGITAL,
                status=MeetingStatus.PLANNED,
                starts_at=datetime(2026, 11, 20, 9, tzinfo=UTC),
                ends_at=datetime(2026, 11, 20, 10, tzinfo=UTC),
                all_day=False,
                responsible_id=me.id,
                organisation_ids=[malmo.id],
                contact_ids=[anna.id],
            ),
            by=None,
        )
        db.session.commit()
        return {
            "malmo": malmo.id,
            "anna": anna.id,
            "me": me.id,
            "other": other.id,
            "meeting": meeting.id,
        }


def add(world, title, due, owner="me", **links):
    return services.create_follow_up(
        values=services.FollowUpValues(title=title, owner_id=world[owner], due_on=due, **links),
        by=None,
        today=date(2026, 11, 23),
    )


def titles(page):
    return re.findall(r'<td><a href="/uppfoljningar/\d+">([^<]*)</a>', page)


def test_the_lists(world, as_role, app):
    today = local_today()
    from datetime import timedelta

    with app.app_context():
        add(world, "Försenad", today - timedelta(days=1))
        add(world, "Idag", today)
        add(world, "Om en månad", today + timedelta(days=30))
        add(world, "Kollegans", today + timedelta(days=1), owner="other")
        done = add(world, "Klar sedan länge", today - timedelta(days=9))
        services.complete_follow_up(done, note="", by=None, today=today)
        db.session.commit()
    client = as_role("coordinator")
    assert titles(client.get("/uppfoljningar").text) == ["Försenad", "Idag", "Om en månad"]
    assert titles(client.get("/uppfoljningar?visa=teamets").text) == [
        "Försenad",
        "Idag",
        "Kollegans",
        "Om en månad",
    ]
    assert titles(client.get("/uppfoljningar?visa=forsenade").text) == ["Försenad"]
    week = titles(client.get("/uppfoljningar?visa=veckan").text)
    assert "Idag" in week and "Om en månad" not in week
    assert titles(client.get("/uppfoljningar?visa=klara").text) == ["Klar sedan länge"]
    assert "försenad" in client.get("/uppfoljningar").text


def test_complete_in_one_click_with_a_note(world, as_role, app):
    with app.app_context():
        item = add(world, "Skicka material", local_today())
        db.session.commit()
        item_id = item.id
    client = as_role("coordinator")
    response = client.post(
        f"/uppfoljningar/{item_id}/klar",
        data={"note": "Skickat per mejl", "next": "/uppfoljningar"},
    )
    assert response.headers["Location"] == "/uppfoljningar"
    with app.app_context():
        item = db.session.get(FollowUp, item_id)
        assert (item.status, item.completed_on, item.completion_note) == (
            FollowUpStatus.DONE,
            local_today(),
            "Skickat per mejl",
        )
    evil = client.post(f"/uppfoljningar/{item_id}/oppna", data={"next": "https://evil.example/"})
    assert evil.headers["Location"] == f"/uppfoljningar/{item_id}"


def test_reassign_refuses_a_deactivated_owner(world, as_role, app):
    with app.app_context():
        item = add(world, "Boka möte", local_today())
        ghost = User(email="gone@example.se", name="Borta", password_hash="x", active=False)
        db.session.add(ghost)
        db.session.commit()
        ids = item.id, ghost.id
    client = as_role("coordinator")
    client.post(f"/uppfoljningar/{ids[0]}/tilldela", data={"owner": world["other"]})
    with app.app_context():
        assert db.session.get(FollowUp, ids[0]).owner_id == world["other"]
    client.post(f"/uppfoljningar/{ids[0]}/tilldela", data={"owner": ids[1]})
    with app.app_context():
        assert db.session.get(FollowUp, ids[0]).owner_id == world["other"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": "", "due_on": "2026-12-01"}, "Fältet måste fyllas i."),
        ({"title": "X", "due_on": "9999-12-31"}, "orimligt"),
        ({"title": "X", "due_on": "1999-12-31"}, "orimligt"),
        ({"title": "X", "due_on": "31/12"}, "datum"),
    ],
)
def test_bad_input(world, as_role, app, data, message):
    response = as_role("coordinator").post("/uppfoljningar/ny", data={"owner": world["me"], **data})
    assert response.status_code == 200 and message in response.text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(FollowUp)) == 0


def test_after_the_meeting_in_one_form(world, as_role, app):
    client = as_role("coordinator")
    url = f"/uppfoljningar/efter-mote/{world['meeting']}"
    page = client.get(url).text
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    data = {
        "outcome": "Kommunen vill ha en utbildning",
        "notes": "",
        "version": version,
        "follow_ups-0-title": "Skicka utbildningsmaterial",
        "follow_ups-0-owner": world["me"],
        "follow_ups-0-due_on": "2026-12-01",
        "follow_ups-1-title": "Boka uppföljande möte",
        "follow_ups-1-owner": world["other"],
        "follow_ups-1-due_on": "2026-12-15",
        "follow_ups-2-title": "",
        "follow_ups-2-owner": world["me"],
        "follow_ups-2-due_on": "",
    }
    response = client.post(url, data=data)
    assert response.headers["Location"] == f"/moten/{world['meeting']}"
    with app.app_context():
        meeting = db.session.get(Meeting, world["meeting"])
        assert (
            meeting.status is MeetingStatus.HELD
            and meeting.outcome == "Kommunen vill ha en utbildning"
        )
        items = db.session.scalars(select(FollowUp).order_by(FollowUp.id)).all()
        assert [(i.title, i.meeting_id, i.organisation_id) for i in items] == [
            ("Skicka utbildningsmaterial", world["meeting"], world["malmo"]),
            ("Boka uppföljande möte", world["meeting"], world["malmo"]),
        ]
    meeting_page = client.get(f"/moten/{world['meeting']}").text
    assert "Skicka utbildningsmaterial" in meeting_page and "Boka uppföljande möte" in meeting_page
    malmo_page = client.get(f"/organisationer/{world['malmo']}").text
    assert "Dialog" in malmo_page and "Senaste genomförda möte: 2026-11-20" in malmo_page
    assert "Skicka utbildningsmaterial" in malmo_page
    assert "Dialog" in client.get(f"/kontakter/{world['anna']}").text


def test_after_meeting_is_all_or_nothing(world, as_role, app):
    client = as_role("coordinator")
    url = f"/uppfoljningar/efter-mote/{world['meeting']}"
    data = {
        "outcome": "Resultat",
        "version": "1",
        "follow_ups-0-title": "Utan datum",
        "follow_ups-0-owner": world["me"],
    }
    response = client.post(url, data=data)
    assert "Ange sista dag" in response.text
    with app.app_context():
        assert db.session.get(Meeting, world["meeting"]).status is MeetingStatus.PLANNED
        assert db.session.scalar(select(func.count()).select_from(FollowUp)) == 0


def test_readers_see_but_never_change(world, as_role, app):
    with app.app_context():
        item = add(world, "Skicka material", local_today())
        db.session.commit()
        item_id = item.id
    reader = as_role("reader")
    page = reader.get("/uppfoljningar?visa=teamets").text
    assert "Skicka material" in page and ">Klar<" not in page
    assert reader.post(f"/uppfoljningar/{item_id}/klar", data={}).status_code == 403
    assert reader.post("/uppfoljningar/ny", data={}).status_code == 403


def test_statement_counts_are_constant(world, as_role, app, count_statements):
    from datetime import timedelta

    with app.app_context():
        for number in range(200):
            add(
                world,
                f"Uppgift {number}",
                local_today() + timedelta(days=number % 30),
                owner="other",
                meeting_id=world["meeting"],
                organisation_id=world["malmo"],
                contact_id=world["anna"],
            )
        for number in range(10):
            add(
                world,
                f"Min {number}",
                local_today(),
                meeting_id=world["meeting"],
                organisation_id=world["malmo"],
                contact_id=world["anna"],
            )
        db.session.commit()
    client = as_role("coordinator")
    client.get("/uppfoljningar")
    counts = []
    for query in ("visa=mina", "visa=teamets"):
        with count_statements() as counter:
            assert client.get(f"/uppfoljningar?{query}").status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1] <= 12
    timeline_counts = []
    for path in (
        f"/organisationer/{world['malmo']}",
        f"/kontakter/{world['anna']}",
        f"/moten/{world['meeting']}",
    ):
        with count_statements() as counter:
            assert client.get(path).status_code == 200
        timeline_counts.append(counter.count)
    assert max(timeline_counts) <= 25
