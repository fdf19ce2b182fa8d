"""Planning an indicator import: guess the columns, read Swedish numbers and municipality
codes or names, and classify every row. Writes nothing (services.commit_import applies it).

The files come from Kolada, SCB and Socialstyrelsen: one row per municipality (the year
chosen in the form) or one row per municipality and year. Numbers are written the Swedish
way ("12 345,6", with ordinary, no-break or narrow no-break spaces) or the English way
("12345.6"); "..", "-" and an empty cell mean the figure is missing. A municipality is given
by its code, with or without the leading zero ("180" is 0180), by a code and name in one cell
("0180 Stockholm", SCB's region column), or by its name ("Malmö", "Malmö kommun", "MALMO"),
matched as the contact import matches organisation names.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.common.text import fold
from app.contacts.import_matching import (
    OrganisationIndex,
    exact_key,
    normalise_municipality_code,
)
from app.extensions import db
from app.organisations.models import Organisation, OrganisationKind

#: The columns a mapping chooses, in the order the form shows them.
FIELDS: dict[str, Any] = {
    "municipality": _l("Kommun (kod eller namn)"),
    "year": _l("År"),
    "value": _l("Värde"),
}
#: Header words (folded) that point at each column; codes are preferred over names.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "municipality": (
        "kommun-id",
        "kommunid",
        "kommunkod",
        "kommunnummer",
        "kod",
        "regionkod",
        "region",
        "kommun",
        "kommunnamn",
        "municipality",
        "municipality code",
        "namn",
    ),
    "year": ("ar", "year", "period", "tid", "artal"),
    "value": ("varde", "value", "totalt", "antal", "andel", "summa", "total", "kvot"),
}
#: Cells that mean "no figure" in the statistics sites' files.
MISSING = {"", "..", "...", ".", "-", "–", "—", "x", "×", "n/a", "na"}
#: Names of the whole country: a row for it is not a municipality's and is skipped.
COUNTRY = {"riket", "sverige", "hela riket", "alla kommuner", "sweden", "0000"}
#: What a mapping keeps as mode.
REPLACE, ADD = "replace", "add"
FIRST_YEAR, LAST_YEAR = 1900, 2100
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009\u2007']")
_CODE_AND_NAME = re.compile(r"^(\d{1,4})\s+(\D.*)$")


def parse_number(text: str) -> float | None:
    """A figure as written in a Swedish or English statistics file; None when missing.
    Raises ValueError for anything else."""
    cleaned = _SPACES.sub("", text.strip()).replace("\u2212", "-").rstrip("%")
    if cleaned.lower() in MISSING:
        return None
    if "," in cleaned and "." in cleaned:
        decimal = "," if cleaned.rfind(",") > cleaned.rfind(".") else "."
        thousands = "." if decimal == "," else ","
        cleaned = cleaned.replace(thousands, "").replace(decimal, ".")
    elif cleaned.count(",") == 1:
        cleaned = cleaned.replace(",", ".")
    elif cleaned.count(",") > 1 or cleaned.count(".") > 1:  # thousands only: 1,234,567
        cleaned = cleaned.replace(",", "").replace(".", "")
    if not re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)", cleaned):
        raise ValueError(text)
    return float(cleaned)


def parse_year(text: str) -> int:
    """A year as a file writes it ("2024", "2024.0", "2024-01-01"); ValueError otherwise."""
    match = re.fullmatch(r"\s*(\d{4})(\.0+|-\d{2}-\d{2}.*)?\s*", text)
    if not match or not FIRST_YEAR <= int(match.group(1)) <= LAST_YEAR:
        raise ValueError(text)
    return int(match.group(1))


def guess_mapping(header: Sequence[str]) -> dict[str, int]:
    """The columns whose headers name a field (the first synonym found wins), else none."""
    folded = [fold(title).strip() for title in header]
    mapping: dict[str, int] = {}
    for name, words in SYNONYMS.items():
        for word in words:
            found = next(
                (i for i, t in enumerate(folded) if t == word and i not in mapping.values()),
                None,
            )
            if found is not None:
                mapping[name] = found
                break
    if "value" not in mapping and header:
        last = len(header) - 1
        if last not in mapping.values():
            mapping["value"] = last
    return mapping


class MunicipalityIndex:
    """The active municipalities, findable by code and by name or short name ("Stockholms
    kommun", "Stockholm"): as written first, then folded without diacritics, so Håbo and
    Habo stay apart unless only the folded name matches one."""

    def __init__(self) -> None:
        rows = db.session.execute(
            select(
                Organisation.id,
                Organisation.name,
                Organisation.short_name,
                Organisation.municipality_code,
            ).where(
                Organisation.kind == OrganisationKind.KOMMUN,
                Organisation.parent_id.is_(None),
                Organisation.archived_at.is_(None),
            )
        ).all()
        self.names: dict[int, str] = {row.id: row.name for row in rows}
        self.by_code: dict[str, int] = {
            row.municipality_code: row.id for row in rows if row.municipality_code
        }
        self.by_exact: dict[str, set[int]] = {}
        self.by_folded: dict[str, set[int]] = {}
        for row in rows:
            for index, normalise in ((self.by_exact, exact_key), (self.by_folded, fold)):
                written = [normalise(row.name), normalise(row.short_name or "")]
                for key in OrganisationIndex.with_suffixes_removed(written):
                    index.setdefault(key, set()).add(row.id)

    def find(self, text: str) -> tuple[int | None, str | None]:
        """The municipality's id, or None with the reason (None for a row of the whole
        country, which is skipped)."""
        text = " ".join(text.split())
        if fold(text) in COUNTRY:
            return None, None
        if match := _CODE_AND_NAME.match(text):
            text = match.group(1)
        if re.fullmatch(r"\d{1,4}", text):
            code = normalise_municipality_code(text)
            if code in self.by_code:
                return self.by_code[code], ""
            return None, _("Okänd kommunkod: %(code)s", code=text)
        for index, normalise in ((self.by_exact, exact_key), (self.by_folded, fold)):
            for key in OrganisationIndex.with_suffixes_removed([normalise(text)]):
                found = index.get(key)
                if found and len(found) == 1:
                    return next(iter(found)), ""
                if found:
                    return None, _("Flera kommuner heter %(name)s: ange kommunkod", name=text)
        return None, _("Ingen kommun heter %(name)s", name=text)


def import_mode(mapping: Mapping[str, Any]) -> str:
    """The mapping's choice for figures already there: ADD when chosen, else REPLACE (the
    form's default and a draft's first choice). Every reader of the mode asks here."""
    return ADD if mapping.get("mode") == ADD else REPLACE


@dataclass
class PlannedRow:
    """What the import will do with one row: new, replace (a figure is there), skip (no
    figure, or the whole country) or error, with the reasons."""

    number: int
    action: str
    municipality_text: str = ""
    organisation_id: int | None = None
    year: int | None = None
    value: float | None = None
    #: For an indicator of categories: the category's name ("Storstäder").
    category: str | None = None
    previous: float | str | None = None
    reasons: list[str] = field(default_factory=list)


@dataclass
class ImportPlan:
    rows: list[PlannedRow]
    #: Figures already there for the file's years that a replace removes (not in the file).
    removed: int = 0
    years: list[int] = field(default_factory=list)
    #: REPLACE or ADD (import_mode).
    mode: str = REPLACE

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def counts(self) -> dict[str, int]:
        return {a: self.count(a) for a in ("new", "replace", "skip", "error")}

    @property
    def fingerprint(self) -> str:
        """What the preview showed; a confirm with another fingerprint is refused."""
        shown = [
            (r.number, r.action, r.organisation_id, r.year, r.value, r.category, r.previous)
            for r in self.rows
        ]
        data = json.dumps([shown, self.removed], default=str).encode()
        return hashlib.sha256(data).hexdigest()[:32]


def _cell(row: Sequence[str], index: int | None) -> str:
    return row[index].strip() if index is not None and index < len(row) else ""


def plan_import(
    rows: Sequence[Sequence[str]],
    mapping: Mapping[str, Any],
    *,
    index: MunicipalityIndex,
    existing: Mapping[tuple[int, int], float | str],
    counts_per_year: Mapping[int, int],
    categories: bool = False,
) -> ImportPlan:
    """Classify every row. `existing` holds the indicator's figures for the file's years by
    (municipality id, year); `counts_per_year` how many there are per year. In "add" mode a
    figure already there is an error; in "replace" mode it is replaced, and the year's
    figures for municipalities not in the file are removed. With `categories`, a value cell
    is a category's name (SKR's kommungrupp), not a number."""
    mode = import_mode(mapping)
    fixed_year = mapping.get("fixed_year")
    seen: dict[tuple[int, int], int] = {}
    planned: list[PlannedRow] = []
    for number, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        text = _cell(row, mapping.get("municipality"))
        result = PlannedRow(number=number, action="new", municipality_text=text)
        planned.append(result)
        if fixed_year:
            result.year = int(fixed_year)
        else:
            year_text = _cell(row, mapping.get("year"))
            try:
                result.year = parse_year(year_text)
            except ValueError:
                result.reasons.append(_("Ogiltigt år: %(year)s", year=year_text or "–"))
        value_text = _cell(row, mapping.get("value"))
        if categories:
            if value_text.lower() not in MISSING:
                result.category = " ".join(value_text.split())[:100]
        else:
            try:
                result.value = parse_number(value_text)
            except ValueError:
                result.reasons.append(_("Inte ett tal: %(value)s", value=value_text))
        if not text:
            result.reasons.append(_("Ingen kommun angiven"))
        else:
            result.organisation_id, reason = index.find(text)
            if reason is None:
                result.action = "skip"
                result.reasons = [_("Hela riket, inte en kommun")]
                continue
            if reason:
                result.reasons.append(reason)
        if result.reasons:
            result.action = "error"
            continue
        if result.value is None and result.category is None:
            result.action = "skip"
            result.reasons.append(_("Värde saknas (%(text)s)", text=value_text or "tomt"))
            continue
        assert result.organisation_id is not None and result.year is not None
        key = (result.organisation_id, result.year)
        if key in seen:
            result.action = "error"
            result.reasons.append(_("Kommunen och året finns redan på rad %(row)d", row=seen[key]))
            continue
        seen[key] = number
        if key in existing:
            result.previous = existing[key]
            if mode == ADD:
                result.action = "error"
                result.reasons.append(
                    _("Ett värde finns redan för %(year)d: välj att ersätta året", year=key[1])
                )
            else:
                result.action = "replace"
    years = sorted({r.year for r in planned if r.year is not None and r.action != "error"})
    removed = 0
    if mode == REPLACE:
        kept = {key for key in seen if key in existing}
        removed = sum(counts_per_year.get(year, 0) for year in years) - len(kept)
    return ImportPlan(rows=planned, removed=max(removed, 0), years=years, mode=mode)
