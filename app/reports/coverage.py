"""The coverage of one material: the map of Sweden coloured by Informerad med X (received or
not), the county roll-up, and the municipalities that have not received it, with a link that
opens them as the organisation list (the next mailing's recipients).

The figure is app/library/coverage.py's; this module only draws it. Five statements whatever
the distribution log holds: the material with its versions (three), the municipalities, and
the informed ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import abort, render_template, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup

from app.common.downloads import XLSX, attachment, export_started
from app.common.heavy_work import bounded
from app.common.spreadsheets import Sheet, Value, export_filename, xlsx_bytes
from app.common.time import local_today
from app.library import coverage
from app.library.models import Material, MaterialVersion
from app.library.services import load_material

from .map import Area, render_map
from .routes import bp

#: The map's two colours (a blue of the lägesbild's scale and its lightest grey).
INFORMED_FILL = "#2171b5"
NOT_INFORMED_FILL = "#e8ecf1"


@dataclass(frozen=True)
class CountyCoverage:
    code: str | None
    name: str
    informed: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.informed / self.total) if self.total else 0


def _areas(rows: list[coverage.MunicipalityRow], informed: set[int]) -> dict[str, Area]:
    received, missing = _("har fått materialet"), _("har inte fått materialet")
    return {
        row.code: Area(
            href=url_for("organisations.detail", organisation_id=row.id),
            title=f"{row.name}: {received if row.id in informed else missing}",
            css_class="coverage-fill--yes" if row.id in informed else "coverage-fill--no",
            fill=INFORMED_FILL if row.id in informed else NOT_INFORMED_FILL,
        )
        for row in rows
        if row.code
    }


def _counties(
    rows: list[coverage.MunicipalityRow], informed: set[int]
) -> tuple[list[CountyCoverage], CountyCoverage]:
    """Per county (in code order) and for the whole country: informed of how many."""
    counts = coverage.coverage_counts([(r.id, r.county_code) for r in rows], informed)
    names = {r.county_code: r.county or "" for r in rows}
    counties = [
        CountyCoverage(code, names[code], *counts[code])
        for code in sorted(names, key=lambda c: c or "")
    ]
    return counties, CountyCoverage(None, "", *counts.get(None, (0, 0)))


def coverage_sheets(
    *,
    material: str,
    version: int | None,
    rows: list[coverage.MunicipalityRow],
    first: dict[int, date],
    counties: list[CountyCoverage],
    national: CountyCoverage,
) -> list[Sheet]:
    """The coverage page as a workbook: every municipality with received yes/no and the
    first day it was, and the county roll-up with the whole country last."""
    what = f"{material} ({_('version %(number)d', number=version)})" if version else material
    yes, no = _("Ja"), _("Nej")
    municipalities: list[list[Value]] = [
        [r.name, r.county or "", yes if r.id in first else no, first.get(r.id)] for r in rows
    ]
    roll_up: list[list[Value]] = [[c.name, c.informed, c.total, c.percent] for c in counties]
    roll_up.append([_("Hela landet"), national.informed, national.total, national.percent])
    return [
        Sheet(
            title=_("Kommuner"),
            header=[_("Kommun"), _("Län"), _("Fått %(what)s", what=what), _("Första gången")],
            rows=municipalities,
        ),
        Sheet(
            title=_("Per län"),
            header=[_("Län"), _("Informerade kommuner"), _("Kommuner"), _("Andel (%)")],
            rows=roll_up,
        ),
    ]


def _material_and_version(material_id: int) -> tuple[Material, MaterialVersion | None]:
    """The material (404 when missing or in the trash) and the version asked for, if it is
    one of its own (anything else means any version)."""
    material = load_material(material_id) or abort(404)
    versions = {v.id: v for v in material.versions}
    asked = request.args.get("version", "")
    version = versions.get(int(asked)) if asked.isdigit() and len(asked) < 10 else None
    return material, version


@bp.get("/tackning/<int:material_id>.xlsx")
@bounded("export")
def coverage_export(material_id: int):
    """The coverage page's workbook; the security log records who downloaded it and how
    many municipalities it lists."""
    material, version = _material_and_version(material_id)
    rows = coverage.municipalities()
    first = coverage.first_informed(material.id, version.id if version else None)
    counties, national = _counties(rows, set(first))
    stem = _("tackning")
    title = _("Täckning: %(title)s", title=material.title)
    done = [r for _r, r in export_started.send(stem, title=title, fmt="xlsx") if callable(r)]
    data = xlsx_bytes(
        coverage_sheets(
            material=material.title,
            version=version.number if version else None,
            rows=rows,
            first=first,
            counties=counties,
            national=national,
        )
    )
    for complete in done:
        complete(len(rows))
    filename = export_filename(f"{stem}-{material.id}", local_today(), "xlsx")
    return attachment(data, filename=filename, mimetype=XLSX)


@bp.get("/tackning/<int:material_id>")
def coverage_page(material_id: int):
    """Informerad med the material (or one version of it): map, counties, the rest."""
    material, version = _material_and_version(material_id)
    rows = coverage.municipalities()
    informed = coverage.informed_ids(material.id, version.id if version else None)
    counties, national = _counties(rows, informed)
    swedish_map = render_map(
        _areas(rows, informed),
        label=_("Karta över Sveriges kommuner: fått materialet eller inte"),
    )
    return render_template(
        "reports/coverage.html",
        material=material,
        version=version,
        national=national,
        counties=counties,
        missing=[r for r in rows if r.id not in informed],
        recipients_url=url_for(
            "organisations.index",
            saknar_material=material.id,
            version=version.id if version else None,
        ),
        figure=coverage.INFORMED,
        # The SVG comes from map.py, which escapes every name it writes.
        swedish_map=Markup(swedish_map),  # nosec B704
    )
