"""The subscription feeds' window, their ETags (decided before anything is built, changed by
every edit, cancellation, trash and restore) and their events made once per meeting version."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar

from app.auth.models import User
from app.calendar import feeds, ics
from app.calendar import services as calendar_services
from app.extensions import db
from app.meetings import services
from app.meetings.models import Meeting
from app.trash.services import KINDS, find_deleted, move_to_trash, restore_from_trash

from .test_calendar import schedule, values_of, world  # noqa: F401 (a fixture)

NOW = datetime.now(UTC).replace(microsecond=0)


@pytest.fixture(autouse=True)
def fresh_events():
    feeds.clear_kept_events()
    yield
    feeds.clear_kept_events()


@pytest.fixture
def token(world, app):  # noqa: F811
    with app.app_context():
        me = db.session.get(User, world["me"])
        token = calendar_services.issue_feed_token(me)
        db.session.commit()
    return token


def titles(body: bytes) -> set[str]:
    return {str(e["SUMMARY"]) for e in Calendar.from_ical(body).walk("VEVENT")}


def at(days: int) -> datetime:
    return NOW + timedelta(days=days)


@pytest.mark.parametrize("path", ["/kalender/{}.ics", "/kalender/{}/team.ics"])
def test_the_feed_holds_its_window_only(world, app, client, token, path):  # noqa: F811
    with app.app_context():
        schedule(world, title="För fyra månader sedan", start=at(-120))
        schedule(world, title="För två månader sedan", start=at(-60))
        schedule(world, title="Om elva månader", start=at(335))
        schedule(world, title="Om tretton månader", start=at(395))
    shown = titles(client.get(path.format(token)).data)
    assert {"För två månader sedan", "Om elva månader"} <= shown
    assert not {"För fyra månader sedan", "Om tretton månader"} & shown

    app.config.update(FEED_PAST_DAYS=30, FEED_FUTURE_DAYS=400)
    shown = titles(client.get(path.format(token)).data)
    assert "För två månader sedan" not in shown
    assert {"Om elva månader", "Om tretton månader"} <= shown


def test_past_the_limit_the_upcoming_meetings_come_first(world, app, client, token):  # noqa: F811
    with app.app_context():
        for days in (-20, -10, 2, 4, 6):
            schedule(world, title=f"Dag {days}", start=at(days))
    app.config["FEED_MAX_EVENTS"] = 4
    assert titles(client.get(f"/kalender/{token}/team.ics").data) == {
        "Dag -10",
        "Dag 2",
        "Dag 4",
        "Dag 6",
    }


def test_a_matching_etag_is_304_with_two_statements_and_nothing_built(
    world,  # noqa: F811
    app,
    client,
    token,
    count_statements,
    monkeypatch,
):
    with app.app_context():
        for number in range(5):
            schedule(world, title=f"Möte {number}", start=at(number + 1))
    for path in (f"/kalender/{token}.ics", f"/kalender/{token}/team.ics"):
        first = client.get(path)
        etag = first.headers["ETag"]
        assert first.status_code == 200 and etag

        def built(*args, **kwargs):
            raise AssertionError("built for a 304")

        with monkeypatch.context() as patch:
            patch.setattr(ics, "feed_from_texts", built)
            patch.setattr(feeds, "meeting_texts", built)
            patch.setattr(feeds, "follow_up_texts", built)
            with count_statements() as counter:
                again = client.get(path, headers={"If-None-Match": etag})
        assert again.status_code == 304 and not again.data
        assert again.headers["ETag"] == etag
        # The address's wrong tokens (the throttle), the token's user, then the version.
        assert counter.count == 3, counter.statements


def etag_of(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return response.headers["ETag"]


@pytest.mark.parametrize("path", ["/kalender/{}.ics", "/kalender/{}/team.ics"])
def test_every_kind_of_change_gives_a_new_etag(world, app, client, token, path):  # noqa: F811
    path = path.format(token)
    with app.app_context():
        meeting_id = schedule(world, title="Samråd", start=at(5))
        schedule(world, title="Ett annat möte", start=at(6))
    seen = [etag_of(client, path)]

    def changed(step: str) -> None:
        etag = etag_of(client, path)
        assert etag not in seen, step
        stale = client.get(path, headers={"If-None-Match": seen[-1]})
        assert stale.status_code == 200, step
        seen.append(etag)

    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        values = values_of(meeting, title="Samråd, flyttat", starts_at=at(7), ends_at=at(7))
        values.ends_at = values.starts_at + timedelta(hours=1)
        services.update_meeting(meeting, values=values, expected_version=meeting.version, by=None)
        db.session.commit()
    changed("edit")
    assert "Samråd, flyttat" in titles(client.get(path).data)

    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        services.cancel_meeting(meeting, expected_version=meeting.version, by=None)
        db.session.commit()
    changed("cancel")
    assert b"STATUS:CANCELLED" in client.get(path).data

    with app.app_context():
        move_to_trash(db.session.get(Meeting, meeting_id), by=None)
        db.session.commit()
    changed("trash")
    assert "Samråd, flyttat" not in titles(client.get(path).data)

    with app.app_context():
        restore_from_trash(find_deleted(KINDS["moten"], meeting_id), by=None)
        db.session.commit()
    changed("restore")
    assert "Samråd, flyttat" in titles(client.get(path).data)


def test_a_new_token_changes_the_etag(world, app, client, token):  # noqa: F811
    with app.app_context():
        schedule(world, start=at(3))
    first = etag_of(client, f"/kalender/{token}.ics")
    with app.app_context():
        second = calendar_services.issue_feed_token(db.session.get(User, world["me"]))
        db.session.commit()
    assert client.get(f"/kalender/{token}.ics").status_code == 404  # revoked
    assert etag_of(client, f"/kalender/{second}.ics") != first


def test_after_one_change_only_that_event_is_made_again(
    world,  # noqa: F811
    app,
    client,
    token,
    monkeypatch,
):
    with app.app_context():
        ids = [schedule(world, title=f"Möte {n}", start=at(n + 1)) for n in range(6)]
    made = []
    original = ics.event_text

    def counting(item):
        made.append(str(item.summary))
        return original(item)

    monkeypatch.setattr(ics, "event_text", counting)
    path = f"/kalender/{token}/team.ics"
    first = client.get(path).data
    assert len(made) == 6
    with app.app_context():
        meeting = db.session.get(Meeting, ids[2])
        values = values_of(meeting, title="Möte 2, ändrat")
        services.update_meeting(meeting, values=values, expected_version=meeting.version, by=None)
        db.session.commit()
    second = client.get(path).data
    assert made[6:] == ["Möte 2, ändrat"]
    assert titles(second) == (titles(first) - {"Möte 2"}) | {"Möte 2, ändrat"}
    # The personal feed shares the events already made.
    client.get(f"/kalender/{token}.ics")
    assert len(made) == 7


def test_an_organisation_renamed_renews_the_events(world, app, client, token):  # noqa: F811
    from app.organisations.models import Organisation

    with app.app_context():
        schedule(world, start=at(3))
    path = f"/kalender/{token}/team.ics"
    etag = etag_of(client, path)
    with app.app_context():
        db.session.get(Organisation, world["malmo"]).name = "Malmö stad"
        db.session.commit()
    response = client.get(path, headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert "Malmö stad" in Calendar.from_ical(response.data).walk("VEVENT")[0]["DESCRIPTION"]


def test_follow_ups_are_capped_too_and_made_once(world, app, client, token, monkeypatch):  # noqa: F811
    from app.common.time import local_today
    from app.followups.services import FollowUpValues, create_follow_up

    today = local_today()
    with app.app_context():
        for days in (-5, 3, 9, 400):
            create_follow_up(
                values=FollowUpValues(
                    title=f"Uppgift {days}", owner_id=world["me"], due_on=today + timedelta(days)
                ),
                by=None,
                today=today,
            )
        db.session.commit()
    app.config["FEED_PERSONAL_MAX_FOLLOW_UPS"] = 2
    made = []
    original = ics.event_text
    monkeypatch.setattr(ics, "event_text", lambda item: made.append(1) or original(item))
    shown = titles(client.get(f"/kalender/{token}.ics").data)
    assert shown == {"Sista dag: Uppgift 3", "Sista dag: Uppgift 9"}  # upcoming first
    assert len(made) == 2
    client.get(f"/kalender/{token}.ics")
    assert len(made) == 2  # unchanged: nothing made again


@pytest.mark.parametrize("path", ["/kalender/{}.ics", "/kalender/{}/team.ics"])
def test_a_meeting_organised_elsewhere_keeps_the_organizers_identity(
    world,  # noqa: F811
    app,
    client,
    token,
    path,
):
    """A client holding the organizer's invitation sees one event: the feed carries the
    organizer's UID and SEQUENCE, and RECURRENCE-ID for one occurrence of a series."""
    with app.app_context():
        own = schedule(world, title="Eget möte", start=at(2))
        single = db.session.get(Meeting, schedule(world, title="Inbjuden", start=at(3)))
        single.ical_uid, single.organizer_email = "AAAA-outlook-1@example.org", "org@lst.se"
        single.recurrence_id, single.organizer_sequence = "", 4
        occurrence = db.session.get(Meeting, schedule(world, title="Tillfälle", start=at(4)))
        occurrence.ical_uid, occurrence.organizer_email = "serie@google.com", "org@lst.se"
        occurrence.recurrence_id, occurrence.organizer_sequence = "20270115T090000Z", 0
        day = db.session.get(Meeting, schedule(world, title="Heldag", start=at(5)))
        day.ical_uid, day.organizer_email = "heldag@google.com", "org@lst.se"
        day.recurrence_id, day.organizer_sequence = "20270116", 1
        own_uid = db.session.get(Meeting, own).uid
        samverkan_uids = {single.uid, occurrence.uid, day.uid}
        db.session.commit()
    events = {
        str(e["SUMMARY"]): e
        for e in Calendar.from_ical(client.get(path.format(token)).data).walk("VEVENT")
    }
    assert str(events["Eget möte"]["UID"]) == own_uid
    assert "RECURRENCE-ID" not in events["Eget möte"]
    assert str(events["Inbjuden"]["UID"]) == "AAAA-outlook-1@example.org"
    assert int(events["Inbjuden"]["SEQUENCE"]) == 4
    assert "RECURRENCE-ID" not in events["Inbjuden"]
    assert str(events["Tillfälle"]["UID"]) == "serie@google.com"
    assert events["Tillfälle"]["RECURRENCE-ID"].dt == datetime(2027, 1, 15, 9, tzinfo=UTC)
    assert str(events["Heldag"]["UID"]) == "heldag@google.com"
    assert events["Heldag"]["RECURRENCE-ID"].dt == datetime(2027, 1, 16).date()
    assert not samverkan_uids & {str(e["UID"]) for e in events.values()}


