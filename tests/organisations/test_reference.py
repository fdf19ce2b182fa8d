"""The preloaded registry: counts, codes, counties, Gotland, idempotence, user edits kept."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.audit.services import history
from app.contacts.models import Affiliation, Contact
from app.extensions import db
from app.organisations.models import County, Organisation, OrganisationKind
from app.organisations.reference import (
    DATA_DIR,
    FORMER_REFERENCE_NAMES,
    reference_organisations,
    seed_reference_data,
)
from app.organisations.services import registry_overview

K = OrganisationKind


@pytest.fixture
def registry(seeded):
    with seeded.app_context():
        yield seeded


def count(kind: OrganisationKind) -> int:
    return db.session.scalar(select(func.count()).where(Organisation.kind == kind))


def test_counts(registry):
    assert db.session.scalar(select(func.count()).select_from(County)) == 21
    assert count(K.KOMMUN) == 290
    assert count(K.LANSSTYRELSE) == 21
    assert count(K.REGION) == 20  # Gotland's region is its municipality
    assert count(K.SKR) == 1
    assert count(K.MYNDIGHET) == 5
    overview = registry_overview()
    assert overview.regions == 21
    assert overview.total == 290 + 21 + 20 + 1 + 5


def test_agencies_are_the_five_named(registry):
    names = set(
        db.session.scalars(select(Organisation.name).where(Organisation.kind == K.MYNDIGHET))
    )
    assert names == {
        "Migrationsverket",
        "Arbetsförmedlingen",
        "Polismyndigheten",
        "Försäkringskassan",
        "Kriminalvården",
    }
    skr = db.session.scalar(select(Organisation).where(Organisation.kind == K.SKR))
    assert (skr.name, skr.org_number) == ("Sveriges Kommuner och Regioner", "222000-0315")


def test_gotland_is_one_organisation_both_municipality_and_region(registry):
    gotland = db.session.scalars(
        select(Organisation).where(Organisation.name.contains("Gotland"))
    ).all()
    names = sorted(o.name for o in gotland)
    assert names == ["Länsstyrelsen i Gotlands län", "Region Gotland"]
    region = next(o for o in gotland if o.name == "Region Gotland")
    assert region.kind is K.KOMMUN and region.municipality_code == "0980"
    assert region.is_region and region.county_code == "09"


def test_codes_are_unique_text_with_leading_zeros(registry):
    codes = list(
        db.session.scalars(
            select(Organisation.municipality_code).where(Organisation.kind == K.KOMMUN)
        )
    )
    assert len(codes) == len(set(codes)) == 290
    assert all(len(code) == 4 and code.isdigit() for code in codes)
    assert "0114" in codes  # Upplands Väsby keeps its leading zero
    county_codes = list(db.session.scalars(select(County.code)))
    assert "01" in county_codes and all(len(c) == 2 for c in county_codes)


def test_every_municipality_is_in_its_county(registry):
    with (DATA_DIR / "municipalities.csv").open(encoding="utf-8") as handle:
        expected = {row["code"]: row["county_code"] for row in csv.DictReader(handle)}
    actual = dict(
        db.session.execute(
            select(Organisation.municipality_code, Organisation.county_code).where(
                Organisation.kind == K.KOMMUN
            )
        ).all()
    )
    assert actual == expected
    # A municipality's code starts with its county's code.
    assert all(code[:2] == county for code, county in actual.items())
    per_county = Counter(actual.values())
    assert len(per_county) == 21 and per_county["01"] == 26


def test_every_county_has_one_board_and_one_region(registry):
    for kind in (K.LANSSTYRELSE,):
        counties = list(
            db.session.scalars(select(Organisation.county_code).where(Organisation.kind == kind))
        )
        assert sorted(counties) == sorted(set(counties)) and len(counties) == 21
    regions = [o.county_code for o in db.session.scalars(select(Organisation)) if o.is_region]
    assert len(regions) == len(set(regions)) == 21


def test_second_run_changes_nothing(registry):
    report = seed_reference_data()
    assert report.created == [] and report.updated == []
    assert report.unchanged == 21 + 337


def test_rerun_keeps_user_edits_and_additions(registry):
    malmo = db.session.scalar(select(Organisation).where(Organisation.municipality_code == "1280"))
    malmo.name = "Malmö stad"
    malmo.notes = "Kontakt via socialtjänsten."
    malmo.website = "https://malmo.se"
    board = db.session.scalar(
        select(Organisation).where(Organisation.reference_key == "lansstyrelse:12")
    )
    assert board.website  # the reference data gives county boards a website ...
    board.website = None  # ... which a user may remove
    board.short_name = "Lst Skåne"
    unit = Organisation(name="Socialtjänsten", kind=K.ENHET, parent=malmo, county_code="12")
    person = Contact(first_name="Sara", last_name="Lind")
    db.session.add_all(
        [unit, person, Affiliation(contact=person, organisation=malmo, title="Enhetschef")]
    )
    db.session.commit()

    report = seed_reference_data()
    db.session.commit()
    assert report.created == [] and report.updated == []
    db.session.expire_all()
    malmo = db.session.get(Organisation, malmo.id)
    assert (malmo.name, malmo.notes, malmo.website) == (
        "Malmö stad",
        "Kontakt via socialtjänsten.",
        "https://malmo.se",
    )
    assert [u.name for u in malmo.units] == ["Socialtjänsten"]
    board = db.session.scalar(
        select(Organisation).where(Organisation.reference_key == "lansstyrelse:12")
    )
    assert (board.website, board.short_name) == (None, "Lst Skåne")
    assert db.session.scalar(select(func.count()).select_from(Affiliation)) == 1


def test_rerun_restores_reference_owned_fields_only(registry):
    vaxholm = db.session.scalar(
        select(Organisation).where(Organisation.municipality_code == "0187")
    )
    vaxholm.county_code = "03"  # wrong county: the reference data owns it
    vaxholm.short_name = None  # emptied by a user: stays empty
    db.session.commit()
    report = seed_reference_data()
    db.session.commit()
    assert len(report.updated) == 1 and "county_code" in report.updated[0]
    assert vaxholm.county_code == "01" and vaxholm.short_name is None


def test_seed_reads_its_own_copy_of_the_data():
    assert Path("app/data").resolve() == DATA_DIR
    assert (DATA_DIR / "README.md").exists()


def test_reference_names_are_the_official_ones(registry):
    kalmar = db.session.scalar(select(Organisation).where(Organisation.municipality_code == "0880"))
    assert kalmar.name == "Kalmar kommun"
    # The legal "kommun" form, even where the municipality calls itself "stad".
    malmo = db.session.scalar(select(Organisation).where(Organisation.municipality_code == "1280"))
    assert malmo.name == "Malmö kommun"


def test_seed_corrects_a_name_it_gave_before(registry):
    kalmar = db.session.scalar(select(Organisation).where(Organisation.municipality_code == "0880"))
    kalmar.name = "Kalmars kommun"  # as an earlier seed named it
    kalmar.index()
    unit = Organisation(name="Socialtjänsten", kind=K.ENHET, parent=kalmar, county_code="08")
    unit.index()
    db.session.add(unit)
    db.session.commit()

    report = seed_reference_data()
    db.session.commit()
    db.session.expire_all()
    kalmar = db.session.get(Organisation, kalmar.id)
    assert kalmar.name == "Kalmar kommun"
    assert report.updated == ["Kalmar kommun (name)"]
    # Found by the new name, the unit too; the rename is in the history.
    assert "kalmar kommun" in db.session.get(Organisation, unit.id).search_text
    event = history(kalmar)[0]
    assert event.changes == {"name": ["Kalmars kommun", "Kalmar kommun"]}
    assert seed_reference_data().updated == []  # and it happens once


def test_seed_keeps_a_name_a_user_chose(registry):
    kalmar = db.session.scalar(select(Organisation).where(Organisation.municipality_code == "0880"))
    kalmar.name = "Kalmar kommun – socialförvaltningen"
    db.session.commit()
    report = seed_reference_data()
    db.session.commit()
    assert report.updated == []
    db.session.expire_all()
    assert db.session.get(Organisation, kalmar.id).name == "Kalmar kommun – socialförvaltningen"


def test_former_names_are_not_the_current_ones():
    """Each former name was replaced: it is not what the data gives now."""
    current = {row["reference_key"]: row["name"] for row in reference_organisations()}
    for key, names in FORMER_REFERENCE_NAMES.items():
        assert key in current and current[key] not in names
