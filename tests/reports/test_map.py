"""The lägesbild map: a pure SVG builder over the municipality boundaries, and the page."""

from __future__ import annotations

import re
from xml.etree import ElementTree

from app.extensions import db
from app.organisations.models import Organisation
from app.reports.map import Area, outlines, project, render_map, ring_path, simplify

SVG = "{http://www.w3.org/2000/svg}"


def test_every_municipality_has_one_outline_computed_once():
    drawn = outlines()
    assert len(drawn.shapes) == 290
    assert len({s.code for s in drawn.shapes}) == 290
    assert all(re.fullmatch(r"\d{4}", s.code) for s in drawn.shapes)
    assert outlines() is drawn  # cached in the process
    assert drawn.width == 600 and 1200 < drawn.height < 1600  # Sweden is tall
    # Small enough for a page: integer coordinates, relative steps, simplified.
    assert sum(len(s.path) for s in drawn.shapes) < 60_000
    assert all(s.path.startswith("M") and s.path.endswith("z") for s in drawn.shapes)


def test_projection_and_simplification():
    west, east = project(11.0, 58.0), project(24.0, 66.0)
    assert west[0] < east[0] and east[1] < west[1]  # east is right, north is up
    line = [(0.0, 0.0), (1.0, 0.1), (2.0, -0.1), (3.0, 0.0), (3.0, 5.0)]
    assert simplify(line, 0.5) == [(0.0, 0.0), (3.0, 0.0), (3.0, 5.0)]
    assert ring_path([(10, 10), (12, 8), (12, 11)]) == "M10 10l2-2l0 3z"


def test_render_map_links_names_and_colours():
    areas = {
        "1280": Area(
            "/organisationer/7", "Malmö <stad>: I dialog", "stage-fill--i_dialog", "#2171b5"
        )
    }
    svg = render_map(areas, label="Karta & teckenförklaring")
    root = ElementTree.fromstring(svg)  # well-formed XML, names escaped
    assert root.get("aria-label") == "Karta & teckenförklaring"
    paths = root.iter(f"{SVG}path")
    assert len(list(paths)) == 290
    link = root.find(f"{SVG}a")
    assert link.get("href") == "/organisationer/7"
    assert link.find(f"{SVG}title").text == "Malmö <stad>: I dialog"
    path = link.find(f"{SVG}path")
    assert path.get("class") == "map__area stage-fill--i_dialog" and path.get("fill") == "#2171b5"
    # Municipalities without data are drawn unlinked and named.
    unknown = [p for p in root.iter(f"{SVG}path") if "map__area--unknown" in p.get("class")]
    assert len(unknown) == 289 and unknown[0].find(f"{SVG}title").text


def test_the_lagesbild_page_draws_290_linked_municipalities(world, seeded, reader):
    page = reader.get("/rapporter/lagesbild").text
    svg = re.search(r"<svg[^>]*class=\"map\".*?</svg>", page, re.S).group(0)
    root = ElementTree.fromstring(svg)
    links = root.findall(f"{SVG}a")
    assert len(links) == 290 and len(list(root.iter(f"{SVG}path"))) == 290
    with seeded.app_context():
        malmo = db.session.get(Organisation, world.malmo)
        name = malmo.name
    link = next(a for a in links if a.get("href") == f"/organisationer/{world.malmo}")
    assert link.find(f"{SVG}title").text == f"{name}: I dialog"
    path = link.find(f"{SVG}path")
    assert "stage-fill--i_dialog" in path.get("class") and path.get("fill") == "#2171b5"
    kiruna = next(a for a in links if a.get("href") == f"/organisationer/{world.kiruna}")
    assert "stage-fill--avbojt" in kiruna.find(f"{SVG}path").get("class")
    assert page.count("stage-fill--ej_kontaktad") == 287
    assert 'style="' not in svg  # the Content-Security-Policy forbids inline styles


def test_filtered_municipalities_are_dimmed_not_removed(world, reader):
    page = reader.get("/rapporter/lagesbild?lan=12").text
    assert page.count('class="map__area ') == 290
    assert page.count("map__area--dimmed") == 290 - 33
    assert "Visar 33 av 290 kommuner." in page
