"""Equal figures share a rank, competition style ("1, 1, 3"), and are listed in Swedish name
order (Arboga, Åre, Älmhult, Örebro: å, ä, ö after z, å before ä): in the ranking, on the
page, with the "no meeting held" filter, and in the XLSX and CSV exports. Hand-computed."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.extensions import db
from app.indicators import queries
from app.indicators.models import Indicator, IndicatorValue
from app.meetings.models import MeetingStatus
from app.organisations.models import Organisation

from .test_priorities import meeting

#: 2024 figures: two tied first, four tied third, two tied seventh, one ninth.
FIGURES = {
    "1280": 40.0,  # Malmö
    "2584": 40.0,  # Kiruna
    "1880": 30.0,  # Örebro
    "2321": 30.0,  # Åre
    "0765": 30.0,  # Älmhult
    "1984": 30.0,  # Arboga: a held meeting
    "0380": 20.0,  # Uppsala
    "2480": 20.0,  # Umeå
    "1286": 10.0,  # Ystad
}

#: By hand: largest first, equals in Swedish name order, each rank the place of the first
#: of its equals.
EXPECTED = [
    (1, "Kiruna kommun", 40.0),
    (1, "Malmö kommun", 40.0),
    (3, "Arboga kommun", 30.0),
    (3, "Åre kommun", 30.0),
    (3, "Älmhults kommun", 30.0),
    (3, "Örebro kommun", 30.0),
    (7, "Umeå kommun", 20.0),
    (7, "Uppsala kommun", 20.0),
    (9, "Ystads kommun", 10.0),
]
#: Without Möte hållet: Arboga left out, every other place kept.
EXPECTED_NOT_MET = [row for row in EXPECTED if row[1] != "Arboga kommun"]


@pytest.fixture
def tied(seeded, users):
    with seeded.app_context():
        codes = dict(
            db.session.execute(
                select(Organisation.municipality_code, Organisation.id).where(
                    Organisation.municipality_code.in_(FIGURES)
                )
            ).all()
        )
        indicator = Indicator(name="Invånare per läkare", unit="personer", source="Påhittad")
        db.session.add(indicator)
        db.session.flush()
        for code, value in FIGURES.items():
            db.session.add(
                IndicatorValue(
                    indicator_id=indicator.id, organisation_id=codes[code], year=2024, value=value
                )
            )
        meeting(codes["1984"], MeetingStatus.HELD, datetime(2026, 11, 2, 9, tzinfo=UTC))
        db.session.commit()
        return indicator.id


def test_competition_ranks_by_hand():
    assert queries.competition_ranks([]) == []
    assert queries.competition_ranks([5]) == [1]
    assert queries.competition_ranks([9, 9, 7]) == [1, 1, 3]
    assert queries.competition_ranks([9, 8, 8, 8, 2, 2, 1]) == [1, 2, 2, 2, 5, 5, 7]
    assert queries.competition_ranks([3, 3, 3]) == [1, 1, 1]
    # Categories rank the same way: a group of equals shares the first one's place.
    assert queries.competition_ranks(["A", "A", "B", "C", "C"]) == [1, 1, 3, 4, 4]


def test_equal_figures_share_a_rank_in_swedish_name_order(seeded, tied):
    with seeded.app_context():
        ranked = queries.ranking(tied, 2024)
        assert [(r.rank, r.name, r.value) for r in ranked] == EXPECTED
        not_met = queries.ranking(tied, 2024, not_met_only=True)
        assert [(r.rank, r.name, r.value) for r in not_met] == EXPECTED_NOT_MET


def test_the_page_shows_the_shared_ranks(seeded, tied, as_role):
    client = as_role("reader")
    page = client.get(f"/indikatorer/prioritering?indikator={tied}&ar=2024").text
    ranking = page[page.index('id="ranking"') :]
    rows = re.findall(
        r'<td class="numeric">(\d+)</td>\s*<th scope="row"><a href="[^"]+">([^<]+)</a>', ranking
    )
    assert [(int(rank), name) for rank, name in rows] == [(r, n) for r, n, _v in EXPECTED]


def test_the_exports_show_the_shared_ranks(seeded, tied, as_role):
    client = as_role("reader")
    response = client.get(f"/indikatorer/prioritering.xlsx?indikator={tied}&ar=2024")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("Rang", "Kommun")
    assert [(r[0], r[1], r[4]) for r in rows[1:]] == EXPECTED
    response = client.get(f"/indikatorer/prioritering.xlsx?indikator={tied}&ar=2024&utan_mote=1")
    sheet = load_workbook(io.BytesIO(response.data)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert [(r[0], r[1], r[4]) for r in rows[1:]] == EXPECTED_NOT_MET

    response = client.get(f"/indikatorer/prioritering.csv?indikator={tied}&ar=2024")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    start = next(i for i, row in enumerate(rows) if row[:2] == ["Rang", "Kommun"]) + 1
    shown = [(int(row[0]), row[1]) for row in rows[start : start + len(EXPECTED)]]
    assert shown == [(r, n) for r, n, _v in EXPECTED]
