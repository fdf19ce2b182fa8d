"""One meaning per figure: "Möte hållet" and "Kontaktade" read back from every page and export
that shows them, by parsing what a user gets (HTML, XLSX, CSV), never by calling the function
that computes them. Every place must give the same number, say which figure it is (never a
bare "nådda"), and show the figure's definition beside it.

The world (conftest.build_world) plus two changes makes the figures differ:
- Möte hållet, ever: Malmö (directly and through its unit), Lund, Kiruna, Göteborg, and
  Uppsala through a unit whose kind is not "Kommun" (membership goes by parent_id) = 5;
  county boards: Skåne's = 1.
- Kontaktade: Malmö, Lund, Kiruna (declined is past "Ej kontaktad") and Stockholm (informed,
  never met) = 4; Göteborg and Uppsala were met but are still "Ej kontaktad".
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date

from openpyxl import load_workbook

from app.auth.models import Role
from app.common.time import local_today
from app.extensions import db
from app.organisations.models import OrganisationKind
from app.organisations.stages import Stage

from ..conftest import login
from ..factories import make_organisation, make_user
from .conftest import at, build_world, meet, municipality, stage_change

MET_DEFINITION = "Kommuner och länsstyrelser med minst ett genomfört möte"
CONTACTED_DEFINITION = "Kommuner vars engagemangssteg är något annat än ”Ej kontaktad”"


def build() -> None:
    world = build_world()
    uppsala, stockholm = municipality("0380"), municipality("0180")
    unit = make_organisation(
        name="Socialtjänsten", kind=OrganisationKind.CIVILSAMHALLE, parent_id=uppsala.id
    )
    meet("Uppsalas socialtjänst", at(date(2026, 11, 3)), [unit], responsible_id=world.anna)
    stage_change(stockholm, Stage.INFORMED, at(date(2026, 6, 1)), make_user())
    db.session.commit()


def html_figures(page: str) -> dict[str, set[int]]:
    """Every figure marked up on a page: its machine value, checked against the visible
    Swedish-formatted number in the same element."""
    found: dict[str, set[int]] = {}
    for value, key, shown in re.findall(
        r'<data value="(\d+)" data-figure="([a-z-]+)">([^<]*)</data>', page
    ):
        assert shown.replace("\u00a0", "").replace(" ", "") == value, (key, shown)
        found.setdefault(key, set()).add(int(value))
    return found


def assert_page(page: str, expected: dict[str, int]) -> None:
    figures = html_figures(page)
    for key, number in expected.items():
        assert figures.get(key) == {number}, (key, figures.get(key))
    assert not re.search(r"nådd", page, re.IGNORECASE)
    assert 'data-definition="met"' in page and MET_DEFINITION in page
    if "contacted-municipalities" in expected:
        assert 'data-definition="contacted"' in page and CONTACTED_DEFINITION in page


def facts(sheet) -> dict[str, object]:
    return {row[0]: row[1] for row in sheet.iter_rows(values_only=True)}


def table(sheet) -> list[dict[str, object]]:
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def assert_summary_workbook(data: bytes, *, met: int, boards: int) -> None:
    book = load_workbook(io.BytesIO(data))
    about = facts(book["Sammanfattning"])
    assert about["Kommuner med möte hållet totalt vid periodens slut"] == met
    assert about["Länsstyrelser med möte hållet totalt vid periodens slut"] == boards
    assert str(about["Definition: Möte hållet"]).startswith(MET_DEFINITION)
    per_kind = {row["Organisationstyp"]: row for row in table(book["Möte hållet per typ"])}
    assert per_kind["Kommun"]["Möte hållet totalt vid periodens slut"] == met
    assert per_kind["Länsstyrelse"]["Möte hållet totalt vid periodens slut"] == boards
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            assert not any("nådd" in str(cell).lower() for cell in row if cell), row


def test_every_page_and_export_gives_the_same_figures(seeded, client):
    with seeded.app_context():
        build()
        make_user(email="reader@example.se", role=Role.READER)
        db.session.commit()
    assert login(client, "reader@example.se").status_code == 302
    met, boards, contacted = 5, 1, 4
    assert met != contacted  # the data makes the two figures differ
    month = {"manad": local_today().strftime("%Y-%m")}

    # The start page: both figures, and the county boards met.
    start = client.get("/").text
    assert_page(
        start,
        {
            "met-municipalities": met,
            "met-county-boards": boards,
            "contacted-municipalities": contacted,
        },
    )

    # The activity summary (this month: everything met so far is met by its end).
    for url in ("/rapporter/sammanstallning", "/rapporter/sammanstallning/utskrift"):
        page = client.get(url, query_string=month)
        assert page.status_code == 200, url
        assert_page(page.text, {"met-municipalities": met, "met-county-boards": boards})
    assert_summary_workbook(
        client.get("/rapporter/sammanstallning.xlsx", query_string=month).data,
        met=met,
        boards=boards,
    )
    csv_data = client.get("/rapporter/sammanstallning.csv", query_string=month).data
    rows = list(csv.reader(io.StringIO(csv_data.decode("utf-8-sig")), delimiter=";"))
    by_label = {row[0]: row[1:] for row in rows if row}
    assert by_label["Kommuner med möte hållet totalt vid periodens slut"] == [str(met)]
    assert by_label["Länsstyrelser med möte hållet totalt vid periodens slut"] == [str(boards)]
    assert by_label["Definition: Möte hållet"][0].startswith(MET_DEFINITION)
    assert "nådd" not in csv_data.decode("utf-8-sig").lower()

    # The whole-period report, up to today.
    for url in ("/rapporter/slutredovisning", "/rapporter/slutredovisning/utskrift"):
        page = client.get(url)
        assert page.status_code == 200, url
        assert_page(page.text, {"met-municipalities": met, "met-county-boards": boards})
    final = client.get("/rapporter/slutredovisning.xlsx").data
    assert_summary_workbook(final, met=met, boards=boards)
    quarters = table(load_workbook(io.BytesIO(final))["Per kvartal"])
    assert quarters[-1]["Kommuner med möte hållet totalt"] == met
    assert quarters[-1]["Länsstyrelser med möte hållet totalt"] == boards

    # The lägesbild: both figures, named apart, on the page and in its workbook.
    situation = client.get("/rapporter/lagesbild").text
    assert_page(situation, {"met-municipalities": met, "contacted-municipalities": contacted})
    book = load_workbook(io.BytesIO(client.get("/rapporter/lagesbild.xlsx").data))
    country = table(book["Per län"])[-1]
    assert country["Län"] == "Hela landet"
    assert (country["Kontaktade"], country["Möte hållet"]) == (contacted, met)
    uppsala_county = next(r for r in table(book["Per län"]) if r["Län"] == "Uppsala län")
    assert (uppsala_county["Kontaktade"], uppsala_county["Möte hållet"]) == (0, 1)
    definitions = {row["Begrepp"]: row["Definition"] for row in table(book["Definitioner"])}
    assert definitions["Möte hållet"].startswith(MET_DEFINITION)
    assert definitions["Kontaktade"].startswith(CONTACTED_DEFINITION)
