"""The indicator import's pages, from upload to the indicator's page, by role."""

from __future__ import annotations

import io
import re

from sqlalchemy import func, select

from app.extensions import db
from app.indicators.models import Indicator, IndicatorImport, IndicatorValue
from app.organisations.models import Organisation

from ..pages import preview_tabs
from .files import SCB, kolada_csv


def upload(client, data: bytes, filename: str):
    return client.post("/indikatorer/import", data={"file": (io.BytesIO(data), filename)})


def fingerprint_of(page: str) -> str:
    return re.search(r'name="fingerprint" type="hidden" value="([^"]*)"', page).group(1)


def test_a_kolada_file_from_upload_to_the_indicator_page(seeded, as_role):
    client = as_role("coordinator")
    response = upload(client, kolada_csv(), "kolada.csv")
    assert response.status_code == 302
    mapping_url = response.headers["Location"]
    page = client.get(mapping_url).text
    # The guessed columns are chosen, each shown with its first value.
    assert '<option selected value="0">Kommun-ID – 0180</option>' in page
    assert '<option selected value="3">Värde – 25,6</option>' in page
    preview_url = mapping_url.replace("/kolumner", "")
    response = client.post(
        mapping_url,
        data={
            "indicator": "ny",
            "name": "Utrikes födda",
            "unit": "procent",
            "source": "Kolada N02926",
            "municipality": "0",
            "year": "2",
            "value": "3",
            "mode": "replace",
        },
    )
    assert response.headers["Location"] == preview_url
    preview = client.get(preview_url).text
    assert re.findall(r'stat__value">([^<]*)<', preview) == ["5", "0", "2", "0"]
    assert "Malmö kommun" in preview and "35,4" in preview
    assert "Hela riket" in preview
    with seeded.app_context():
        assert db.session.scalar(select(func.count()).select_from(IndicatorValue)) == 0
    import_id = int(preview_url.rsplit("/", 1)[1])
    done = client.post(
        f"/indikatorer/import/{import_id}/bekrafta", data={"fingerprint": fingerprint_of(preview)}
    )
    assert done.status_code == 302
    page = client.get(done.headers["Location"]).text
    assert "5 värden är sparade." in page
    assert "Kolada N02926" in page and "kolada.csv" in page
    with seeded.app_context():
        assert db.session.scalar(select(func.count()).select_from(IndicatorValue)) == 5
        assert db.session.get(IndicatorImport, import_id).status == "committed"
    # A committed import's steps are gone: its preview leads to the indicator.
    assert client.get(preview_url).status_code == 302
    assert client.get(mapping_url).status_code == 404
    assert "Utrikes födda" in client.get("/indikatorer").text


def test_an_scb_file_with_a_fixed_year_and_errors_skipped(seeded, as_role):
    client = as_role("coordinator")
    mapping_url = upload(client, SCB.encode(), "scb.csv").headers["Location"]
    fields = {"indicator": "ny", "name": "Folkmängd", "municipality": "0", "value": "1"}
    # Neither a year column nor a fixed year: asked for one.
    page = client.post(mapping_url, data={**fields, "mode": "replace"}, follow_redirects=True)
    assert "skriv ett år för alla rader" in page.text
    response = client.post(mapping_url, data={**fields, "fixed_year": "2024", "mode": "add"})
    preview = client.get(response.headers["Location"]).text
    assert re.findall(r'stat__value">([^<]*)<', preview) == ["3", "0", "0", "2"]
    errors = client.get(response.headers["Location"] + "?visa=error").text
    assert "Okänd kommunkod: 9999" in errors and "Inte ett tal: fel" in errors
    assert preview_tabs(errors, "/indikatorer/import") == [
        ("", False, "Alla"),
        ("error", True, "Fel (2)"),
        ("new", False, "Nya (3)"),
        ("replace", False, "Ersätter (0)"),
        ("skip", False, "Hoppar över (0)"),
    ]
    import_id = int(response.headers["Location"].rsplit("/", 1)[1])
    refused = client.post(
        f"/indikatorer/import/{import_id}/bekrafta", data={"fingerprint": fingerprint_of(preview)}
    )
    assert "Rätta raderna med fel" in client.get(refused.headers["Location"]).text
    client.post(
        f"/indikatorer/import/{import_id}/bekrafta",
        data={"fingerprint": fingerprint_of(preview), "skip_errors": "y"},
    )
    with seeded.app_context():
        years = db.session.scalars(select(IndicatorValue.year)).all()
        assert years == [2024, 2024, 2024]


