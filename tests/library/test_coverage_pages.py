"""The coverage page, the organisation list's "has not received" filter and the reports'
"Information sent": the same Informerad med X everywhere, in a constant number of statements.
The fixture is test_coverage.py's (three of Västernorrland's seven municipalities informed)."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.extensions import db
from app.library import services
from app.library.models import Channel, MaterialVersion
from app.organisations.models import Organisation
from app.organisations.services import OrganisationFilter, organisation_query
from app.security.models import SecurityEvent, SecurityKind

from .test_coverage import build_world


@pytest.fixture
def world_ids(seeded):
    """The fixture's ids only, its session closed (for tests that make requests)."""
    with seeded.app_context():
        built = build_world()
        ids = {
            "guide": built["guide"].id,
            "v1": built["v1"].id,
            "v2": built["v2"].id,
            "kramfors": built["kramfors"],
        }
        db.session.rollback()
    return ids


def figure(html: str, name: str = "informed") -> list[int]:
    return [int(v) for v in re.findall(rf'<data value="(\d+)" data-figure="{name}"', html)]


def workbook_figures(data: bytes) -> dict[str, object]:
    """ "Information som skickats" as a report's workbook gives it: the facts sheet's values
    by label, and per material title its informed municipalities."""
    book = load_workbook(io.BytesIO(data))
    facts = {row[0]: row[1] for row in book["Information som skickats"].iter_rows(
        min_row=2, values_only=True)}  # fmt: skip
    per_material = dict(book["Informerade per material"].iter_rows(min_row=2, values_only=True))
    return {"facts": facts, "materials": per_material}


def csv_table(text: str, title: str) -> list[list[str]]:
    """One table of a report's CSV (tables under a title row, a blank line after each)."""
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))
    start = rows.index([title]) + 2
    end = next((i for i in range(start, len(rows)) if not rows[i]), len(rows))
    return rows[start:end]


def test_the_coverage_page_shows_map_counties_and_the_rest(world_ids, as_role):
    client = as_role("reader")
    guide = world_ids["guide"]
    html = client.get(f"/rapporter/tackning/{guide}").text
    assert figure(html) == [3]
    assert 'data-definition="informed"' in html
    row = re.search(r'<tr data-county="22">(.*?)</tr>', html).group(1)
    assert re.findall(r">(\d+)<", row)[:2] == ["3", "7"]
    # the map: three municipalities drawn as informed, 287 not
    assert html.count('class="map__area coverage-fill--yes"') == 3
    assert html.count('class="map__area coverage-fill--no"') == 287
    missing = re.search(r'data-list="missing">(.*?)</ul>', html, re.S).group(1)
    assert missing.count("<li>") == 287
    assert "Kramfors" not in missing and "Sundsvall" in missing
    assert f"/organisationer?saknar_material={guide}" in html
    only_v1 = client.get(f"/rapporter/tackning/{guide}?version={world_ids['v1']}").text
    assert figure(only_v1) == [1]
    assert f"saknar_material={guide}&amp;version={world_ids['v1']}" in only_v1
    # a version of another material, or nonsense, means "any version"
    assert figure(client.get(f"/rapporter/tackning/{guide}?version=99999").text) == [3]
    assert figure(client.get(f"/rapporter/tackning/{guide}?version=x").text) == [3]
    assert client.get("/rapporter/tackning/99999").status_code == 404


def test_the_organisation_list_opens_the_municipalities_without_it(world_ids, as_role):
    client = as_role("reader")
    guide, v2 = world_ids["guide"], world_ids["v2"]
    html = client.get(f"/organisationer?saknar_material={guide}&lan=22").text
    names = set(re.findall(r'href="/organisationer/\d+">([^<]+)</a>', html))
    assert names == {"Sundsvalls kommun", "Örnsköldsviks kommun", "Timrå kommun", "Ånge kommun"}
    assert "Kommuner som inte har fått Vägledning." in html
    assert f'name="saknar_material" value="{guide}"' in html
    html = client.get(f"/organisationer?saknar_material={guide}&version={v2}&lan=22").text
    names = set(re.findall(r'href="/organisationer/\d+">([^<]+)</a>', html))
    assert "Kramfors kommun" in names and "Härnösands kommun" not in names
    # an unknown material is no filter at all, never an error
    assert client.get("/organisationer?saknar_material=99999").status_code == 200
    assert client.get("/organisationer?saknar_material=abc&version=-1").status_code == 200


