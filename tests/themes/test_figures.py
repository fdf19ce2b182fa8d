"""The theme figures against a hand-computed fixture.

Period: January and February 2026 (Stockholm days).

| theme, side            | who (date in Stockholm)                          | counted |
|------------------------|--------------------------------------------------|---------|
| Tolk, utmaning         | Kramfors (01-10, meeting)                         | yes     |
|                        | Kramfors again (02-05, meeting)                   | once    |
|                        | Härnösand's social services (02-10, a unit)       | as Härnösand |
|                        | Umeå (answer submitted 01-31 23:10 UTC = 02-01)   | yes, in February |
|                        | Migrationsverket (01-15, with Kramfors; chosen)   | no (agency) |
|                        | Sollefteå (2025-12-31 23:30, before)              | no      |
|                        | Sollefteå (02-28 23:30 UTC = 03-01 00:30, after)  | no      |
| Tolk, möjlighet        | Kramfors (01-10)                                  | yes     |
| Kunskap, utmaning      | Umeå (02-20)                                      | yes     |

So Tolk/utmaning: 3 municipalities (Västernorrland 2, Västerbotten 1; January 1, February 3);
Tolk/möjlighet 1; Kunskap/utmaning 1 (Västerbotten; February).
"""

from __future__ import annotations

from datetime import date

import pytest

from app.extensions import db
from app.questionnaires.models import QuestionnaireStatus
from app.themes import figures, services
from app.themes.models import Theme, ThemeSide

from ..factories import make_user
from ..questionnaires.builders import make_questionnaire, make_response, questions_of
from .world import meeting, organisation, theme, unit_of, utc

FIRST, LAST = date(2026, 1, 1), date(2026, 2, 28)
CH, OPP = ThemeSide.CHALLENGE, ThemeSide.OPPORTUNITY


@pytest.fixture
def fixture(seeded, ctx):
    user = make_user()
    kramfors, harnosand = organisation("Kramfors kommun"), organisation("Härnösands kommun")
    solleftea, umea = organisation("Sollefteå kommun"), organisation("Umeå kommun")
    agency = organisation("Migrationsverket")
    tolk, kunskap = theme("Tolk"), theme("Kunskap hos handläggare")

    def code(orgs, when, which, side, chosen=None):
        held = meeting(orgs, when, by=user)
        services.code_meeting(held, theme=which, side=side, organisations=chosen, by=user)

    code([kramfors], utc(2026, 1, 10, 9), tolk, CH)
    code([kramfors], utc(2026, 1, 10, 13), tolk, OPP)
    code([kramfors], utc(2026, 2, 5, 9), tolk, CH)
    code([unit_of(harnosand)], utc(2026, 2, 10, 9), tolk, CH)
    code([kramfors, agency], utc(2026, 1, 15, 9), tolk, CH, chosen=[agency])
    code([solleftea], utc(2025, 12, 31, 22, 30), tolk, CH)
    code([solleftea], utc(2026, 2, 28, 23, 30), tolk, CH)
    code([umea], utc(2026, 2, 20, 9), kunskap, CH)
    questionnaire = make_questionnaire(status=QuestionnaireStatus.SENT)
    text = questions_of(questionnaire)[5]
    response = make_response(
        questionnaire, umea, {text.id: "Tolkar saknas"}, submitted_at=utc(2026, 1, 31, 23, 10)
    )
    services.code_answer(response, text, theme=tolk, side=CH, by=user)
    return tolk.id, kunskap.id


def test_municipalities_per_theme(fixture):
    tolk, kunskap = fixture
    assert figures.municipalities_per_theme(FIRST, LAST) == {
        (tolk, CH): 3,
        (tolk, OPP): 1,
        (kunskap, CH): 1,
    }


def test_period_bounds_are_stockholm_days(fixture):
    tolk, _kunskap = fixture
    # Sollefteå's late-December meeting is 31 December in Stockholm (1 January never).
    assert figures.municipalities_per_theme(date(2025, 12, 31), date(2025, 12, 31)) == {
        (tolk, CH): 1
    }
    # Its meeting at 23:30 UTC on 28 February is on 1 March in Stockholm.
    assert figures.municipalities_per_theme(date(2026, 3, 1), date(2026, 3, 31)) == {(tolk, CH): 1}
    # Umeå's answer sent 23:10 UTC on 31 January counts on 1 February.
    assert figures.municipalities_per_theme(date(2026, 2, 1), date(2026, 2, 1)) == {(tolk, CH): 1}
    assert figures.municipalities_per_theme(date(2026, 1, 11), date(2026, 1, 31)) == {}


