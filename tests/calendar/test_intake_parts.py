"""The pure parts of reading an invitation, called directly: the parser's reasons and
identity, and a series' occurrences across daylight-saving changes, with moved, cancelled
and excluded occurrences."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from app.calendar.importer import InvalidInvite, parse_invite
from app.calendar.series import occurrences


def calendar(*lines: str) -> bytes:
    return (
        "\r\n".join(["BEGIN:VCALENDAR", "VERSION:2.0", *lines, "END:VCALENDAR"]) + "\r\n"
    ).encode()


def event(*lines: str) -> list[str]:
    return ["BEGIN:VEVENT", *lines, "END:VEVENT"]


@pytest.mark.parametrize(
    ("lines", "reason", "detail"),
    [
        (["UID:a", "DTSTART:20261301T100000Z"], "bad-date", "DTSTART"),
        (["UID:a", "DTSTART:20260101T100000Z", "DTEND:soon"], "bad-date", "DTEND"),
        (["UID:a", "DTSTART:99990101T100000Z"], "bad-year", "DTSTART"),
        (["UID:a", "DTSTART:20260101T100000Z", "DTSTART:20260102T100000Z"], "twice", "DTSTART"),
        (["UID:a", "DTSTART:20260101T100000Z", "DTEND:20251231T100000Z"], "end-before-start", ""),
        (["UID:a", "SUMMARY:x"], "no-start", ""),
        (["UID:a", "DTSTART:20260101T100000Z", "DURATION:soon"], "bad-date", "DURATION"),
    ],
)
def test_reasons(lines, reason, detail):
    with pytest.raises(InvalidInvite) as refused:
        parse_invite(calendar(*event(*lines)))
    assert (refused.value.reason, refused.value.detail) == (reason, detail)


def test_identity_and_answers():
    invite = parse_invite(
        calendar(
            "METHOD:REPLY",
            *event(
                "UID:1",
                "SEQUENCE:3",
                "DTSTAMP:20261201T100000Z",
                "ORGANIZER:mailto:Org@Example.se",
                "ATTENDEE;PARTSTAT=declined;CN=Anna:mailto:anna@example.se",
                "RECURRENCE-ID;TZID=Europe/Stockholm:20260330T100000",
                "DTSTART;TZID=Europe/Stockholm:20260330T120000",
            ),
        )
    )
    assert (invite.method, invite.uid, invite.organizer_email, invite.sequence) == (
        "REPLY",
        "1",
        "org@example.se",
        3,
    )
    assert invite.recurrence_id == "20260330T080000Z"  # summer time: 10:00 is 08:00 UTC
    assert invite.attendees[0].answer == "DECLINED"
    assert invite.stamp == datetime(2026, 12, 1, 10, tzinfo=UTC)


def test_floating_times_follow_google_x_wr_timezone():
    invite = parse_invite(
        calendar("X-WR-TIMEZONE:America/New_York", *event("UID:g", "DTSTART:20260105T090000"))
    )
    assert invite.starts_at == datetime(2026, 1, 5, 14, tzinfo=UTC)


def test_a_weekly_series_keeps_its_local_time_across_both_dst_changes():
    invite = parse_invite(
        calendar(
            *event(
                "UID:w",
                "DTSTART;TZID=Europe/Stockholm:20260316T100000",
                "DTEND;TZID=Europe/Stockholm:20260316T110000",
                "RRULE:FREQ=WEEKLY;UNTIL=20261102T235959Z",
                "EXDATE;TZID=Europe/Stockholm:20260323T100000",
            ),
            *event(  # the 6 April occurrence moved to 14:00
                "UID:w",
                "RECURRENCE-ID;TZID=Europe/Stockholm:20260406T100000",
                "DTSTART;TZID=Europe/Stockholm:20260406T140000",
                "DTEND;TZID=Europe/Stockholm:20260406T150000",
            ),
            *event(  # the 13 April occurrence cancelled
                "UID:w",
                "RECURRENCE-ID;TZID=Europe/Stockholm:20260413T100000",
                "DTSTART;TZID=Europe/Stockholm:20260413T100000",
                "STATUS:CANCELLED",
            ),
        )
    )
    assert invite.recurring
    spring = occurrences(invite, first=date(2026, 3, 16), last=date(2026, 4, 13))
    assert [o.starts_at.strftime("%m-%d %H:%M") for o in spring] == [
        "03-16 09:00",  # winter time, CET
        "03-30 08:00",  # summer time, CEST: still 10:00 in Stockholm
        "04-06 12:00",  # moved to 14:00
    ]
    assert spring[2].recurrence_id == "20260406T080000Z"  # identified by its original start
    autumn = occurrences(invite, first=date(2026, 10, 19), last=date(2026, 11, 30))
    assert [o.starts_at.strftime("%m-%d %H:%M") for o in autumn] == [
        "10-19 08:00",
        "10-26 09:00",
        "11-02 09:00",
    ]


def test_an_all_day_series_and_a_limit():
    invite = parse_invite(
        calendar(*event("UID:d", "DTSTART;VALUE=DATE:20260101", "RRULE:FREQ=DAILY"))
    )
    found = occurrences(invite, first=date(2026, 1, 1), last=date(2027, 12, 31))
    assert len(found) == 200 and found[0].recurrence_id == "20260101"
    assert found[0].starts_at == datetime(2025, 12, 31, 23, tzinfo=UTC)
