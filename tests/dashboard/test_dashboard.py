"""The start page: the week's meetings (ISO week numbers around New Year), my overdue and
due-soon follow-ups, recently logged meetings, and coverage against hand-computed data."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from app.aggregates.coverage import coverage
from app.auth.models import User
from app.common.time import iso_week, local_to_utc, local_today, week_bounds
from app.dashboard import services
from app.extensions import db
from app.followups.services import FollowUpValues, complete_follow_up, create_follow_up
from app.meetings.models import MeetingKind, MeetingStatus
from app.meetings.services import MeetingValues, schedule_meeting
from app.organisations.models import Organisation, OrganisationKind

from ..factories import make_organisation, make_user

TODAY = date(2026, 11, 25)  # a Wednesday in ISO week 48


def organisation(code: str) -> Organisation:
    return db.session.scalar(select(Organisation).filter_by(municipality_code=code))


def county_board(county: str) -> Organisation:
    return db.session.scalar(select(Organisation).filter_by(reference_key=f"lansstyrelse:{county}"))


def meet(title, day, organisations, *, status=MeetingStatus.HELD, at=time(10), hours=1, **extra):
    """A meeting at a Stockholm day and time."""
    start = local_to_utc(day, at)
    values = MeetingValues(
        title=title,
        kind=MeetingKind.IN_PERSON,
        status=status,
        starts_at=start,
        ends_at=start + timedelta(hours=hours),
        all_day=extra.pop("all_day", False),
        responsible_id=extra.pop("responsible_id", 1),
        organisation_ids=[o.id for o in organisations],
        **extra,
    )
    return schedule_meeting(values=values, by=None)


@pytest.fixture
def team(seeded, users, app):
    with app.app_context():
        me = db.session.scalar(select(User).filter_by(email=users["coordinator"]))
        colleague = db.session.scalar(select(User).filter_by(email=users["admin"]))
        return {"me": me.id, "colleague": colleague.id}


class TestCoverage:
    def test_figures_against_hand_computed_data(self, team, app):
        with app.app_context():
            malmo, lund, kiruna = organisation("1280"), organisation("1281"), organisation("2584")
            social_services = make_organisation(
                name="Socialtjänsten", kind=OrganisationKind.KOMMUN, parent_id=malmo.id
            )
            association = make_organisation(name="Föreningen")
            skane = county_board("12")
            # Malmö through its unit last month, and directly with Lund this month: once.
            meet("Socialtjänsten i oktober", date(2026, 10, 15), [social_services])
            meet("Malmö och Lund", date(2026, 11, 10), [malmo, lund])
            meet("Malmö igen", date(2026, 11, 12), [malmo])
            # A Stockholm month: 00:30 on 1 November is 31 October in UTC.
            meet("Länsstyrelsen vid midnatt", date(2026, 11, 1), [skane], at=time(0, 30))
            # 23:30 on 31 October is last month, although it runs into November.
            meet("Kiruna sent", date(2026, 10, 31), [kiruna], at=time(23, 30), hours=2)
            # Neither cancelled nor planned meetings count; nor other kinds.
            meet(
                "Inställt",
                date(2026, 11, 11),
                [organisation("1480")],
                status=MeetingStatus.CANCELLED,
            )
            meet(
                "Planerat", date(2026, 11, 30), [organisation("0180")], status=MeetingStatus.PLANNED
            )
            meet("Föreningen", date(2026, 11, 3), [association])
            # September is neither this nor last month, but counts in the total.
            meet("Uppsala i september", date(2026, 9, 2), [organisation("0380")])
            db.session.commit()

            figures = coverage(TODAY)
        municipalities = figures.municipalities
        assert (municipalities.reached, municipalities.total) == (4, 290)
        assert municipalities.reached_this_month == 2  # Malmö, Lund
        assert municipalities.reached_last_month == 2  # Malmö (via its unit), Kiruna
        assert municipalities.new_this_month == 1  # Lund
        boards = figures.county_boards
        assert (boards.reached, boards.total) == (1, 21)
        assert (boards.reached_this_month, boards.reached_last_month, boards.new_this_month) == (
            1,
            0,
            1,
        )
        # Held this month: Malmö och Lund, Malmö igen, Länsstyrelsen, Föreningen.
        assert (figures.held_this_month, figures.held_last_month) == (4, 2)

    def test_january_compares_with_december(self, team, app):
        with app.app_context():
            meet("December", date(2026, 12, 31), [organisation("1280")], at=time(23))
            db.session.commit()
            figures = coverage(date(2027, 1, 15))
        assert figures.last_month_start == date(2026, 12, 1)
        assert figures.municipalities.reached_last_month == 1
        assert figures.municipalities.reached_this_month == 0
        assert (figures.held_this_month, figures.held_last_month) == (0, 1)

    def test_an_empty_database(self, app):
        with app.app_context():
            figures = coverage(TODAY)
        assert figures.municipalities.reached == 0 and figures.municipalities.percent == 0


@pytest.mark.parametrize(
    ("day", "week", "next_week"),
    [
        (date(2026, 11, 25), 48, 49),
        (date(2026, 12, 31), 53, 1),  # 2026 has 53 weeks
        (date(2027, 1, 1), 53, 1),  # 1 January 2027 still belongs to week 53 of 2026
        (date(2027, 1, 3), 53, 1),
        (date(2027, 1, 4), 1, 2),
        (date(2025, 12, 29), 1, 2),  # 29 December 2025 is already week 1 of 2026
        (date(2027, 12, 31), 52, 1),
    ],
)
def test_week_numbers_around_new_year(app, day, week, next_week):
    with app.app_context():
        this, following = services.this_and_next_week(day, user_id=None)
    assert (
        (this.number, following.number)
        == (week, next_week)
        == (
            iso_week(day),
            iso_week(day + timedelta(days=7)),
        )
    )
    assert this.monday.weekday() == 0 and this.monday <= day <= this.sunday


def headings(page: str) -> list[str]:
    return re.findall(r'<a href="/moten/\d+">([^<]*)</a>', page)


def test_the_start_page(team, as_role, app, monkeypatch):
    import app.common.time as timing

    monkeypatch.setattr(timing, "utcnow", lambda: datetime(2026, 11, 25, 9, tzinfo=UTC))
    with app.app_context():
        malmo = organisation("1280")
        unit = make_organisation(
            name="Socialtjänsten", kind=OrganisationKind.KOMMUN, parent_id=malmo.id
        )
        mine = {"responsible_id": team["me"]}
        meet("Mitt möte i veckan", date(2026, 11, 26), [unit], status=MeetingStatus.PLANNED, **mine)
        meet(
            "Jag deltar",
            date(2026, 11, 23),
            [malmo],
            responsible_id=team["colleague"],
            team_ids=[team["me"]],
        )
        meet("Kollegans möte", date(2026, 11, 27), [malmo], responsible_id=team["colleague"])
        meet("Inställt möte", date(2026, 11, 27), [malmo], status=MeetingStatus.CANCELLED, **mine)
        meet("Nästa veckas möte", date(2026, 12, 1), [malmo], status=MeetingStatus.PLANNED, **mine)
        meet("Heldag", date(2026, 12, 4), [malmo], at=time(0), hours=24, all_day=True, **mine)
        meet("Förra veckans möte", date(2026, 11, 20), [malmo], **mine)
        for title, due in [
            ("Skicka rutinen", date(2026, 11, 24)),
            ("Ring tillbaka", date(2026, 11, 25)),
            ("Boka uppföljning", date(2026, 12, 1)),
            ("Långt fram", date(2026, 12, 20)),
        ]:
            create_follow_up(
                values=FollowUpValues(title=title, owner_id=team["me"], due_on=due),
                by=None,
                today=TODAY,
            )
        done = create_follow_up(
            values=FollowUpValues(
                title="Redan klar", owner_id=team["me"], due_on=date(2026, 11, 1)
            ),
            by=None,
            today=TODAY,
        )
        complete_follow_up(done, note="", by=None, today=TODAY)
        create_follow_up(
            values=FollowUpValues(
                title="Kollegans sak", owner_id=team["colleague"], due_on=date(2026, 11, 2)
            ),
            by=None,
            today=TODAY,
        )
        db.session.commit()

    client = as_role("coordinator")
    page = client.get("/").text
    this_week, rest = page.split("Nästa vecka", 1)
    assert "v. 48" in this_week and "v. 49" in rest
    assert headings(this_week)[:2] == ["Jag deltar", "Mitt möte i veckan"]
    assert "Socialtjänsten, Malmö kommun" in this_week
    assert (
        "Kollegans möte" not in this_week and "Inställt möte" not in page.split("Senast loggade")[0]
    )
    assert "Förra veckans möte" not in this_week
    assert "onsdag 25 november" not in this_week  # no meeting that day
    assert "torsdag 26 november" in this_week
    next_week = rest.split("Mina uppföljningar")[0]
    assert headings(next_week) == ["Nästa veckas möte", "Heldag"]
    assert "fredag 4 december" in next_week and ">Heldag</span>" in next_week

    follow_ups = page.split("Mina uppföljningar")[1].split("Täckning")[0]
    overdue, soon = follow_ups.split("Inom en vecka")
    assert "Skicka rutinen" in overdue and "Ring tillbaka" not in overdue
    assert "Ring tillbaka" in soon and "Boka uppföljning" in soon and "Långt fram" not in soon
    assert "Redan klar" not in follow_ups and "Kollegans sak" not in follow_ups

    coverage_part = page.split("Täckning")[1].split("Senast loggade")[0]
    assert re.search(r"1</data>\s*<span class=\"stat__of\">av 290</span>", coverage_part)

    team_page = client.get("/?moten=teamet").text.split("Nästa vecka")[0]
    assert "Kollegans möte" in team_page and "Inställt möte" not in team_page

    recent = page.split("Senast loggade möten")[1]
    assert headings(recent)[:2] == ["Förra veckans möte", "Heldag"]  # newest entry first


def test_readers_see_the_start_page_without_edit_controls(team, as_role, app):
    with app.app_context():
        create_follow_up(
            values=FollowUpValues(title="Att göra", owner_id=1, due_on=date(2026, 11, 1)),
            by=None,
            today=TODAY,
        )
        db.session.commit()
    page = as_role("reader").get("/").text
    assert "Mina möten" in page and "Logga möte" not in page and ">Klar<" not in page


def test_statement_count_is_constant(team, as_role, app, count_statements):
    client = as_role("coordinator")
    today = local_today()
    monday = week_bounds(today)[0]

    def add(count):
        with app.app_context():
            malmo = organisation("1280")
            board = county_board("12")
            for number in range(count):
                unit = make_organisation(
                    name=f"Enhet {number}", kind=OrganisationKind.KOMMUN, parent_id=malmo.id
                )
                day = monday + timedelta(days=number % 14)
                meet(f"Möte {number}", day, [unit, board], responsible_id=team["me"])
                create_follow_up(
                    values=FollowUpValues(
                        title=f"Sak {number}",
                        owner_id=team["me"],
                        due_on=today + timedelta(days=number % 10 - 5),
                        organisation_id=unit.id,
                    ),
                    by=None,
                    today=today,
                )
            make_user()
            db.session.commit()

    counts = []
    for count in (12, 60):  # both sizes fill both weeks and both follow-up lists
        add(count)
        for view in ("/", "/?moten=teamet"):
            with count_statements() as counter:
                assert client.get(view).status_code == 200
            counts.append(counter.count)
    assert counts[0] == counts[2] and counts[1] == counts[3], counts
    assert max(counts) <= 15, counts  # +1: the contact plans' section (app/plans)


def test_a_busy_fortnight_shows_a_bounded_list_with_the_true_count(team, app):
    today = local_today()
    monday = week_bounds(today)[0]
    with app.app_context():
        malmo = organisation("1280")
        for number in range(2 * services.WEEK_LIMIT + 5):
            meet(f"Möte {number}", monday + timedelta(days=number % 5), [malmo])
        meet("Nästa vecka", monday + timedelta(days=8), [malmo])
        db.session.commit()
        this, following = services.this_and_next_week(today, user_id=None)
    assert this.total == 2 * services.WEEK_LIMIT + 5 and this.shown == services.WEEK_LIMIT
    assert following.total == following.shown == 1
    assert this.more_than is None and following.more_than is None


def test_a_week_beyond_the_count_limit_says_more_than(team, app, as_role, monkeypatch):
    """A week's meetings are counted up to WEEK_COUNT_LIMIT: above it the page says "fler
    än" instead of a count it did not make."""
    monkeypatch.setattr(services, "WEEK_COUNT_LIMIT", services.WEEK_LIMIT + 2)
    today = local_today()
    monday = week_bounds(today)[0]
    with app.app_context():
        malmo = organisation("1280")
        for number in range(services.WEEK_LIMIT + 3):
            meet(f"Möte {number}", monday + timedelta(days=number % 5), [malmo])
        for number in range(services.WEEK_LIMIT + 2):
            meet(f"Nästa {number}", monday + timedelta(days=7 + number % 5), [malmo])
        db.session.commit()
        this, following = services.this_and_next_week(today, user_id=None)
    assert this.total == services.WEEK_LIMIT + 3 and this.more_than == services.WEEK_LIMIT + 2
    assert following.total == services.WEEK_LIMIT + 2 and following.more_than is None
    page = as_role("coordinator").get("/?moten=teamet").text
    assert f"Visa veckans alla möten (fler än {services.WEEK_LIMIT + 2})" in page
    assert f"Visa veckans alla {services.WEEK_LIMIT + 2} möten" in page