def test_a_personal_feed_holds_its_own_caps_the_upcoming_first(world, app, client, token):  # noqa: F811
    """A person's own feed stays small (FEED_PERSONAL_MAX_MEETINGS and _FOLLOW_UPS, the
    upcoming first); the team feed keeps its own limit."""
    from app.followups.services import FollowUpValues, create_follow_up

    with app.app_context():
        for days in (-20, -10, 2, 4, 6):
            schedule(world, title=f"Dag {days}", start=at(days))
        for days in (-5, 1, 3, 5):
            create_follow_up(
                values=FollowUpValues(
                    title=f"Uppgift {days}", owner_id=world["me"], due_on=at(days).date()
                ),
                by=None,
                today=NOW.date(),
            )
        db.session.commit()
    app.config.update(FEED_PERSONAL_MAX_MEETINGS=3, FEED_PERSONAL_MAX_FOLLOW_UPS=2)
    shown = titles(client.get(f"/kalender/{token}.ics").data)
    assert shown == {"Dag 2", "Dag 4", "Dag 6", "Sista dag: Uppgift 1", "Sista dag: Uppgift 3"}
    assert {f"Dag {d}" for d in (-20, -10, 2, 4, 6)} <= titles(
        client.get(f"/kalender/{token}/team.ics").data
    )