def test_every_place_showing_the_figure_agrees(world_ids, as_role, seeded):
    """The coverage page, the organisation list's filter, the monthly summary and the
    whole-period report give the same Informerad med X for the same deliveries."""
    client = as_role("reader")
    guide = world_ids["guide"]
    page = figure(client.get(f"/rapporter/tackning/{guide}").text)[0]
    with seeded.app_context():
        from app.common.list_filters import applied_filters

        query = organisation_query(
            OrganisationFilter(
                extra=applied_filters("organisations", {"saknar_material": str(guide)})
            )
        )
        lacking = db.session.scalar(select(func.count()).select_from(query.subquery()))
        municipalities = db.session.scalar(
            select(func.count())
            .select_from(Organisation)
            .where(Organisation.kind == "kommun", Organisation.parent_id.is_(None))
        )
    assert page == municipalities - lacking == 3
    # every delivery of the fixture is in November and December 2026
    final = client.get("/rapporter/slutredovisning?till=2026-12-31").text
    assert figure(final) == [3]
    december = client.get("/rapporter/sammanstallning?manad=2026-12").text
    assert figure(december) == [3]
    assert re.search(r'data-figure="recipients">(\d+)<', december).group(1) == "4"
    november = client.get("/rapporter/sammanstallning?manad=2026-11").text
    assert figure(november) == [1]
    printed = client.get("/rapporter/sammanstallning/utskrift?manad=2026-12").text
    assert figure(printed) == [3]
    # The reports' downloads give the same figures as their pages.
    december_book = workbook_figures(
        client.get("/rapporter/sammanstallning.xlsx?manad=2026-12").data
    )
    assert december_book["materials"] == {"Vägledning": 3}
    assert december_book["facts"]["Mottagande organisationer"] == 4
    assert december_book["facts"]["Leveranser totalt"] == int(
        re.search(r'data-figure="deliveries">(\d+)<', december).group(1)
    )
    assert "Informerad med materialet" in december_book["facts"]
    december_csv = client.get("/rapporter/sammanstallning.csv?manad=2026-12").text
    assert csv_table(december_csv, "Informerade per material") == [["Vägledning", "3"]]
    november_book = workbook_figures(
        client.get("/rapporter/sammanstallning.xlsx?manad=2026-11").data
    )
    assert november_book["materials"] == {"Vägledning": 1}
    final_book = workbook_figures(
        client.get("/rapporter/slutredovisning.xlsx?till=2026-12-31").data
    )
    assert final_book["materials"] == {"Vägledning": 3}
    # The coverage page's own workbook: 290 municipalities, three of them Ja.
    book = load_workbook(io.BytesIO(client.get(f"/rapporter/tackning/{guide}.xlsx").data))
    rows = list(book["Kommuner"].iter_rows(min_row=2, values_only=True))
    assert len(rows) == municipalities
    assert sum(1 for row in rows if row[2] == "Ja") == page


def test_the_pages_cost_the_same_with_more_deliveries(world_ids, seeded, as_role, count_statements):
    client = as_role("reader")
    guide = world_ids["guide"]
    urls = [
        f"/rapporter/tackning/{guide}",
        f"/rapporter/tackning/{guide}.xlsx",
        f"/organisationer?saknar_material={guide}",
        "/rapporter/sammanstallning?manad=2026-12",
        "/rapporter/sammanstallning.xlsx?manad=2026-12",
    ]

    def counts():
        result = {}
        for url in urls:
            client.get(url)  # warm
            with count_statements() as counter:
                assert client.get(url).status_code == 200
            result[url] = counter.count
        return result

    before = counts()
    with seeded.app_context():
        ids = list(
            db.session.scalars(
                select(Organisation.id).where(Organisation.kind == "kommun").limit(120)
            )
        )
        version = db.session.get(MaterialVersion, world_ids["v2"])
        for day in (1, 8, 15):
            services.record_deliveries(
                version,
                channel=Channel.MAILING,
                delivered_on=date(2026, 12, day),
                organisation_ids=ids,
                by=None,
            )
        db.session.commit()
    after = counts()
    assert after == before
    assert figure(client.get(urls[0]).text)[0] > 3


def test_the_coverage_workbook_lists_municipalities_and_counties(world_ids, as_role, seeded):
    """Every municipality with received yes/no and the first day, the county roll-up as the
    page has it; a version narrows it; the security log has who, what and how many rows."""
    client = as_role("reader")
    guide = world_ids["guide"]
    response = client.get(f"/rapporter/tackning/{guide}.xlsx")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.data))
    rows = {
        name: (county, received, day.date() if day else None)
        for name, county, received, day in book["Kommuner"].iter_rows(min_row=2, values_only=True)
    }
    assert len(rows) == 290
    # Kramfors first got version 1 on 2026-11-10 (and by mailing again on 2026-12-05).
    assert rows["Kramfors kommun"][1:] == ("Ja", date(2026, 11, 10))
    assert rows["Sollefteå kommun"][1:] == ("Ja", date(2026, 12, 2))
    assert rows["Härnösands kommun"][1:] == ("Ja", date(2026, 12, 3))
    assert rows["Timrå kommun"][1:] == ("Nej", None)  # uncertain: not counted
    assert rows["Örnsköldsviks kommun"][1:] == ("Nej", None)  # failed
    counties = {row[0]: row[1:] for row in book["Per län"].iter_rows(min_row=2, values_only=True)}
    assert counties["Västernorrlands län"] == (3, 7, 43)
    assert counties["Hela landet"] == (3, 290, 1)
    v1 = load_workbook(io.BytesIO(client.get(
        f"/rapporter/tackning/{guide}.xlsx?version={world_ids['v1']}").data))  # fmt: skip
    yes = [r[0] for r in v1["Kommuner"].iter_rows(min_row=2, values_only=True) if r[2] == "Ja"]
    assert yes == ["Kramfors kommun"]
    assert client.get("/rapporter/tackning/99999.xlsx").status_code == 404
    with seeded.app_context():
        logged = db.session.scalars(
            select(SecurityEvent)
            .where(SecurityEvent.kind == SecurityKind.EXPORT.value)
            .order_by(SecurityEvent.id)
        ).all()
    assert [(e.subject, e.rows, e.detail) for e in logged] == [
        ("reports.coverage_export (xlsx)", 290, None),
        ("reports.coverage_export (xlsx)", 290, f"version={world_ids['v1']}"),
    ]
    assert all(e.user_id is not None and e.completed_at is not None for e in logged)
