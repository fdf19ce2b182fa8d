"""Issue 17 item 3: an exported calendar (several events, METHOD:PUBLISH or none) is listed
event by event; the user picks which become meetings, each with the single import's identity
rules (UID + organizer + RECURRENCE-ID: a known one is updated, never duplicated)."""

from __future__ import annotations

from sqlalchemy import func, select

from app.auth.models import User
from app.calendar import intake as intakes
from app.calendar.intake_services import import_picked
from app.extensions import db
from app.meetings.models import Meeting

from .test_intake import hidden, invitation, upload, world  # noqa: F401 (a fixture)


def exported(*events: bytes, method: str = "PUBLISH") -> bytes:
    """One calendar holding the VEVENTs of the given invitations."""
    bodies = []
    for one in events:
        text = one.decode()
        bodies.append(text[text.index("BEGIN:VEVENT") : text.index("END:VCALENDAR")])
    head = "BEGIN:VCALENDAR\r\nPRODID:-//Google Inc//Google Calendar 70.9054//EN\r\nVERSION:2.0\r\n"
    if method:
        head += f"METHOD:{method}\r\n"
    return (head + "".join(bodies) + "END:VCALENDAR\r\n").encode()


def on(day: int, uid: str, title: str, hour: int = 10) -> bytes:
    return invitation(
        uid=uid, title=title, start=f"202701{day}T{hour}0000", end=f"202701{day}T{hour + 1}0000"
    )


def three() -> bytes:
    return exported(
        on(15, "ett@example.org", "Samråd ett"),
        on(16, "två@example.org", "Samråd två"),
        on(17, "tre@example.org", "Samråd tre"),
    )


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(Meeting))


def test_an_exported_calendar_is_listed_event_by_event(world, app):  # noqa: F811
    with app.test_request_context():
        result = intakes.read_intake(three())
        assert result.kind == intakes.SEVERAL and result.total == 3
        assert [e.invite.title for e in result.entries] == [
            "Samråd ett",
            "Samråd två",
            "Samråd tre",
        ]
        assert {e.kind for e in result.entries} == {intakes.NEW}
        assert not result.warnings
        # no METHOD at all (Thunderbird's export) is an exported calendar too
        assert intakes.read_intake(
            exported(invitation(uid="a"), invitation(uid="b"), method="")
        ).kind == (intakes.SEVERAL)
        # several events in one REQUEST are not an export: refused as before
        result = intakes.read_intake(
            exported(invitation(uid="a"), invitation(uid="b"), method="REQUEST")
        )
        assert result.kind == intakes.ERROR and "flera möten (2)" in result.message


def test_picked_events_become_meetings_and_a_known_identity_updates(world, app):  # noqa: F811
    with app.test_request_context():
        me = db.session.get(User, world["me"])
        result = intakes.read_intake(three())
        done = import_picked(result.entries, {1, 3}, organisation_id=world["malmo"], by=me)
        db.session.commit()
        assert sorted(m.title for m in done.created) == ["Samråd ett", "Samråd tre"]
        first = next(m for m in done.created if m.title == "Samråd ett")
        assert (first.ical_uid, first.organizer_email, first.recurrence_id) == (
            "ett@example.org",
            "org@lansstyrelsen.se",
            "",
        )
        assert world["malmo"] in {o.id for o in first.organisations}
        assert count() == 2

        # the same calendar again, event one moved: offered as an update, not a new meeting
        moved = exported(
            invitation(
                uid="ett@example.org",
                title="Samråd ett",
                start="20270115T130000",
                end="20270115T140000",
            ),
            on(16, "två@example.org", "Samråd två"),
            on(17, "tre@example.org", "Samråd tre"),
        )
        again = intakes.read_intake(moved)
        assert [e.kind for e in again.entries] == [intakes.UPDATE, intakes.NEW, intakes.UNCHANGED]
        assert again.entries[0].meeting.id == first.id
        assert not again.entries[2].selectable
        done = import_picked(again.entries, {1, 3}, organisation_id=None, by=me)
        db.session.commit()
        assert [m.id for m in done.updated] == [first.id] and done.skipped == 1
        assert count() == 2
        assert db.session.get(Meeting, first.id).local_start.hour == 13