def test_my_follow_ups_beyond_the_count_limit_say_more_than(team, app, as_role, monkeypatch):
    """My overdue follow-ups and those due within a week are counted up to
    FOLLOW_UP_COUNT_LIMIT: above it the badge says "fler än" instead of a count it did not
    make; at the limit it counts exactly."""
    limit = services.FOLLOW_UP_LIMIT
    monkeypatch.setattr(services, "FOLLOW_UP_COUNT_LIMIT", limit + 1)
    today = local_today()
    with app.app_context():
        for number in range(limit + 3):
            create_follow_up(
                values=FollowUpValues(
                    title=f"Sen {number}", owner_id=team["me"], due_on=today - timedelta(days=1)
                ),
                by=None,
                today=today,
            )
        for number in range(limit + 1):
            create_follow_up(
                values=FollowUpValues(title=f"Snart {number}", owner_id=team["me"], due_on=today),
                by=None,
                today=today,
            )
        db.session.commit()
        mine = services.my_follow_ups(team["me"], today)
    assert mine.overdue_total == limit + 2 and mine.overdue_more_than == limit + 1
    assert mine.due_soon_total == limit + 1 and mine.due_soon_more_than is None
    page = as_role("coordinator").get("/").text
    assert f'badge--alert">fler än {limit + 1}</span>' in page
    assert f'<span class="badge">{limit + 1}</span>' in page