def test_per_county(fixture):
    tolk, kunskap = fixture
    assert figures.municipalities_per_county(FIRST, LAST) == {
        (tolk, CH): {"22": 2, "24": 1},
        (tolk, OPP): {"22": 1},
        (kunskap, CH): {"24": 1},
    }


def test_per_month(fixture):
    tolk, kunskap = fixture
    assert figures.municipalities_per_month(FIRST, LAST) == {
        (tolk, CH): {"2026-01": 1, "2026-02": 3},
        (tolk, OPP): {"2026-01": 1},
        (kunskap, CH): {"2026-02": 1},
    }


def test_the_lagesbild_part(fixture):
    page = figures.theme_picture(FIRST, LAST)  # the page: the national figure only
    assert [(r.name, r.municipalities, r.per_county, r.per_month) for r in page.side(CH)] == [
        ("Tolk", 3, [], []),
        ("Kunskap hos handläggare", 1, [], []),
    ]
    picture = figures.theme_picture(FIRST, LAST, breakdowns=True)  # the Excel file
    assert picture.months == ["2026-01", "2026-02"]
    assert [(r.name, r.side, r.municipalities) for r in picture.side(CH)] == [
        ("Tolk", CH, 3),
        ("Kunskap hos handläggare", CH, 1),
    ]
    first = picture.side(CH)[0]
    assert first.per_county == [("Västernorrlands län", 2), ("Västerbottens län", 1)]
    assert first.per_month == [("2026-01", 1), ("2026-02", 3)]
    kunskap_row = picture.side(CH)[1]
    assert kunskap_row.per_month == [("2026-01", 0), ("2026-02", 1)]
    assert [r.name for r in picture.side(OPP)] == ["Tolk"]
    assert "en gång per tema och sida" in picture.figure.text


def test_a_themes_breakdown_on_its_page(fixture):
    tolk, kunskap = fixture
    theme = db.session.get(Theme, tolk)
    breakdown = figures.theme_breakdown(theme, FIRST, LAST)
    challenge, opportunity = (  # sorted by the side's value: mojlighet, utmaning
        breakdown.rows[1],
        breakdown.rows[0],
    )
    assert (challenge.side, challenge.municipalities) == (CH, 3)
    assert challenge.per_county == [("Västernorrlands län", 2), ("Västerbottens län", 1)]
    assert challenge.per_month == [("2026-01", 1), ("2026-02", 3)]
    assert (opportunity.side, opportunity.municipalities) == (OPP, 1)
    assert opportunity.per_month == [("2026-01", 1), ("2026-02", 0)]
    other = figures.theme_breakdown(db.session.get(Theme, kunskap), FIRST, LAST)
    assert [(r.side, r.municipalities, r.per_county) for r in other.rows] == [
        (CH, 1, [("Västerbottens län", 1)])
    ]


def test_month_keys_and_default_period():
    assert figures.month_keys(date(2025, 11, 15), date(2026, 2, 1)) == [
        "2025-11",
        "2025-12",
        "2026-01",
        "2026-02",
    ]
    assert figures.default_period(date(2026, 12, 6)) == (date(2026, 1, 1), date(2026, 12, 31))
    assert figures.default_period(date(2026, 3, 31)) == (date(2025, 4, 1), date(2026, 3, 31))


def test_a_meeting_in_the_trash_is_not_counted(fixture):
    from sqlalchemy import select

    from app.extensions import db
    from app.meetings.models import Meeting
    from app.trash.services import move_to_trash

    tolk, kunskap = fixture
    umea_meeting = db.session.scalars(
        select(Meeting).where(Meeting.starts_at == utc(2026, 2, 20, 9))
    ).one()
    move_to_trash(umea_meeting, by=make_user())
    db.session.flush()
    counts = figures.municipalities_per_theme(FIRST, LAST)
    assert (kunskap, CH) not in counts
    assert counts[(tolk, CH)] == 3  # Umeå's answer still counts for Tolk