def test_two_events_of_one_identity_in_a_file_make_one_meeting(world, app):  # noqa: F811
    with app.test_request_context():
        me = db.session.get(User, world["me"])
        twice = exported(
            invitation(uid="same@example.org", title="Först", start="20270115T100000"),
            invitation(
                uid="same@example.org",
                title="Sedan",
                start="20270115T120000",
                end="20270115T130000",
            ),
        )
        # two masters with one UID: a PUBLISH file is listed, each event on its own
        result = intakes.read_intake(twice)
        assert result.kind == intakes.SEVERAL
        done = import_picked(result.entries, {1, 2}, organisation_id=world["malmo"], by=me)
        db.session.commit()
        assert len(done.created) == 1 and len(done.updated) == 1
        assert count() == 1


def test_malformed_events_are_listed_with_their_reason_and_cannot_be_picked(world, app):  # noqa: F811
    broken = [
        invitation(uid="m13@example.org", start="20271315T100000"),  # month 13
        invitation(uid="text@example.org", start="imorgon"),
        invitation(uid="y9999@example.org", start="99990101T100000", end="99990101T110000"),
        invitation(uid="back@example.org", start="20270115T100000", end="20270115T090000"),
        invitation(uid="nostart@example.org").replace(
            b"DTSTART;TZID=W. Europe Standard Time:20270115T100000\r\n", b""
        ),
        invitation(uid="twice@example.org", extra="DTSTART:20270115T100000Z"),
    ]
    with app.test_request_context():
        me = db.session.get(User, world["me"])
        result = intakes.read_intake(
            exported(invitation(uid="ok@example.org", title="Bra"), *broken)
        )
        assert result.kind == intakes.SEVERAL
        kinds = [e.kind for e in result.entries]
        assert kinds == [intakes.NEW] + [intakes.ERROR] * len(broken), kinds
        assert all(e.message and not e.selectable for e in result.entries[1:])
        done = import_picked(
            result.entries, set(range(1, 8)), organisation_id=world["malmo"], by=me
        )
        assert [m.title for m in done.created] == ["Bra"]


def test_a_huge_calendar_lists_the_first_200_with_a_message(world, app):  # noqa: F811
    many = exported(*(invitation(uid=f"n{i}@example.org", title=f"Möte {i}") for i in range(205)))
    with app.test_request_context():
        result = intakes.read_intake(many)
        assert result.kind == intakes.SEVERAL
        assert len(result.entries) == intakes.MAX_LISTED == 200 and result.total == 205
        assert any("205 möten" in w and "200" in w for w in result.warnings)


def test_the_pages_list_pick_and_refuse_an_empty_pick(world, app, as_role):  # noqa: F811
    client = as_role("coordinator")
    page = upload(client, three())
    assert page.status_code == 200, page.text
    assert page.text.count('name="events"') == 3 and "Samråd två" in page.text
    assert "2027-01-15 10:00" in page.text and "1 deltagare" in page.text
    form = {"intake_file": hidden(page.text, "intake_file"), "organisation": str(world["malmo"])}
    response = client.post("/moten/importera-inbjudan/valj", data=form)
    assert response.status_code == 400 and "Välj minst ett möte" in response.text
    response = client.post("/moten/importera-inbjudan/valj", data={**form, "events": ["2", "3"]})
    assert response.status_code == 302, response.text
    with app.app_context():
        assert sorted(db.session.scalars(select(Meeting.title))) == ["Samråd tre", "Samråd två"]
    # garbage in the hidden field or the numbers is never a 500
    assert (
        client.post("/moten/importera-inbjudan/valj", data={**form, "events": "x"}).status_code
        == 400
    )
    assert (
        client.post(
            "/moten/importera-inbjudan/valj", data={"intake_file": "!!", "events": "1"}
        ).status_code
        == 400
    )
    # a new event without any organisation asks for one
    response = client.post(
        "/moten/importera-inbjudan/valj", data={"intake_file": form["intake_file"], "events": "1"}
    )
    assert response.status_code == 400 and "organisation" in response.text
