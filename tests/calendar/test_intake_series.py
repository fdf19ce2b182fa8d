"""Received invitations for a recurring series (the first occurrence with a notice, or one
meeting per occurrence in a chosen range; a moved occurrence, a re-sent series, a cancelled
series), the doubled autumn hour, and a property test: random mutations of a valid file
never give a 5xx."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.meetings.models import Meeting, MeetingStatus

from .test_intake import GOOD, hidden, invitation, save_form, upload
from .test_intake import world as intake_world


@pytest.fixture
def world(seeded, users, app):
    return intake_world.__wrapped__(seeded, users, app)


# --- Series -------------------------------------------------------------------------------

WEEKLY = invitation(extra="RRULE:FREQ=WEEKLY;COUNT=6")


def test_series_first_occurrence_with_a_notice(world, as_role, app):
    client = as_role("coordinator")
    page = upload(client, WEEKLY).text
    assert "återkommande möte" in page
    response = client.post(
        "/moten/importera-inbjudan/spara", data=save_form(page, world), follow_redirects=True
    )
    assert "bara det första tillfället sparades" in response.text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Meeting)) == 1


def test_series_one_meeting_per_occurrence_in_range(world, as_role, app):
    client = as_role("coordinator")
    page = upload(client, WEEKLY).text
    data = save_form(page, world, series="each", series_from="2027-01-20", series_to="2027-02-10")
    assert client.post("/moten/importera-inbjudan/spara", data=data).status_code == 302
    with app.app_context():
        meetings = db.session.scalars(select(Meeting).order_by(Meeting.starts_at)).all()
        assert [m.local_start.strftime("%m-%d %H:%M") for m in meetings] == [
            "01-22 10:00",
            "01-29 10:00",
            "02-05 10:00",
        ]
        assert {m.recurrence_id for m in meetings} == {
            "20270122T090000Z",
            "20270129T090000Z",
            "20270205T090000Z",
        }
    # The organizer moves one occurrence: that meeting is updated, not a new one made.
    moved = invitation(
        start="20270129T150000",
        end="20270129T160000",
        sequence=1,
        extra="RECURRENCE-ID;TZID=W. Europe Standard Time:20270129T100000",
    )
    page = upload(client, moved).text
    assert "Uppdatera mötet" in page and "2027-01-29 15:00–16:00" in page
    # The whole series sent again: no second copy of it.
    response = upload(client, WEEKLY.replace(b"SEQUENCE:0", b"SEQUENCE:2"))
    assert response.status_code == 400 and "som 3 möten, ett per tillfälle" in response.text
    # The organizer cancels the whole series: all three, after one confirmation.
    page = upload(client, invitation(method="CANCEL", sequence=3)).text
    assert "Markera alla 3 möten som inställda" in page
    client.post(
        "/moten/importera-inbjudan/bekrafta",
        data={"intake_file": hidden(page, "intake_file"), "version": hidden(page, "version")},
    )
    with app.app_context():
        statuses = db.session.scalars(select(Meeting.status)).all()
        assert statuses == [MeetingStatus.CANCELLED] * 3


# --- Never a 500 --------------------------------------------------------------------------


def test_random_mutations_never_give_a_server_error(world, as_role):
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    client = as_role("coordinator")
    base = invitation(extra="RRULE:FREQ=DAILY;COUNT=3")

    @settings(
        max_examples=50,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(
        position=st.integers(0, len(base) - 1),
        length=st.integers(0, 12),
        junk=st.binary(max_size=12)
        | st.sampled_from([b":", b";", b"\r\n", b"\r\n ", b"99", b"13", b"Z", b"=", b"\xff"]),
    )
    def mutate(position, length, junk):
        data = base[:position] + junk + base[position + length :]
        response = upload(client, data)
        assert response.status_code < 500

    mutate()


@pytest.mark.parametrize(("fold", "utc_hour"), [("0", 0), ("1", 1)])
def test_the_doubled_autumn_hour_asks_which_and_keeps_the_choice(
    world, as_role, app, fold, utc_hour
):
    """A floating 02:30 on 2026-10-25 (Stockholm) happens twice: the form asks, the answer
    holds (00:30 UTC summer time, 01:30 UTC winter time)."""
    client = as_role("coordinator")
    data = GOOD.replace(
        b"DTSTART;TZID=W. Europe Standard Time:20270115T100000", b"DTSTART:20261025T023000"
    )
    data = data.replace(
        b"DTEND;TZID=W. Europe Standard Time:20270115T110000", b"DTEND:20261025T040000"
    )
    page = upload(client, data).text
    assert 'value="02:30"' in page
    form = save_form(page, world)
    response = client.post("/moten/importera-inbjudan/spara", data=form)
    assert response.status_code == 400 and "Tiden finns två gånger" in response.text
    response = client.post("/moten/importera-inbjudan/spara", data={**form, "start_fold": fold})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Meeting.starts_at)) == datetime(
            2026, 10, 25, utc_hour, 30, tzinfo=UTC
        )
