"""What goes into a digest, against hand-made follow-ups and meetings around midsommar and jul."""

from __future__ import annotations

from datetime import date, time

import pytest

from app.digest.services import digest_for, meetings_tomorrow
from app.extensions import db
from app.followups.services import complete_follow_up
from app.meetings.models import MeetingStatus
from app.organisations.models import OrganisationKind

from ..factories import make_organisation
from .builders import follow_up, make_reader, meeting, plan

MIDSUMMER_THURSDAY = date(2026, 6, 18)


@pytest.fixture
def me(ctx):
    ctx.config["DIGEST_WORKING_DAYS"] = 2
    return make_reader(name="Karin Digest")


def titles(items):
    return [item.title for item in items]


def test_follow_ups_overdue_and_due_in_working_days_over_midsommar(ctx, me):
    colleague = make_reader()
    follow_up(me, "Ringa Kramfors", date(2026, 6, 10))
    follow_up(me, "Skicka material", date(2026, 6, 17))
    follow_up(me, "Idag", MIDSUMMER_THURSDAY)
    follow_up(me, "Efter midsommar", date(2026, 6, 23))  # the 2nd working day after
    follow_up(me, "För sent för listan", date(2026, 6, 24))
    follow_up(colleague, "Kollegans", date(2026, 6, 1))
    done = follow_up(me, "Redan klar", date(2026, 6, 1))
    complete_follow_up(done, note="", by=me, today=MIDSUMMER_THURSDAY)

    digest = digest_for(me, MIDSUMMER_THURSDAY)

    assert digest.due_until == date(2026, 6, 23)  # not Monday 22: midsommarafton is off
    assert titles(digest.overdue) == ["Ringa Kramfors", "Skicka material"]
    assert digest.overdue_total == 2
    assert titles(digest.due_soon) == ["Idag", "Efter midsommar"]
    assert digest.due_soon_total == 2
    assert digest.items == 4


def test_working_days_over_jul(ctx, me):
    ctx.config["DIGEST_WORKING_DAYS"] = 1
    follow_up(me, "Mellandagarna", date(2026, 12, 28))
    follow_up(me, "Tisdag", date(2026, 12, 29))
    digest = digest_for(me, date(2026, 12, 23))
    assert digest.due_until == date(2026, 12, 28)
    assert titles(digest.due_soon) == ["Mellandagarna"]


def test_meetings_tomorrow_are_the_users_own_and_not_cancelled(ctx, me):
    colleague = make_reader()
    meeting(me, "Midsommarmöte", date(2026, 6, 19), at=time(9))
    meeting(me, "Tidigt", date(2026, 6, 19), at=time(7, 30))
    meeting(me, "Inställt", date(2026, 6, 19), status=MeetingStatus.CANCELLED)
    meeting(me, "Idag", MIDSUMMER_THURSDAY)
    meeting(me, "I övermorgon", date(2026, 6, 20))
    meeting(colleague, "Kollegans möte", date(2026, 6, 19))
    # Just before and after midnight in Stockholm (summer time, UTC+2).
    meeting(me, "Sent i morgon", date(2026, 6, 19), at=time(23, 30))

    found = meetings_tomorrow(me.id, MIDSUMMER_THURSDAY)

    assert titles(found) == ["Tidigt", "Midsommarmöte", "Sent i morgon"]
    assert found[0].organisations == ("Organisation för Tidigt",)
    assert digest_for(me, MIDSUMMER_THURSDAY).meetings == found


def test_nothing_to_remind_of(ctx, me):
    follow_up(me, "Långt fram", date(2026, 9, 1))
    digest = digest_for(me, MIDSUMMER_THURSDAY)
    assert digest.items == 0


def test_long_lists_are_cut_but_counted(ctx, me):
    for number in range(30):
        follow_up(me, f"Uppgift {number:02d}", date(2026, 5, 1))
    db.session.flush()
    digest = digest_for(me, MIDSUMMER_THURSDAY)
    assert len(digest.overdue) == 25
    assert digest.overdue_total == 30


def test_a_digest_costs_the_same_whatever_the_rows(ctx, me, count_statements):
    def statements() -> int:
        db.session.expire_all()
        with count_statements() as counter:
            digest_for(me, MIDSUMMER_THURSDAY)
        return counter.count

    follow_up(me, "En", date(2026, 6, 1))
    meeting(me, "Ett", date(2026, 6, 19))
    few = statements()
    for number in range(12):
        follow_up(me, f"Fler {number}", date(2026, 6, 2))
        follow_up(me, f"Snart {number}", date(2026, 6, 22))
        meeting(me, f"Möte {number}", date(2026, 6, 19), at=time(8 + number % 8))
    assert statements() == few


def test_silent_municipalities_in_my_plans(ctx, me):
    colleague = make_reader()
    kind = OrganisationKind.KOMMUN
    never = make_organisation(name="Ånge kommun", kind=kind, municipality_code="2260")
    met = make_organisation(name="Sundsvalls kommun", kind=kind, municipality_code="2281")
    long_ago = make_organisation(name="Timrå kommun", kind=kind, municipality_code="2262")
    theirs = make_organisation(name="Härnösands kommun", kind=kind, municipality_code="2280")
    ended = make_organisation(name="Kramfors kommun", kind=kind, municipality_code="2282")
    other = make_organisation(name="Sollefteå kommun", kind=kind, municipality_code="2283")
    held = MeetingStatus.HELD
    meeting(me, "Möte i Sundsvall", date(2026, 5, 1), status=held, organisation=met)
    meeting(me, "Möte i Timrå", date(2025, 11, 1), status=held, organisation=long_ago)
    plan(
        me,
        "Västernorrland",
        date(2026, 9, 30),
        [
            (never, None),
            (met, None),
            (long_ago, None),
            (theirs, colleague),
        ],
    )
    plan(me, "Förra året", date(2026, 6, 1), [(ended, None)])
    plan(colleague, "Kollegans plan", date(2026, 12, 31), [(other, me)])

    digest = digest_for(me, MIDSUMMER_THURSDAY)

    assert digest.silence_months == 6
    found = [(row.organisation.name, row.plan_title) for row in digest.silent]
    # Never met first (by name, then id: the factory sets no sort key), then the longest silence.
    assert set(found[:2]) == {
        ("Sollefteå kommun", "Kollegans plan"),
        ("Ånge kommun", "Västernorrland"),
    }
    assert found[2:] == [("Timrå kommun", "Västernorrland")]
    assert digest.items == 3
    ctx.config["DIGEST_SILENCE_MONTHS"] = 8  # Timrå's 7½ months are not silent then
    names = [row.organisation.name for row in digest_for(me, MIDSUMMER_THURSDAY).silent]
    assert sorted(names) == ["Sollefteå kommun", "Ånge kommun"]