def test_a_personal_feed_holds_the_window_of_both_the_responsibles_and_the_teams_meetings(
    world,  # noqa: F811
    app,
    client,
):
    with app.app_context():
        colleague = db.session.get(User, world["colleague"])
        colleague_token = calendar_services.issue_feed_token(colleague)
        db.session.commit()
        # the colleague is responsible for one, on the team of the others (schedule's default)
        schedule(world, title="Ansvarig nu", start=at(5), responsible_id=world["colleague"])
        schedule(world, title="Ansvarig förr", start=at(-200), responsible_id=world["colleague"])
        schedule(world, title="I teamet nu", start=at(-5))
        schedule(world, title="I teamet sedan länge", start=at(-400))
        schedule(world, title="Utan kollegan", start=at(6), team_ids=[])
    shown = titles(client.get(f"/kalender/{colleague_token}.ics").data)
    assert {"Ansvarig nu", "I teamet nu"} <= shown
    assert not {"Ansvarig förr", "I teamet sedan länge", "Utan kollegan"} & shown


def test_a_personal_feed_reads_the_responsibles_meetings_from_the_window_index(
    world,  # noqa: F811
    app,
    client,
    token,
):
    """The responsible's meetings are one range of meetings(responsible_id, starts_at): the
    history outside the window is not read (SQLite's plan names the index for every
    statement that picks the person's meetings)."""
    from sqlalchemy import event

    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("the plan is checked on SQLite; PostgreSQL plans tiny tables by scans")
        schedule(world, title="Snart", start=at(2))
        engine = db.engine
    seen: list[tuple[str, object]] = []

    def keep(conn, cursor, statement, parameters, context, executemany):
        if "responsible_id = " in statement and statement.lstrip().startswith("SELECT"):
            seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", keep)
    try:
        assert client.get(f"/kalender/{token}.ics").status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", keep)
    assert seen
    with app.app_context():
        connection = db.session.connection()
        for statement, parameters in seen:
            rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
            plan = " | ".join(str(row[-1]) for row in rows)
            assert (
                "ix_meetings_responsible_id_starts_at (responsible_id=? AND starts_at>" in plan
            ), plan
