"""Load the reference registry from app/data: counties, municipalities, county boards,
regions, SKR and the state agencies.

Idempotent: each seeded organisation carries a `reference_key`, and a re-run finds it by that
key. What the reference data owns (kind, codes, county) is kept in line with it; descriptive
fields (name, short name, organisation number, website) are written only when the
organisation is created, so a user's edits, including emptying a field, are never undone.
One exception: when the reference data corrects a name ("Kalmars kommun" → "Kalmar kommun"),
an organisation whose stored name is still the one the seed gave it before (see
`FORMER_REFERENCE_NAMES`) is renamed; a name a user chose stays.
Notes, units, contacts, engagement and archiving are the users' alone.

Gotland: the municipality (0980) holds the regional responsibilities and is called Region
Gotland; there is no separate regional council (see app/data/README.md). It is loaded once,
as a municipality marked `also_region`.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from app.audit.services import Action, record
from app.extensions import db

from .models import County, Organisation, OrganisationKind
from .stages import INITIAL_STAGE

DATA_DIR = Path(__file__).resolve().parent.parent / "data"

#: Counties whose region is one of their municipalities: länskod → kommunkod.
MUNICIPALITY_AS_REGION = {"09": "0980"}

#: Old municipality codes that may still appear in people's spreadsheets: old → current.
#: Heby moved from Västmanland (1917) to Uppsala län (0331) in 2007.
RENUMBERED_MUNICIPALITIES = {"1917": "0331"}

#: The short name marking SKR among the rows of agencies.csv.
SKR_SHORT_NAME = "SKR"

#: Names earlier versions of the reference data gave organisations, by `reference_key`. An
#: organisation still carrying one of them was never renamed by a user, so the seed gives it
#: the corrected name. Add the old name here whenever app/data corrects a name.
FORMER_REFERENCE_NAMES: dict[str, tuple[str, ...]] = {
    "kommun:0880": ("Kalmars kommun",),  # corrected 2026-12-05 (see app/data/README.md)
}

#: Fields the reference data owns and a re-run brings back in line; the rest of a row is
#: written only when the organisation is created.
OWNED_FIELDS = ("kind", "municipality_code", "county_code", "also_region")


@dataclass
class SeedReport:
    """What a run of the seed did: the names created and updated (with what changed), and
    how many rows were already in line."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0

    @property
    def changed_anything(self) -> bool:
        return bool(self.created or self.updated)

    def summary(self) -> str:
        """One line of counts, for the terminal and logs (`flask seed`, `make run`)."""
        return (
            f"Seed done: {len(self.created)} created, {len(self.updated)} updated, "
            f"{self.unchanged} unchanged."
        )


def read_csv(path: Path) -> list[dict[str, str]]:
    """Rows of a UTF-8 CSV as dicts; codes stay text (leading zeros matter)."""
    with path.open(encoding="utf-8", newline="") as handle:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(handle)]