def test_my_follow_ups_are_the_most_urgent_of_each_kind_with_the_true_counts(team, app):
    """Each list stops at its limit, in due order, and counts all of its kind; closed,
    trashed, later and other people's follow-ups are in neither list nor count."""
    from app.trash.services import move_to_trash

    limit = services.FOLLOW_UP_LIMIT
    with app.app_context():
        me = db.session.get(User, team["me"])

        def add(title, due, owner=team["me"]):
            return create_follow_up(
                values=FollowUpValues(title=title, owner_id=owner, due_on=due),
                by=None,
                today=TODAY,
            )

        for number in range(limit + 3):  # overdue, the oldest last-made
            add(f"Sen {number}", TODAY - timedelta(days=limit + 3 - number))
        for number in range(limit + 2):  # due within the week, two on each day
            add(f"Snart {number}", TODAY + timedelta(days=number // 2))
        add("Om två veckor", TODAY + timedelta(days=14))
        add("Kollegans", TODAY - timedelta(days=30), owner=team["colleague"])
        complete_follow_up(add("Klar", TODAY - timedelta(days=40)), note="", by=None, today=TODAY)
        move_to_trash(add("Borttagen", TODAY - timedelta(days=50)), by=me)
        db.session.commit()

        mine = services.my_follow_ups(team["me"], TODAY)
        assert [f.title for f in mine.overdue] == [f"Sen {n}" for n in range(limit)]
        assert mine.overdue_total == limit + 3
        assert [f.title for f in mine.due_soon] == [f"Snart {n}" for n in range(limit)]
        assert mine.due_soon_total == limit + 2

        assert services.my_follow_ups(team["colleague"], TODAY).overdue_total == 1
        nothing = services.my_follow_ups(team["me"], TODAY - timedelta(days=400))
        assert (nothing.overdue, nothing.overdue_total, nothing.due_soon_total) == ([], 0, 0)