def test_unreadable_files_are_shown_on_the_form(seeded, as_role):
    client = as_role("coordinator")
    response = upload(client, b"", "tom.csv")
    assert response.status_code == 200 and "Filen är tom" in response.text
    response = upload(client, b"\x00\x01\x02" * 100, "x.csv")
    assert "inte vara en textfil" in response.text


def test_a_reader_sees_the_indicators_but_cannot_import(seeded, as_role, app):
    coordinator_draft = None
    with app.app_context():
        indicator = Indicator(name="Invånare")
        db.session.add(indicator)
        draft = IndicatorImport(filename="x.csv", header=["Kommun", "Värde"], rows=[["Malmö", "1"]])
        db.session.add(draft)
        db.session.commit()
        coordinator_draft, indicator_id = draft.id, indicator.id
    client = as_role("reader")
    assert client.get("/indikatorer").status_code == 200
    assert client.get(f"/indikatorer/{indicator_id}").status_code == 200
    assert "Importera indikator" not in client.get("/indikatorer").text
    assert upload(client, kolada_csv(), "k.csv").status_code == 403
    assert client.get("/indikatorer/import").status_code == 403
    assert client.get(f"/indikatorer/import/{coordinator_draft}/kolumner").status_code == 403
    assert client.get(f"/indikatorer/import/{coordinator_draft}").status_code == 403
    assert client.post(f"/indikatorer/{indicator_id}/ta-bort").status_code == 403


def test_removing_an_indicator_removes_its_figures(seeded, as_role):
    client = as_role("coordinator")
    mapping_url = upload(client, kolada_csv(), "kolada.csv").headers["Location"]
    client.post(
        mapping_url,
        data={
            "indicator": "ny",
            "name": "Utrikes födda",
            "municipality": "0",
            "year": "2",
            "value": "3",
            "mode": "replace",
        },
    )
    preview_url = mapping_url.replace("/kolumner", "")
    preview = client.get(preview_url).text
    import_id = int(preview_url.rsplit("/", 1)[1])
    client.post(
        f"/indikatorer/import/{import_id}/bekrafta", data={"fingerprint": fingerprint_of(preview)}
    )
    with seeded.app_context():
        indicator_id = db.session.scalar(select(Indicator.id))
    client.post(f"/indikatorer/{indicator_id}/ta-bort")
    with seeded.app_context():
        assert db.session.scalar(select(func.count()).select_from(IndicatorValue)) == 0
        assert db.session.scalar(select(func.count()).select_from(Indicator)) == 0


def test_the_preview_costs_the_same_for_more_rows(seeded, as_role, count_statements):
    client = as_role("coordinator")
    with seeded.app_context():
        codes = db.session.scalars(
            select(Organisation.municipality_code)
            .where(Organisation.municipality_code.is_not(None))
            .order_by(Organisation.municipality_code)
        ).all()

    def preview_statements(rows: int) -> int:
        lines = [f"{code};2024;{n},5\r\n" for n, code in enumerate(codes[:rows])]
        text = "Kommun;År;Värde\r\n" + "".join(lines)
        mapping_url = upload(client, text.encode(), f"{rows}.csv").headers["Location"]
        fields = {"indicator": "ny", "name": f"Indikator {rows}", "municipality": "0"}
        client.post(mapping_url, data={**fields, "year": "1", "value": "2", "mode": "replace"})
        preview_url = mapping_url.replace("/kolumner", "")
        with count_statements() as counter:
            page = client.get(preview_url)
        assert page.status_code == 200
        assert len(re.findall(r'class="import-row import-row--new"', page.text)) == rows
        return counter.count

    assert preview_statements(5) == preview_statements(200)
