"""The indicator importer: Swedish numbers, years, columns guessed, municipalities by code or
name, each file format planned row by row, and replace versus add a year."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.contacts.import_files import UNDECIDED, read_table, recode
from app.contacts.importer import ImportNotPossible
from app.extensions import db
from app.indicators import services
from app.indicators.importer import (
    ADD,
    REPLACE,
    MunicipalityIndex,
    guess_mapping,
    import_mode,
    parse_number,
    parse_year,
)
from app.indicators.models import IndicatorImport, IndicatorValue
from app.organisations.models import Organisation

from ..factories import make_user
from .files import KOLADA, NAMES_XLSX_ROWS, SCB, kolada_csv, xlsx


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12 345,6", 12345.6),
        ("12\u00a0345,6", 12345.6),
        ("12\u202f345", 12345.0),
        ("12345.6", 12345.6),
        ("1,234,567", 1234567.0),
        ("1.234,5", 1234.5),
        ("1,234.5", 1234.5),
        ("−3,5", -3.5),
        ("45%", 45.0),
        ("0", 0.0),
        ("..", None),
        ("-", None),
        ("", None),
        ("x", None),
    ],
)
def test_numbers_as_the_statistics_sites_write_them(text, expected):
    assert parse_number(text) == expected


@pytest.mark.parametrize("text", ["fel", "12,3,4.5x", "1 2 a", "3-4"])
def test_a_cell_that_is_no_number_is_refused(text):
    with pytest.raises(ValueError):
        parse_number(text)


def test_years():
    assert parse_year("2024") == 2024
    assert parse_year("2024.0") == 2024
    assert parse_year("2024-01-01") == 2024
    for bad in ("24", "år", "3024", ""):
        with pytest.raises(ValueError):
            parse_year(bad)


@pytest.mark.parametrize(
    ("mapping", "expected"),
    [({"mode": ADD}, ADD), ({"mode": REPLACE}, REPLACE), ({}, REPLACE), ({"mode": "x"}, REPLACE)],
)
def test_the_mode_is_add_only_when_chosen(mapping, expected):
    assert import_mode(mapping) == expected


def test_columns_are_guessed_from_the_headers():
    assert guess_mapping(["Kommun-ID", "Kommun", "År", "Värde"]) == {
        "municipality": 0,
        "year": 2,
        "value": 3,
    }
    assert guess_mapping(["region", "Folkmängd"]) == {"municipality": 0, "value": 1}


def test_municipalities_by_code_with_or_without_zero_or_by_name(seeded):
    with seeded.app_context():
        index = MunicipalityIndex()
        stockholm = db.session.scalar(
            select(Organisation.id).where(Organisation.municipality_code == "0180")
        )
        malmo = db.session.scalar(
            select(Organisation.id).where(Organisation.municipality_code == "1280")
        )
        habo = db.session.scalar(
            select(Organisation.id).where(Organisation.municipality_code == "0643")
        )
        hobo = db.session.scalar(
            select(Organisation.id).where(Organisation.municipality_code == "0305")
        )
        assert index.find("180") == (stockholm, "")
        assert index.find("0180") == (stockholm, "")
        assert index.find("0180 Stockholm") == (stockholm, "")
        for name in ("Malmö", "Malmö kommun", "MALMÖ", "malmo", "Malmo kommun"):
            assert index.find(name) == (malmo, ""), name
        # Written with its diacritics, each of Håbo and Habo is itself.
        assert index.find("Håbo") == (hobo, "")
        assert index.find("Habo") == (habo, "")
        assert index.find("Riket") == (None, None)
        assert index.find("9999")[0] is None and "9999" in index.find("9999")[1]
        assert index.find("Atlantis")[0] is None


def plan(app, data: bytes, filename: str, mapping: dict, *, existing_import=None):
    """Read the file, start a draft for a new indicator, map it and plan it."""
    table = read_table(data, filename=filename, max_bytes=5_000_000, max_rows=10_000)
    header, rows = table.header, table.rows
    if table.encoding == UNDECIDED:
        header, *rows = recode([header, *rows], "cp1252")
    user = make_user()
    indicator = services.create_indicator(
        values=services.IndicatorValues(name=f"Indikator {filename}", source="Kolada"), by=user
    )
    draft = services.start_import(filename=filename, header=header, rows=rows, by=user)
    draft.indicator_id = indicator.id
    draft.mapping = mapping
    return draft, services.plan_for(draft), user


def by_number(result):
    return {row.number: row for row in result.rows}


def test_a_kolada_csv_with_semicolons_and_decimal_commas(seeded):
    with seeded.app_context():
        _draft, result, _user = plan(
            seeded,
            kolada_csv(),
            "kolada.csv",
            {"municipality": 0, "year": 2, "value": 3, "mode": REPLACE},
        )
        rows = by_number(result)
        assert (rows[2].year, rows[2].value, rows[2].action) == (2023, 25.6, "new")
        assert rows[4].value == 35.4
        assert rows[5].action == "skip" and rows[5].value is None  # ".."
        assert rows[8].action == "skip"  # Riket
        assert result.counts == {"new": 5, "replace": 0, "skip": 2, "error": 0}
        assert result.years == [2023, 2024]


def test_the_same_file_in_windows_1252_without_bom(seeded):
    with seeded.app_context():
        _draft, result, _user = plan(
            seeded,
            kolada_csv(KOLADA, bom=False, encoding="cp1252"),
            "kolada-1252.csv",
            {"municipality": 1, "year": 2, "value": 3, "mode": REPLACE},
        )
        # The names column this time: Malmö, Håbo and Habo read right.
        assert result.counts == {"new": 5, "replace": 0, "skip": 2, "error": 0}
        names = {r.municipality_text for r in result.rows}
        assert {"Malmö", "Håbo", "Habo"} <= names


def test_an_scb_csv_with_codes_without_leading_zero_and_a_fixed_year(seeded):
    with seeded.app_context():
        _draft, result, _user = plan(
            seeded,
            SCB.encode(),
            "scb.csv",
            {"municipality": 0, "value": 1, "fixed_year": 2024, "mode": REPLACE},
        )
        rows = by_number(result)
        assert rows[2].value == 984748 and rows[2].year == 2024 and rows[2].action == "new"
        assert rows[4].value == 48921 and rows[4].action == "new"  # 0114
        assert rows[5].action == "error" and "9999" in rows[5].reasons[0]
        assert rows[6].action == "error" and "fel" in rows[6].reasons[0]
        assert result.counts == {"new": 3, "replace": 0, "skip": 0, "error": 2}


def test_an_xlsx_with_names_instead_of_codes(seeded):
    with seeded.app_context():
        _draft, result, _user = plan(
            seeded,
            xlsx(NAMES_XLSX_ROWS),
            "socialstyrelsen.xlsx",
            {"municipality": 0, "year": 1, "value": 2, "mode": REPLACE},
        )
        rows = by_number(result)
        assert rows[2].value == 12345.5 and rows[2].action == "new"
        assert rows[3].action == "new" and rows[4].value == 1234.5
        assert rows[5].action == "error" and "Atlantis" in rows[5].reasons[0]
        assert rows[6].action == "skip"
        assert result.counts == {"new": 3, "replace": 0, "skip": 1, "error": 1}


def test_rows_with_errors_a_missing_municipality_a_bad_year_a_repeated_row(seeded):
    text = "Kommun;År;Värde\r\n;2024;1\r\nMalmö;tjugo;2\r\nMalmö;2024;3\r\nmalmo;2024;4\r\n"
    with seeded.app_context():
        _draft, result, _user = plan(
            seeded,
            text.encode(),
            "fel.csv",
            {"municipality": 0, "year": 1, "value": 2, "mode": REPLACE},
        )
        rows = by_number(result)
        assert rows[2].action == "error"
        assert rows[3].action == "error" and "tjugo" in rows[3].reasons[0]
        assert rows[4].action == "new"
        assert rows[5].action == "error" and "rad 4" in rows[5].reasons[0]


def values_of(indicator_id):
    return {
        (v.organisation_id, v.year): (v.value, v.source)
        for v in db.session.scalars(
            select(IndicatorValue).where(IndicatorValue.indicator_id == indicator_id)
        )
    }


def test_replace_a_year_then_add_a_year(seeded):
    with seeded.app_context():
        draft, result, user = plan(
            seeded,
            kolada_csv(),
            "kolada.csv",
            {"municipality": 0, "year": 2, "value": 3, "mode": REPLACE},
        )
        indicator_id = draft.indicator_id
        services.commit_import(draft, expected=result.fingerprint, skip_errors=False, by=user)
        saved = values_of(indicator_id)
        assert len(saved) == 5
        assert all(source == "Kolada (kolada.csv)" for _v, source in saved.values())
        malmo = db.session.scalar(
            select(Organisation.id).where(Organisation.municipality_code == "1280")
        )
        stockholm = db.session.scalar(
            select(Organisation.id).where(Organisation.municipality_code == "0180")
        )

        # Replace 2024 with a file holding only Malmö: the others' 2024 figures go, 2023 stays.
        second = services.start_import(
            filename="ny.csv",
            header=["Kommun", "År", "Värde"],
            rows=[["Malmö", "2024", "40,0"]],
            by=user,
        )
        second.indicator_id = indicator_id
        second.mapping = {"municipality": 0, "year": 1, "value": 2, "mode": REPLACE}
        replan = services.plan_for(second)
        assert replan.rows[0].action == "replace" and replan.rows[0].previous == 35.4
        assert replan.removed == 3  # Stockholm, Håbo, Habo 2024
        services.commit_import(second, expected=replan.fingerprint, skip_errors=False, by=user)
        saved = values_of(indicator_id)
        assert saved == {
            (stockholm, 2023): (25.6, "Kolada (kolada.csv)"),
            (malmo, 2024): (40.0, "Kolada (ny.csv)"),
        }

        # Add 2025, and try to add 2024 again: the existing figure is an error.
        third = services.start_import(
            filename="tillagg.csv",
            header=["Kommun", "År", "Värde"],
            rows=[["Malmö", "2025", "41"], ["Malmö", "2024", "1"]],
            by=user,
        )
        third.indicator_id = indicator_id
        third.mapping = {"municipality": 0, "year": 1, "value": 2, "mode": ADD}
        addplan = services.plan_for(third)
        assert [r.action for r in addplan.rows] == ["new", "error"]
        with pytest.raises(ImportNotPossible):
            services.commit_import(third, expected=addplan.fingerprint, skip_errors=False, by=user)
        services.commit_import(third, expected=addplan.fingerprint, skip_errors=True, by=user)
        saved = values_of(indicator_id)
        assert saved[(malmo, 2025)][0] == 41.0 and saved[(malmo, 2024)][0] == 40.0
        assert db.session.get(IndicatorImport, third.id).status == "committed"


def test_a_confirm_after_the_figures_changed_is_refused(seeded):
    with seeded.app_context():
        draft, _result, user = plan(
            seeded,
            kolada_csv(),
            "kolada.csv",
            {"municipality": 0, "year": 2, "value": 3, "mode": REPLACE},
        )
        with pytest.raises(ImportNotPossible):
            services.commit_import(draft, expected="annat", skip_errors=False, by=user)


def test_an_indicator_name_is_unique_case_aside(ctx):
    services.create_indicator(values=services.IndicatorValues(name="Invånare"), by=None)
    with pytest.raises(services.InvalidIndicator):
        services.create_indicator(values=services.IndicatorValues(name=" invånare "), by=None)
    with pytest.raises(services.InvalidIndicator):
        services.create_indicator(values=services.IndicatorValues(name="  "), by=None)