def reference_organisations(data_dir: Path = DATA_DIR) -> list[dict[str, Any]]:
    """Every organisation of the reference data as field values, keyed by `reference_key`."""
    counties = read_csv(data_dir / "counties_extended.csv")
    municipalities = read_csv(data_dir / "municipalities_extended.csv")
    agencies = read_csv(data_dir / "agencies.csv")
    region_names = {c["code"]: c["region_name"] for c in counties}
    gotland_like = {kommun: lan for lan, kommun in MUNICIPALITY_AS_REGION.items()}

    rows: list[dict[str, Any]] = []
    for m in municipalities:
        regional = m["code"] in gotland_like
        rows.append(
            {
                "reference_key": f"kommun:{m['code']}",
                "kind": OrganisationKind.KOMMUN,
                "name": region_names[m["county_code"]] if regional else m["official_name"],
                "short_name": m["name"],
                "municipality_code": m["code"],
                "county_code": m["county_code"],
                "also_region": regional,
            }
        )
    for c in counties:
        rows.append(
            {
                "reference_key": f"lansstyrelse:{c['code']}",
                "kind": OrganisationKind.LANSSTYRELSE,
                "name": c["county_board_name"],
                "short_name": c["county_board_short_name"],
                "county_code": c["code"],
                "website": c["county_board_website"] or None,
            }
        )
        if c["code"] not in MUNICIPALITY_AS_REGION:
            rows.append(
                {
                    "reference_key": f"region:{c['code']}",
                    "kind": OrganisationKind.REGION,
                    "name": c["region_name"],
                    "county_code": c["code"],
                }
            )
    for a in agencies:
        is_skr = a["short_name"] == SKR_SHORT_NAME
        rows.append(
            {
                "reference_key": f"{'skr' if is_skr else 'myndighet'}:{a['org_number']}",
                "kind": OrganisationKind.SKR if is_skr else OrganisationKind.MYNDIGHET,
                "name": a["name"],
                "short_name": a["short_name"] if a["short_name"] != a["name"] else None,
                "org_number": a["org_number"],
                "website": a["website"] or None,
            }
        )
    return rows


def seed_counties(report: SeedReport, data_dir: Path) -> None:
    """Create or update the 21 counties; they are reference data only."""
    existing = {c.code: c for c in db.session.scalars(select(County))}
    for row in read_csv(data_dir / "counties_extended.csv"):
        values = {
            "name": row["name"],
            "short_name": row["short_name"],
            "letter": row["letter"],
        }
        county = existing.get(row["code"])
        if county is None:
            db.session.add(County(code=row["code"], **values))
            report.created.append(row["name"])
            continue
        changed = [k for k, v in values.items() if getattr(county, k) != v]
        for key in changed:
            setattr(county, key, values[key])
        if changed:
            report.updated.append(f"{row['name']} ({', '.join(changed)})")
        else:
            report.unchanged += 1
    db.session.flush()


def seed_organisations(report: SeedReport, data_dir: Path) -> None:
    """Create or update the reference organisations (see the module docstring)."""
    existing = {
        o.reference_key: o
        for o in db.session.scalars(
            select(Organisation).where(Organisation.reference_key.is_not(None))
        )
    }
    for row in reference_organisations(data_dir):
        organisation = existing.get(row["reference_key"])
        if organisation is None:
            organisation = Organisation(**{"also_region": False, **row})
            if organisation.kind is OrganisationKind.KOMMUN:
                organisation.engagement_stage = INITIAL_STAGE
            organisation.index()
            db.session.add(organisation)
            report.created.append(row["name"])
            continue
        changed = []
        for key in OWNED_FIELDS:
            wanted = row.get(key, False if key == "also_region" else None)
            if getattr(organisation, key) != wanted:
                setattr(organisation, key, wanted)
                changed.append(key)
        if rename_if_seeded(organisation, row["name"]):
            changed.append("name")
        if changed:
            organisation.index()
            report.updated.append(f"{organisation.name} ({', '.join(changed)})")
        else:
            report.unchanged += 1
    db.session.flush()


def rename_if_seeded(organisation: Organisation, name: str) -> bool:
    """Give `organisation` the reference data's corrected `name` if its stored name is one the
    seed gave it before (never a name a user typed). Recorded in its history; its units are
    re-indexed, since they are found by their parent's name."""
    former = FORMER_REFERENCE_NAMES.get(organisation.reference_key or "", ())
    if organisation.name == name or organisation.name not in former:
        return False
    old, organisation.name = organisation.name, name
    for unit in organisation.units:
        unit.index()
    record(entity=organisation, action=Action.UPDATE, by=None, changes={"name": [old, name]})
    return True


def seed_reference_data(data_dir: Path = DATA_DIR) -> SeedReport:
    """Load counties and organisations; return what was created and updated."""
    report = SeedReport()
    seed_counties(report, data_dir)
    seed_organisations(report, data_dir)
    return report
