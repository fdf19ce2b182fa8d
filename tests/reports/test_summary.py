"""The activity summary's figures against the hand-computed world in conftest.py.

October 2026 has six held meetings: Malmö, Lund and Skåne's county board together (5 Oct);
Malmö's social services (12 Oct); the association (15 Oct); Malmö again (20 Oct); a letter to
Migrationsverket, a national agency (21 Oct); Kiruna from 23:30 on 31 October into November.
Not counted: a cancelled and a planned one, Lund in September, Göteborg at 00:30 on 1 November.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from app.meetings.models import MeetingKind
from app.organisations.models import OrganisationKind
from app.reports.meeting_list import held_meeting_rows, held_meetings_page
from app.reports.periods import Period
from app.reports.summary import build_summary, meeting_page, monthly_summary

from .conftest import HYPERLINK, OCTOBER


def labelled(rows) -> dict[str, int]:
    return {row.label: row.count for row in rows}


def test_meetings_by_kind_organisation_kind_and_county(world, seeded):
    with seeded.app_context():
        summary = build_summary(OCTOBER)
    assert summary.held == 6
    assert summary.figures.held_by_kind == {
        MeetingKind.IN_PERSON: 1,
        MeetingKind.DIGITAL: 2,
        MeetingKind.PHONE: 1,
        MeetingKind.CONFERENCE: 1,
        MeetingKind.STUDY_VISIT: 0,
        MeetingKind.WRITTEN: 1,
    }
    assert labelled(summary.held_by_kind)["Digitalt möte"] == 2
    # A meeting counts once per kind it touches; the unit's meeting counts as a municipality's.
    assert labelled(summary.by_organisation_kind) == {
        "Kommun": 4,
        "Länsstyrelse": 1,
        "Region": 0,
        "Myndighet": 1,
        "SKR": 0,
        "Civilsamhälle": 1,
        "Annan": 0,
    }
    # In county code order, the meetings without a county last.
    assert [(r.label, r.count) for r in summary.by_county] == [
        ("Skåne län", 3),
        ("Norrbottens län", 1),
        ("Utan län (nationella organisationer)", 2),
    ]


def test_reach_in_the_period_and_cumulatively(world, seeded):
    with seeded.app_context():
        summary = build_summary(OCTOBER)
    municipalities = summary.municipalities
    # Malmö (three times, once through its unit), Lund, Kiruna; Lund was new in September.
    assert (municipalities.reach.reached, municipalities.reach.new) == (3, 2)
    assert (municipalities.reach.cumulative, municipalities.total) == (3, 290)
    boards = summary.county_boards
    assert (boards.reach.reached, boards.reach.new, boards.reach.cumulative, boards.total) == (
        1,
        1,
        1,
        21,
    )
    # Three municipalities, a county board, the association and the agency.
    assert summary.organisations_reached == summary.organisations_cumulative == 6
    by_kind = {r.kind: r for r in summary.reach}
    assert by_kind[OrganisationKind.CIVILSAMHALLE].reach.reached == 1
    assert by_kind[OrganisationKind.MYNDIGHET].reach.reached == 1
    assert by_kind[OrganisationKind.REGION].reach.reached == 0


def test_november_sees_the_midnight_meeting_and_the_total_so_far(world, seeded):
    with seeded.app_context():
        summary = build_summary(Period(date(2026, 11, 1), date(2026, 11, 30)))
    assert summary.held == 1  # Göteborg at 00:30; Kiruna's late call stays in October
    assert summary.municipalities.reach.reached == 1
    assert summary.municipalities.reach.cumulative == 4


def test_contacts_and_follow_ups(world, seeded):
    with seeded.app_context():
        summary = build_summary(OCTOBER)
    assert summary.new_contacts == 1  # 00:10 on 1 October; not 23:50 on 30 September
    rows = [(o.owner, o.created, o.completed, o.overdue) for o in summary.follow_ups]
    assert rows == [("Anna Andersson", 2, 1, 1), ("Bertil Berg", 1, 0, 1)]
    totals = summary.follow_up_totals
    assert (totals.created, totals.completed, totals.overdue) == (3, 1, 2)
    assert (
        summary.figures.activity.follow_ups_created,
        summary.figures.activity.follow_ups_completed,
    ) == (
        3,
        1,
    )


def test_overdue_is_measured_at_the_period_end(world, seeded):
    with seeded.app_context():
        # On 20 October Anna's "Boka uppföljning" (due that day) is not yet overdue.
        early = build_summary(Period(date(2026, 10, 1), date(2026, 10, 19)))
        on_the_day = build_summary(Period(date(2026, 10, 1), date(2026, 10, 20)))
    assert {o.owner: o.overdue for o in early.follow_ups}.get("Anna Andersson", 0) == 0
    assert {o.owner: o.overdue for o in on_the_day.follow_ups}["Anna Andersson"] == 1


def test_topics_target_groups_and_perspectives(world, seeded):
    with seeded.app_context():
        summary = build_summary(OCTOBER)
    assert labelled(summary.topics) == {"Återvandringsbidrag": 2}  # the same label, folded
    assert labelled(summary.target_groups) == {"Unga vuxna": 1}
    assert labelled(summary.perspectives) == {
        "Barnrättsperspektiv": 1,
        "Funktionshinderperspektiv": 0,
        "Jämställdhetsperspektiv": 1,
    }


def test_the_held_meetings_in_time_order(world, seeded):
    with seeded.app_context():
        streamed = list(held_meeting_rows(OCTOBER))
        paged = held_meetings_page(OCTOBER, offset=0, limit=10)
    assert streamed == paged  # the page and the export list the same meetings alike
    listed = [(m.title, m.starts_at, list(m.organisations)) for m in streamed]
    assert [title for title, *_ in listed] == [
        "Malmö, Lund och länsstyrelsen",
        "Socialtjänsten i Malmö",
        HYPERLINK,
        "Malmö igen",
        "Till Migrationsverket",
        "Kiruna sent",
    ]
    assert listed[-1][1] == datetime(2026, 10, 31, 22, 30, tzinfo=UTC)
    assert listed[1][2] == ["Socialtjänsten, Malmö kommun"]
    # Swedish order: "Länsstyrelsen" before "Malmö", Å-Ö last.
    assert listed[0][2] == ["Lunds kommun", "Länsstyrelsen i Skåne län", "Malmö kommun"]
    assert listed[2][2] == ["Föreningen Återvändo"]
    assert streamed[0].responsible == "Anna Andersson"
    assert streamed[0].outcome == "Överens om att ses igen."
    assert streamed[-1].kind is MeetingKind.PHONE and not streamed[-1].all_day


def test_the_held_meetings_page_by_page(world, seeded):
    with seeded.app_context():
        everything = list(held_meeting_rows(OCTOBER))
        first = meeting_page(OCTOBER, total=6, page=1, per_page=4)
        second = meeting_page(OCTOBER, total=6, page=2, per_page=4)
        beyond = meeting_page(OCTOBER, total=6, page=99, per_page=4)
        before = meeting_page(OCTOBER, total=6, page=-3, per_page=4)
        empty = meeting_page(Period(date(2026, 12, 1), date(2026, 12, 31)), total=0)
    assert first.items == everything[:4] and second.items == everything[4:]
    assert (first.pages, first.first, first.last, first.has_next) == (2, 1, 4, True)
    assert (second.first, second.last, second.has_prev, second.has_next) == (5, 6, True, False)
    assert beyond.page == 2 and beyond.items == second.items  # past the end: the last page
    assert before.page == 1 and before.items == first.items
    assert empty.items == [] and empty.total == 0 and empty.pages == 0


def test_the_twelve_months_behind_the_charts(world, seeded):
    with seeded.app_context():
        summary = monthly_summary(OCTOBER)
    months = [b.period.month_key for b in summary.series]
    assert months[0] == "2025-11" and months[-1] == "2026-10" and len(months) == 12
    held = {b.period.month_key: b.held for b in summary.series}
    assert held["2026-09"] == 1 and held["2026-10"] == 6 and sum(held.values()) == 7
    cumulative = [b.municipalities.cumulative for b in summary.series]
    assert cumulative == [0] * 10 + [1, 3]
    # The period's own figures are the same as without a series.
    assert summary.held == 6 and summary.municipalities.reach.reached == 3


def test_an_empty_database(seeded):
    with seeded.app_context():
        summary = monthly_summary(OCTOBER)
        assert list(held_meeting_rows(OCTOBER)) == []
    assert summary.held == 0 and summary.follow_ups == []
    assert summary.by_county == [] and summary.topics == []
    assert summary.municipalities.total == 290
    assert [b.held for b in summary.series] == [0] * 12


def test_what_is_in_the_trash_is_not_counted(world, seeded):
    from sqlalchemy import select

    from app.common.time import utcnow
    from app.contacts.models import Contact
    from app.extensions import db
    from app.followups.models import FollowUp
    from app.meetings.models import Meeting

    with seeded.app_context():
        for model, condition in (
            (Contact, Contact.first_name == "Oktober"),
            (FollowUp, FollowUp.title == "Skicka material"),  # Anna's completed one
            (FollowUp, FollowUp.title == "Svara Lund"),  # Bertil's overdue one
            (Meeting, Meeting.title == "Till Migrationsverket"),
        ):
            db.session.scalars(select(model).where(condition)).one().deleted_at = utcnow()
        db.session.flush()
        summary = build_summary(OCTOBER)
        db.session.rollback()
    assert summary.new_contacts == 0 and summary.held == 5
    rows = [(o.owner, o.created, o.completed, o.overdue) for o in summary.follow_ups]
    assert rows == [("Anna Andersson", 1, 0, 1), ("Bertil Berg", 1, 0, 0)]
