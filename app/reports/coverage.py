"""The coverage of one material: the map of Sweden coloured by Informerad med X (received or
not), the county roll-up, and the municipalities that have not received it, with a link that
opens them as the organisation list (the next mailing's recipients).

The figure is app/library/coverage.py's; this module only draws it. Five statements whatever
the distribution log holds: the material with its versions (three), the municipalities, and
the informed ones.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, render_template, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup

from app.library import coverage
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


@bp.get("/tackning/<int:material_id>")
def coverage_page(material_id: int):
    """Informerad med the material (or one version of it): map, counties, the rest."""
    material = load_material(material_id) or abort(404)
    versions = {v.id: v for v in material.versions}
    asked = request.args.get("version", "")
    version = versions.get(int(asked)) if asked.isdigit() and len(asked) < 10 else None
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
