"""The CalDAV round trip against a real Radicale server: publish the team's meetings, change
them there as another calendar program would, sync, and confirm or reject the proposals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select

from app.auth.models import User
from app.caldav.models import CaldavObject, CaldavProposal, ProposalKind, ProposalStatus
from app.calendar import ics
from app.calendar.services import meeting_event
from app.extensions import db
from app.meetings.models import Meeting, MeetingKind, MeetingStatus
from app.meetings.services import MeetingValues, schedule_meeting

from ..conftest import login
from ..factories import make_organisation


@pytest.fixture
def team(app, users):
    """A coordinator and an organisation to hold meetings with."""
    with app.app_context():
        organisation = make_organisation(name="Kramfors kommun")
        coordinator = db.session.scalar(select(User).filter_by(email=users["coordinator"]))
        db.session.commit()
        return {"organisation": organisation.id, "coordinator": coordinator.id}


def schedule(app, team, *, title="Dialog om återvandring", days=3, place="Stadshuset") -> int:
    start = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(days=days)
    with app.app_context():
        meeting = schedule_meeting(
            values=MeetingValues(
                title=title,
                kind=MeetingKind.IN_PERSON,
                status=MeetingStatus.PLANNED,
                starts_at=start,
                ends_at=start + timedelta(hours=1),
                all_day=False,
                responsible_id=team["coordinator"],
                organisation_ids=[team["organisation"]],
                place=place,
            ),
            by=None,
        )
        db.session.commit()
        return meeting.id


def sync(app) -> str:
    result = app.test_cli_runner().invoke(args=["caldav", "sync"])
    assert result.exit_code == 0, result.output
    return result.output


def meeting(app, meeting_id: int) -> Meeting:
    with app.app_context():
        found = db.session.get(Meeting, meeting_id)
        db.session.expunge(found)
        return found


def proposals(app) -> list[CaldavProposal]:
    with app.app_context():
        rows = list(db.session.scalars(select(CaldavProposal).order_by(CaldavProposal.id)))
        db.session.expunge_all()
        return rows


def uid_of(app, meeting_id: int) -> str:
    return meeting(app, meeting_id).uid


def move_on_server(client, uid: str, *, hours: int = 2, location: str | None = None) -> None:
    """What a calendar program does when its user drags the event and edits the place."""
    event = client.event(uid)
    component = event.icalendar_component
    start, end = component["DTSTART"].dt, component["DTEND"].dt
    component["DTSTART"].dt = start + timedelta(hours=hours)
    component["DTEND"].dt = end + timedelta(hours=hours)
    if location is not None:
        component.pop("LOCATION", None)
        component.add("location", location)
    component["SEQUENCE"] = int(component.get("SEQUENCE", 0)) + 1
    event.save()


def test_publishes_the_team_feeds_events_once(app, team, other_client):
    first = schedule(app, team, title="Första")
    second = schedule(app, team, title="Andra", days=5)

    assert "2 created" in sync(app)

    client = other_client()
    events = {str(e.icalendar_component["UID"]): e for e in client.events()}
    assert set(events) == {uid_of(app, first), uid_of(app, second)}
    data = events[uid_of(app, first)].data
    assert "METHOD:" not in data  # a calendar object resource carries none (RFC 4791)
    with app.app_context(), app.test_request_context(base_url="https://samverkan.example.se/"):
        from flask import url_for

        found = db.session.get(Meeting, first)
        url = url_for("meetings.detail", meeting_id=first, _external=True)
        feed_event = ics.event_text(meeting_event(found, url=url, with_people=False))
    server_event = Calendar.from_ical(data).walk("VEVENT")[0]
    written = Calendar.from_ical(
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n" + feed_event + b"END:VCALENDAR\r\n"
    ).walk("VEVENT")[0]
    # the meeting's event without people, property for property
    assert sorted(server_event.property_items()) == sorted(written.property_items())
    etags = client.etags()

    output = sync(app)
    assert "0 created, 0 updated, 0 deleted, 2 unchanged" in output
    assert "0 read back, 0 proposals" in output
    assert client.etags() == etags  # nothing was sent


def test_a_change_in_samverkan_is_sent_and_only_it(app, team, other_client, as_role):
    changed = schedule(app, team, title="Ändras")
    kept = schedule(app, team, title="Orört")
    sync(app)
    etags = other_client().etags()
    with app.app_context():
        found = db.session.get(Meeting, changed)
        found.title = "Ändrad rubrik"
        found.version += 1
        db.session.commit()

    assert "0 created, 1 updated, 0 deleted, 1 unchanged" in sync(app)

    client = other_client()
    assert client.event(uid_of(app, changed)).icalendar_component["SUMMARY"] == "Ändrad rubrik"
    now = client.etags()
    moved = [url for url in etags if etags[url] != now[url]]
    assert len(moved) == 1 and uid_of(app, kept) not in moved[0]


def test_a_move_on_the_server_is_proposed_and_confirming_applies_it(
    app, team, other_client, client, users
):
    meeting_id = schedule(app, team)
    before = meeting(app, meeting_id)
    sync(app)
    move_on_server(other_client(), before.uid, hours=2, location="Kommunhuset, sal 3")

    output = sync(app)
    assert "1 read back, 1 proposals" in output
    assert "1 waiting for a decision" in output
    [proposal] = proposals(app)
    assert proposal.kind is ProposalKind.CHANGE and proposal.status is ProposalStatus.OPEN
    assert proposal.starts_at == before.starts_at + timedelta(hours=2)
    assert proposal.ends_at == before.ends_at + timedelta(hours=2)
    assert proposal.place == "Kommunhuset, sal 3"
    unchanged = meeting(app, meeting_id)
    assert (unchanged.starts_at, unchanged.place) == (before.starts_at, "Stadshuset")
    # The server keeps its user's change while the proposal waits.
    server = other_client().event(before.uid).icalendar_component
    assert server["DTSTART"].dt == before.starts_at + timedelta(hours=2)

    login(client, users["coordinator"])
    page = client.get("/kalender/caldav")
    assert page.status_code == 200
    assert "Dialog om återvandring" in page.text and "Kommunhuset, sal 3" in page.text
    response = client.post(f"/kalender/caldav/{proposal.id}/bekrafta")
    assert response.status_code == 302

    after = meeting(app, meeting_id)
    assert after.starts_at == before.starts_at + timedelta(hours=2)
    assert after.ends_at == before.ends_at + timedelta(hours=2)
    assert after.place == "Kommunhuset, sal 3"
    assert after.sequence == before.sequence + 1
    [decided] = proposals(app)
    assert decided.status is ProposalStatus.CONFIRMED and decided.decided_by_id is not None
    history = client.get(f"/moten/{meeting_id}").text
    assert "Från CalDAV-kalendern: Ändrat i kalendern" in history
    assert "Kommunhuset, sal 3" in history

    output = sync(app)
    assert "1 updated" in output and "0 proposals" in output
    server = other_client().event(before.uid).icalendar_component
    assert int(server["SEQUENCE"]) == after.sequence
    assert str(server["LOCATION"]) == "Kommunhuset, sal 3"
    assert "0 updated" in sync(app)


def test_rejecting_keeps_the_meeting_and_writes_it_back(app, team, other_client, client, users):
    meeting_id = schedule(app, team)
    before = meeting(app, meeting_id)
    sync(app)
    move_on_server(other_client(), before.uid, hours=-1)
    sync(app)
    [proposal] = proposals(app)

    login(client, users["coordinator"])
    assert client.post(f"/kalender/caldav/{proposal.id}/avvisa").status_code == 302

    after = meeting(app, meeting_id)
    assert (after.starts_at, after.version) == (before.starts_at, before.version + 0)
    assert proposals(app)[0].status is ProposalStatus.REJECTED
    assert "Avvisade ändring från CalDAV-kalendern" in client.get(f"/moten/{meeting_id}").text
    assert "1 updated" in sync(app)
    server = other_client().event(before.uid).icalendar_component
    assert server["DTSTART"].dt == before.starts_at
    assert "0 updated" in sync(app)  # and it stays so
    assert len(proposals(app)) == 1


def test_a_deletion_on_the_server_proposes_cancelling(app, team, other_client, client, users):
    meeting_id = schedule(app, team)
    uid = uid_of(app, meeting_id)
    sync(app)
    other_client().event(uid).delete()

    assert "1 proposals" in sync(app)
    [proposal] = proposals(app)
    assert proposal.kind is ProposalKind.DELETED
    assert meeting(app, meeting_id).status is MeetingStatus.PLANNED
    assert "0 created" in sync(app)  # not created again while it waits
    assert other_client().events() == []

    login(client, users["coordinator"])
    client.post(f"/kalender/caldav/{proposal.id}/bekrafta")
    assert meeting(app, meeting_id).status is MeetingStatus.CANCELLED
    history = client.get(f"/moten/{meeting_id}").text
    assert "Från CalDAV-kalendern: Borttaget i kalendern" in history
    output = sync(app)
    assert "0 created, 0 updated" in output and "0 proposals" in output
    assert other_client().events() == []


def test_a_rejected_deletion_puts_the_event_back(app, team, other_client, client, users):
    meeting_id = schedule(app, team)
    uid = uid_of(app, meeting_id)
    sync(app)
    other_client().event(uid).delete()
    sync(app)
    [proposal] = proposals(app)

    login(client, users["coordinator"])
    client.post(f"/kalender/caldav/{proposal.id}/avvisa")
    assert "1 updated" in sync(app)
    assert [str(e.icalendar_component["UID"]) for e in other_client().events()] == [uid]


def test_a_cancellation_on_the_server_proposes_cancelling(app, team, other_client):
    meeting_id = schedule(app, team)
    uid = uid_of(app, meeting_id)
    sync(app)
    event = other_client().event(uid)
    event.icalendar_component["STATUS"] = "CANCELLED"
    event.save()

    sync(app)
    [proposal] = proposals(app)
    assert proposal.kind is ProposalKind.CANCEL
    assert meeting(app, meeting_id).status is MeetingStatus.PLANNED


def test_an_edit_of_something_samverkan_does_not_take_back_is_overwritten(app, team, other_client):
    meeting_id = schedule(app, team)
    uid = uid_of(app, meeting_id)
    sync(app)
    event = other_client().event(uid)
    event.icalendar_component["SUMMARY"] = "Annan rubrik"
    event.save()

    output = sync(app)
    assert "1 read back, 0 proposals" in output and "1 updated" in output
    assert other_client().event(uid).icalendar_component["SUMMARY"] == "Dialog om återvandring"
    assert proposals(app) == []


def test_a_meeting_in_the_trash_is_deleted_on_the_server(app, team, other_client):
    from app.trash.services import move_to_trash

    gone = schedule(app, team, title="Tas bort")
    schedule(app, team, title="Stannar")
    sync(app)
    with app.app_context():
        move_to_trash(db.session.get(Meeting, gone), by=None)
        db.session.commit()

    assert "1 deleted" in sync(app)
    assert [str(e.icalendar_component["SUMMARY"]) for e in other_client().events()] == ["Stannar"]
    with app.app_context():
        assert db.session.scalar(select(CaldavObject.meeting_id)) != gone


def test_sync_is_off_without_a_server(make_app):
    off = make_app(CALDAV_URL=None)
    result = off.test_cli_runner().invoke(args=["caldav", "sync"])
    assert result.exit_code == 0
    assert "off" in result.output


def test_an_unreachable_server_is_one_line_and_status_1(app, make_app):
    """(`app`: the database with its tables, where the sync takes its lock.)"""
    down = make_app(CALDAV_URL="http://127.0.0.1:9/", CALDAV_TIMEOUT=2)
    result = down.test_cli_runner().invoke(args=["caldav", "sync"])
    assert result.exit_code == 1
    assert "CalDAV: could not connect to http://127.0.0.1:9/" in result.output
    assert "Traceback" not in result.output


def test_a_reader_sees_the_page_but_cannot_decide(app, team, other_client, as_role):
    meeting_id = schedule(app, team)
    sync(app)
    move_on_server(other_client(), uid_of(app, meeting_id))
    sync(app)
    [proposal] = proposals(app)
    reader = as_role("reader")
    page = reader.get("/kalender/caldav")
    assert page.status_code == 200 and "Bekräfta" not in page.text
    assert reader.post(f"/kalender/caldav/{proposal.id}/bekrafta").status_code == 403
    assert proposals(app)[0].status is ProposalStatus.OPEN


def test_another_calendar_is_published_afresh_not_proposed_cancelled(app, team, app_config):
    for days in (2, 3, 4):
        schedule(app, team, days=days)
    sync(app)
    app.config["CALDAV_CALENDAR"] = app_config["CALDAV_CALENDAR"] + "-ny"

    output = sync(app)
    assert output.startswith("None of the published events was found")
    assert "3 created" in output and "0 proposals" in output
    assert proposals(app) == []
    assert "3 unchanged" in sync(app)


def test_a_proposal_for_a_meeting_in_the_trash_is_not_shown(app, team, other_client, as_role):
    from app.trash.services import move_to_trash

    meeting_id = schedule(app, team, title="Snart i papperskorgen")
    sync(app)
    move_on_server(other_client(), uid_of(app, meeting_id))
    sync(app)
    with app.app_context():
        move_to_trash(db.session.get(Meeting, meeting_id), by=None)
        db.session.commit()
    page = as_role("coordinator").get("/kalender/caldav")
    assert page.status_code == 200 and "Snart i papperskorgen" not in page.text


def test_a_second_sync_of_unchanged_meetings_makes_no_event(app, team, other_client, monkeypatch):
    """An unchanged meeting's text is not made again (caldav_objects.source_key); a renamed
    organisation (its name is in the events) makes them again, and writes none that did
    not change."""
    from app.caldav import sync as caldav_sync
    from app.organisations.models import Organisation

    for days in (2, 3, 4):
        schedule(app, team, title=f"Möte {days}", days=days)
    assert "3 created" in sync(app)
    made = []
    monkeypatch.setattr(
        caldav_sync, "meeting_event", lambda *a, **k: made.append(1) or meeting_event(*a, **k)
    )
    assert "3 unchanged" in sync(app)
    assert made == []
    with app.app_context():
        organisation = db.session.get(Organisation, team["organisation"])
        organisation.name = "Kramfors kommun (ny)"
        db.session.commit()
    assert "3 updated" in sync(app)
    assert len(made) == 3
    assert "3 unchanged" in sync(app) and len(made) == 3


def test_a_second_sync_reads_no_event_and_loads_no_meeting_that_did_not_change(
    app, team, other_client, monkeypatch
):
    """Counted on the client's HTTP requests against the real Radicale: a sync of unchanged
    meetings sends one listing of ETags and no GET, PUT or DELETE, and loads no meeting;
    after a change on each side, only those two are loaded and only the moved one is read."""
    import caldav
    import niquests

    from app.caldav import sync as caldav_sync

    requests: list[tuple[str, str]] = []
    original = caldav.DAVClient.request

    def counted(self, url, method="GET", *args, **kwargs):
        requests.append((method, str(url)))
        return original(self, url, method, *args, **kwargs)

    monkeypatch.setattr(caldav.DAVClient, "request", counted)
    statuses: list[int] = []
    send = niquests.Session.send

    def seen(self, request, **kwargs):
        response = send(self, request, **kwargs)
        statuses.append(response.status_code)
        return response

    monkeypatch.setattr(niquests.Session, "send", seen)
    loaded: list[set[int]] = []
    load = caldav_sync.load_meetings
    monkeypatch.setattr(
        caldav_sync, "load_meetings", lambda ids: loaded.append(set(ids)) or load(ids)
    )

    ids = [schedule(app, team, title=f"Möte {days}", days=days) for days in (2, 3, 4, 5)]
    assert "4 created" in sync(app)
    assert sum(method == "PUT" for method, _url in requests) == 4  # the wrapper sees them

    requests.clear()
    loaded.clear()
    statuses.clear()
    output = sync(app)
    assert "0 created, 0 updated, 0 deleted, 4 unchanged" in output, output
    # the credentials go with the first request (CALDAV_AUTH basic): no 401 first, which
    # Radicale answers only after its one-second delay for failed logins
    assert statuses and 401 not in statuses, statuses
    methods = [method for method, _url in requests]
    assert not {"GET", "PUT", "DELETE", "REPORT"} & set(methods), methods
    assert set(methods) == {"PROPFIND"} and len(methods) <= 4, methods  # discovery, one listing
    assert loaded == [set()]

    # One meeting changed in Samverkan, another moved on the server.
    with app.app_context():
        found = db.session.get(Meeting, ids[0])
        found.title = "Ändrad rubrik"
        found.version += 1
        db.session.commit()
    move_on_server(other_client(), uid_of(app, ids[1]), hours=1)
    requests.clear()
    loaded.clear()
    output = sync(app)
    assert "1 updated" in output and "1 read back, 1 proposals" in output, output
    assert loaded == [{ids[0], ids[1]}]
    assert [m for m, _u in requests].count("GET") == 1
    assert [m for m, _u in requests].count("PUT") == 1
