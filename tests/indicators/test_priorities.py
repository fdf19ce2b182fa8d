"""The prioritisation view: map classes and legend, the ranking against a hand-computed
fixture (engagement stage, Möte hållet from the maintained figures, time since the last held
meeting), the "no meeting held" filter, the exports, the mailing and the contact plan one
click away, the municipality page's section, roles and statement counts."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.auth.models import User
from app.common.time import local_today
from app.extensions import db
from app.indicators import queries
from app.indicators.classes import (
    NO_FIGURE,
    SEQUENTIAL,
    MapFigure,
    class_ends,
    class_of,
    colour_figures,
    format_figure,
    palette,
)
from app.indicators.models import Indicator, IndicatorValue
from app.mailings.models import Mailing
from app.mailings.recipients import choose
from app.meetings.models import MeetingKind, MeetingStatus
from app.meetings.services import MeetingValues, schedule_meeting
from app.organisations.models import Organisation, OrganisationKind
from app.organisations.stages import Stage

from ..factories import make_organisation

# --- The map's classes, without Flask -------------------------------------------------------


def test_quintiles_of_ten_figures():
    values = [float(v) for v in range(1, 11)]
    assert class_ends(values) == [2, 4, 6, 8, 10]
    assert [class_of(v, class_ends(values)) for v in values] == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4]


def test_repeated_figures_make_fewer_classes():
    assert class_ends([1.0, 1.0, 1.0, 1.0, 5.0]) == [1.0, 5.0]
    assert palette(2) == [SEQUENTIAL[0], SEQUENTIAL[-1]]
    assert palette(1) == [SEQUENTIAL[-1]]
    assert palette(5) == list(SEQUENTIAL)
    assert class_ends([]) == []


def test_colours_and_legend_of_seven_municipalities_and_one_without_a_figure():
    figures = [
        MapFigure(index, f"Kommun {index}", f"{index:04d}", value)
        for index, value in enumerate([18.5, 20.0, 22.1, 25.6, 27.0, 30.0, 35.4, None], start=1)
    ]
    coloured = colour_figures(
        figures,
        href=lambda i: f"/organisationer/{i}",
        label=lambda v: format_figure(v),
        no_figure_label="inget värde",
    )
    # n = 7: the classes end at positions ceil(k·7/5) = 2, 3, 5, 6, 7.
    assert [(b.lower, b.upper, b.count) for b in coloured.bands] == [
        (18.5, 20.0, 2),
        (22.1, 22.1, 1),
        (25.6, 27.0, 2),
        (30.0, 30.0, 1),
        (35.4, 35.4, 1),
    ]
    assert [b.fill for b in coloured.bands] == list(SEQUENTIAL)
    assert coloured.missing == 1
    assert coloured.areas["0007"].fill == SEQUENTIAL[4]
    assert coloured.areas["0007"].title == "Kommun 7: 35,4"
    assert coloured.areas["0008"].fill == NO_FIGURE
    assert coloured.areas["0008"].title == "Kommun 8: inget värde"
    assert coloured.areas["0001"].href == "/organisationer/1"


def test_figures_are_written_the_swedish_way():
    assert format_figure(12345.6) == "12\xa0345,6"
    assert format_figure(12345.6, "en") == "12,345.6"
    assert format_figure(None) == ""


# --- The ranking --------------------------------------------------------------------------

FIGURES = {
    "0180": 25.6,  # Stockholm
    "1280": 35.4,  # Malmö: a held meeting
    "1480": 27.0,  # Göteborg: a held meeting with its social services
    "0380": 20.0,  # Uppsala
    "0580": 18.5,  # Linköping
    "1880": 22.1,  # Örebro
    "0114": 30.0,  # Upplands Väsby: only a planned meeting
}


def ids_by_code() -> dict[str, int]:
    return dict(
        db.session.execute(
            select(Organisation.municipality_code, Organisation.id).where(
                Organisation.municipality_code.in_(FIGURES)
            )
        ).all()
    )


def meeting(organisation_id: int, status: MeetingStatus, day: datetime) -> None:
    schedule_meeting(
        values=MeetingValues(
            title="Dialog",
            kind=MeetingKind.DIGITAL,
            status=status,
            starts_at=day,
            ends_at=day.replace(hour=day.hour + 1),
            all_day=False,
            responsible_id=1,
            organisation_ids=[organisation_id],
        ),
        by=None,
    )


@pytest.fixture
def world(seeded, users):
    """Seven municipalities with 2024 figures, Malmö met, Göteborg met through a unit,
    Upplands Väsby with a planned meeting only; Örebro in dialogue."""
    with seeded.app_context():
        codes = ids_by_code()
        indicator = Indicator(name="Utrikes födda", unit="procent", source="Kolada N02926")
        db.session.add(indicator)
        db.session.flush()
        for code, value in FIGURES.items():
            db.session.add(
                IndicatorValue(
                    indicator_id=indicator.id,
                    organisation_id=codes[code],
                    year=2024,
                    value=value,
                    source="Kolada N02926 (kolada.csv)",
                )
            )
        db.session.add(
            IndicatorValue(
                indicator_id=indicator.id, organisation_id=codes["0180"], year=2023, value=1.0
            )
        )
        unit = make_organisation(
            name="Socialtjänsten", kind=OrganisationKind.ENHET, parent_id=codes["1480"]
        )
        meeting(codes["1280"], MeetingStatus.HELD, datetime(2026, 10, 1, 9, tzinfo=UTC))
        meeting(unit.id, MeetingStatus.HELD, datetime(2026, 11, 20, 9, tzinfo=UTC))
        meeting(codes["0114"], MeetingStatus.PLANNED, datetime(2026, 12, 20, 9, tzinfo=UTC))
        db.session.get(Organisation, codes["1880"]).engagement_stage = Stage.IN_DIALOGUE
        db.session.commit()
        return {"indicator": indicator.id, **codes}


def test_the_ranking_by_hand(seeded, world):
    with seeded.app_context():
        ranked = queries.ranking(world["indicator"], 2024)
        assert [(r.rank, r.code, r.value, r.met) for r in ranked] == [
            (1, "1280", 35.4, True),
            (2, "0114", 30.0, False),
            (3, "1480", 27.0, True),
            (4, "0180", 25.6, False),
            (5, "1880", 22.1, False),
            (6, "0380", 20.0, False),
            (7, "0580", 18.5, False),
        ]
        malmo = ranked[0]
        assert malmo.held == 1
        assert malmo.days_since(date(2026, 12, 6)) == 66
        assert ranked[2].days_since(date(2026, 12, 6)) == 16
        assert ranked[1].last_held is None and ranked[1].days_since(date(2026, 12, 6)) is None
        assert ranked[4].stage is Stage.IN_DIALOGUE
        assert ranked[3].stage is Stage.NOT_CONTACTED
        # No meeting held: the places kept.
        not_met = queries.ranking(world["indicator"], 2024, not_met_only=True)
        assert [(r.rank, r.code) for r in not_met] == [
            (2, "0114"),
            (4, "0180"),
            (5, "1880"),
            (6, "0380"),
            (7, "0580"),
        ]
        assert [r.code for r in queries.ranking(world["indicator"], 2023)] == ["0180"]


def test_the_page_shows_map_legend_and_ranking(seeded, world, as_role):
    client = as_role("coordinator")
    page = client.get(f"/indikatorer/prioritering?indikator={world['indicator']}&ar=2024").text
    assert 'class="map"' in page and "map__area--class-5" in page
    legend = re.findall(r'<li data-fill="([^"]+)">.*?legend__count">([^<]+)<', page)
    assert legend == [
        (SEQUENTIAL[0], "2 kommuner"),
        (SEQUENTIAL[1], "1 kommun"),
        (SEQUENTIAL[2], "2 kommuner"),
        (SEQUENTIAL[3], "1 kommun"),
        (SEQUENTIAL[4], "1 kommun"),
        (NO_FIGURE, "283 kommuner"),
    ]
    assert "18,5–20" in page
    ranking = page[page.index('id="ranking"') :]
    names = re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a>', ranking)
    assert names == [
        "Malmö kommun",
        "Upplands Väsby kommun",
        "Göteborgs kommun",
        "Stockholms kommun",
        "Örebro kommun",
        "Uppsala kommun",
        "Linköpings kommun",
    ]
    assert "Möte hållet" in page and "Kolada N02926" in page
    # Only those without a meeting held, the first ten.
    page = client.get(
        f"/indikatorer/prioritering?indikator={world['indicator']}&ar=2024&utan_mote=1&topp=10"
    ).text
    ranking = page[page.index('id="ranking"') :]
    assert len(re.findall(r'<th scope="row">', ranking)) == 5
    assert "5 kommuner utan möte hållet har ett värde." in page
    # The newest year is chosen when none is asked for; a year without figures likewise.
    page = client.get(f"/indikatorer/prioritering?indikator={world['indicator']}&ar=1999").text
    assert '<option selected value="2024">' in page


def test_the_exports(seeded, world, as_role):
    client = as_role("reader")
    response = client.get(
        f"/indikatorer/prioritering.xlsx?indikator={world['indicator']}&ar=2024&utan_mote=1"
    )
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.data))
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert rows[0][:7] == (
        "Rang",
        "Kommun",
        "Kommunkod",
        "Län",
        "Värde (procent)",
        "Engagemangssteg",
        "Möte hållet",
    )
    assert [(r[0], r[2], r[4], r[6]) for r in rows[1:]] == [
        (2, "0114", 30.0, "Nej"),
        (4, "0180", 25.6, "Nej"),
        (5, "1880", 22.1, "Nej"),
        (6, "0380", 20.0, "Nej"),
        (7, "0580", 18.5, "Nej"),
    ]
    about = dict(list(workbook.worksheets[1].iter_rows(values_only=True))[1:])
    assert about["Indikator"] == "Utrikes födda" and about["Källa"] == "Kolada N02926"
    assert "utan möte hållet" in about["Urval"]
    response = client.get(f"/indikatorer/prioritering.csv?indikator={world['indicator']}&ar=2024")
    assert response.data.startswith(b"\xef\xbb\xbf")
    text = response.data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[1][:2] == ["Rang", "Kommun"] and rows[2][1] == "Malmö kommun"
    assert rows[2][4] == "35,4"


def test_one_click_to_a_mailing_to_the_municipalities(seeded, world, as_role):
    client = as_role("coordinator")
    arguments = f"indikator={world['indicator']}&ar=2024&utan_mote=1&topp=10"
    page = client.get(f"/indikatorer/prioritering?{arguments}").text
    link = re.search(r'href="([^"]+)" id="mailing-link"', page).group(1).replace("&amp;", "&")
    assert link.startswith("/utskick/nytt?")
    form = client.get(link).text
    assert "5 organisationer matchar urvalet." in form
    assert "utan möte hållet" in form
    response = client.post(link, data={"subject": "Återvandring", "body": "Hej {namn}"})
    assert response.status_code == 302
    with seeded.app_context():
        mailing = db.session.scalars(select(Mailing)).one()
        assert mailing.criteria["indikator"] == str(world["indicator"])
        assert mailing.criteria["utan_mote"] == "1"
        choice = choose(audience=mailing.audience, criteria=mailing.criteria)
        chosen = {r.organisation_id for r in choice.recipients} | {
            organisation_id for _kind, organisation_id, _name in choice.without_address
        }
        assert chosen == {world[c] for c in ("0114", "0180", "1880", "0380", "0580")}


def test_the_municipality_page_shows_its_figures(seeded, world, as_role):
    client = as_role("reader")
    page = client.get(f"/organisationer/{world['1280']}").text
    section = page[page.index('id="indikatorer"') :]
    assert "Utrikes födda" in section and "35,4 procent" in section and "2024" in section
    assert "Kolada N02926" in section
    # Not on a county board's page.
    with seeded.app_context():
        board = db.session.scalar(
            select(Organisation.id).where(Organisation.kind == OrganisationKind.LANSSTYRELSE)
        )
    assert 'id="indikatorer"' not in client.get(f"/organisationer/{board}").text


def test_readers_see_the_view_without_the_write_links(seeded, world, as_role):
    client = as_role("reader")
    page = client.get(f"/indikatorer/prioritering?indikator={world['indicator']}&ar=2024")
    assert page.status_code == 200
    assert 'id="mailing-link"' not in page.text


def test_an_empty_view_and_hostile_arguments(seeded, users, as_role):
    client = as_role("coordinator")
    page = client.get("/indikatorer/prioritering")
    assert page.status_code == 200 and "Inga indikatorer med värden ännu" in page.text
    for query in ("indikator=x&ar=y&topp=z", "indikator=99999&ar=2024", "topp=-1&utan_mote=ja"):
        assert client.get(f"/indikatorer/prioritering?{query}").status_code == 200
    assert client.get("/indikatorer/prioritering.xlsx").status_code == 404


def test_the_page_costs_the_same_for_more_municipalities(seeded, world, as_role, count_statements):
    client = as_role("coordinator")
    url = f"/indikatorer/prioritering?indikator={world['indicator']}&ar=2024"
    client.get(url)
    with count_statements() as small:
        assert client.get(url).status_code == 200
    with seeded.app_context():
        taken = set(
            db.session.scalars(
                select(IndicatorValue.organisation_id).where(IndicatorValue.year == 2024)
            )
        )
        more = db.session.scalars(
            select(Organisation.id)
            .where(Organisation.kind == OrganisationKind.KOMMUN, Organisation.id.not_in(taken))
            .limit(100)
        ).all()
        for number, organisation_id in enumerate(more):
            db.session.add(
                IndicatorValue(
                    indicator_id=world["indicator"],
                    organisation_id=organisation_id,
                    year=2024,
                    value=float(number),
                )
            )
            meeting(organisation_id, MeetingStatus.HELD, datetime(2026, 9, 1, 9, tzinfo=UTC))
        db.session.commit()
    with count_statements() as large:
        assert client.get(url).status_code == 200
    assert large.count == small.count
    with count_statements() as section_small:
        client.get(f"/organisationer/{world['1280']}")
    assert section_small.count > 0


def test_one_click_to_a_contact_plan(seeded, world, as_role):
    from app.plans.services import PlanValues, create_plan

    client = as_role("coordinator")
    arguments = f"indikator={world['indicator']}&ar=2024&utan_mote=1&topp=10"
    # No plan yet: a link to the choose page, whose new plan opens with the same list.
    page = client.get(f"/indikatorer/prioritering?{arguments}").text
    link = re.search(r'href="(/kontaktplaner/valj\?[^"]+)" id="plan-link"', page)
    chosen = client.get(link.group(1).replace("&amp;", "&")).text
    assert "Utrikes födda" in chosen and "/kontaktplaner/ny?" in chosen
    with seeded.app_context():
        plan = create_plan(
            values=PlanValues(
                title="Skåne och Stockholm",
                starts_on=local_today() - timedelta(days=7),
                ends_on=local_today() + timedelta(days=60),
                owner_id=1,
            ),
            by=db.session.get(User, 1),
        )
        db.session.commit()
        plan_id = plan.id
    page = client.get(f"/indikatorer/prioritering?{arguments}").text
    assert "Skåne och Stockholm" in page
    response = client.get(f"/indikatorer/prioritering?kontaktplan={plan_id}&{arguments}")
    assert response.status_code == 302
    target = response.headers["Location"]
    assert target.startswith(f"/kontaktplaner/{plan_id}/lagg-till?")
    add_page = client.get(target).text
    for name in ("Upplands Väsby kommun", "Stockholms kommun", "Linköpings kommun"):
        assert name in add_page
    assert "Malmö kommun" not in add_page
    missing = client.get(f"/indikatorer/prioritering?kontaktplan=999&{arguments}")
    assert missing.status_code == 404


def test_only_current_plans_are_offered(seeded, world, as_role):
    """A plan that ended before today (Stockholm) takes no new municipalities, so the page
    does not offer it; one ending today still does."""
    from app.plans.services import PlanValues, create_plan

    today = local_today()
    with seeded.app_context():
        for title, starts_on, ends_on in (
            ("Avslutad plan", today - timedelta(days=90), today - timedelta(days=1)),
            ("Pågående plan", today - timedelta(days=30), today),
        ):
            create_plan(
                values=PlanValues(title=title, starts_on=starts_on, ends_on=ends_on, owner_id=1),
                by=db.session.get(User, 1),
            )
        db.session.commit()
    client = as_role("coordinator")
    page = client.get(f"/indikatorer/prioritering?indikator={world['indicator']}&ar=2024").text
    offered = re.search(r'<select id="kontaktplan" name="kontaktplan">(.*?)</select>', page)
    assert offered is not None
    assert "Pågående plan" in offered.group(1)
    assert "Avslutad plan" not in offered.group(1)
