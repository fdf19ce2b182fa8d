"""An indicator of categories: SKR's kommungrupp, imported through the pages, drawn on the
map in a colour per category with a counted legend, listed by category, and shown on the
municipality's page."""

from __future__ import annotations

import io
import re

from sqlalchemy import select

from app.extensions import db
from app.indicators import queries
from app.indicators.classes import CATEGORICAL, NO_FIGURE, MapFigure, colour_figures
from app.indicators.models import Indicator, IndicatorValue
from app.organisations.models import Organisation

#: SKR's kommungrupp as a semicolon file, one row per municipality (the year in the form).
KOMMUNGRUPP = (
    "Kommunkod;Kommun;Kommungrupp\r\n"
    "0180;Stockholm;A1. Storstäder\r\n"
    "1280;Malmö;A1. Storstäder\r\n"
    "0114;Upplands Väsby;A2. Pendlingskommun nära storstad\r\n"
    "2584;Kiruna;C9. Landsbygdskommun med besöksnäring\r\n"
    "0380;Uppsala;..\r\n"
)


def test_categories_on_the_map_and_in_the_legend():
    figures = [
        MapFigure(1, "A", "0001", None, "Storstäder"),
        MapFigure(2, "B", "0002", None, "Landsbygd"),
        MapFigure(3, "C", "0003", None, "Storstäder"),
        MapFigure(4, "D", "0004", None, None),
    ]
    coloured = colour_figures(
        figures, href=lambda i: f"/o/{i}", label=str, no_figure_label="inget värde"
    )
    assert [(b.label, b.fill, b.count) for b in coloured.bands] == [
        ("Landsbygd", CATEGORICAL[0], 1),
        ("Storstäder", CATEGORICAL[1], 2),
    ]
    assert coloured.missing == 1
    assert coloured.areas["0001"].title == "A: Storstäder"
    assert coloured.areas["0004"].fill == NO_FIGURE


def test_kommungrupp_from_upload_to_map_list_and_municipality_page(seeded, as_role):
    client = as_role("coordinator")
    mapping_url = client.post(
        "/indikatorer/import",
        data={"file": (io.BytesIO(KOMMUNGRUPP.encode()), "kommungrupp.csv")},
    ).headers["Location"]
    response = client.post(
        mapping_url,
        data={
            "indicator": "ny",
            "name": "Kommungrupp",
            "source": "SKR",
            "kind": "category",
            "municipality": "0",
            "value": "2",
            "fixed_year": "2023",
            "mode": "replace",
        },
    )
    preview = client.get(response.headers["Location"]).text
    assert re.findall(r'stat__value">([^<]*)<', preview) == ["4", "0", "1", "0"]
    assert "A1. Storstäder" in preview
    fingerprint = re.search(r'name="fingerprint" type="hidden" value="([^"]*)"', preview).group(1)
    import_id = int(response.headers["Location"].rsplit("/", 1)[1])
    client.post(f"/indikatorer/import/{import_id}/bekrafta", data={"fingerprint": fingerprint})
    with seeded.app_context():
        indicator = db.session.scalars(select(Indicator)).one()
        assert indicator.is_category
        saved = db.session.scalars(select(IndicatorValue.category)).all()
        assert sorted(saved) == [
            "A1. Storstäder",
            "A1. Storstäder",
            "A2. Pendlingskommun nära storstad",
            "C9. Landsbygdskommun med besöksnäring",
        ]
        listed = [(r.code, r.value) for r in queries.ranking(indicator.id, 2023, categories=True)]
        assert listed == [
            ("1280", "A1. Storstäder"),
            ("0180", "A1. Storstäder"),
            ("0114", "A2. Pendlingskommun nära storstad"),
            ("2584", "C9. Landsbygdskommun med besöksnäring"),
        ]
        malmo = db.session.scalar(
            select(Organisation.id).where(Organisation.municipality_code == "1280")
        )
    page = client.get(f"/indikatorer/prioritering?indikator={indicator.id}&ar=2023").text
    legend = re.findall(r'<li data-fill="([^"]+)"><span>.*?</svg> ([^<]+)</span>', page)
    assert legend == [
        (CATEGORICAL[0], "A1. Storstäder"),
        (CATEGORICAL[1], "A2. Pendlingskommun nära storstad"),
        (CATEGORICAL[2], "C9. Landsbygdskommun med besöksnäring"),
        (NO_FIGURE, "Inget värde"),
    ]
    assert "map__area--category-1" in page
    section = client.get(f"/organisationer/{malmo}").text
    section = section[section.index('id="indikatorer"') :]
    assert "Kommungrupp" in section and "A1. Storstäder" in section
    export = client.get(f"/indikatorer/prioritering.csv?indikator={indicator.id}&ar=2023")
    assert "A1. Storstäder" in export.data.decode("utf-8-sig")
