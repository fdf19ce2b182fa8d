"""The prioritisation view: choose an indicator and a year, see it on the municipality map
(quantile classes with a legend), and the municipalities ranked by it beside their engagement
stage, Möte hållet and the time since the last held meeting; the list filtered to those with
no meeting held, exported, and one click from a mailing or a contact plan."""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup
from wtforms import SelectChoice

from app.common.downloads import CSV, XLSX, attachment, export_begun
from app.common.formatting import current_locale
from app.common.heavy_work import bounded
from app.common.spreadsheets import export_filename
from app.common.time import local_today
from app.extensions import db
from app.meetings.figures import MET
from app.plans.figures import current_plans
from app.plans.models import ContactPlan
from app.reports import exporters
from app.reports.map import render_map

from . import queries
from .classes import MapFigure, colour_figures, format_figure
from .exports import ranking_sheets
from .forms import ChoiceForm
from .models import Indicator
from .routes import bp
from .sections import TOP_CHOICES, prioritised, read_top, read_year


@dataclass
class Choice:
    """What the page shows: the form, the indicator and year (None: nothing to show yet),
    how many of the ranking, and whether only those without Möte hållet."""

    form: ChoiceForm
    indicator: Indicator | None
    year: int | None
    top: int
    not_met: bool

    @property
    def arguments(self) -> dict[str, str]:
        """The query string that chooses the same municipalities (sections.prioritised)."""
        if self.indicator is None or self.year is None:
            return {}
        return {
            "indikator": str(self.indicator.id),
            "ar": str(self.year),
            **({"topp": str(self.top)} if self.top else {}),
            **({"utan_mote": "1"} if self.not_met else {}),
        }


def _choice() -> Choice:
    """The indicator asked for (else the first), the year asked for if it has figures (else
    the newest), the list's length and filter."""
    form = ChoiceForm(request.args)
    indicators = queries.indicator_choices()
    form.indikator.choices = [SelectChoice(str(i.id), i.name) for i in indicators]
    asked = request.args.get("indikator", "")
    indicator = next((i for i in indicators if str(i.id) == asked), None)
    if indicator is None and indicators:
        indicator = indicators[0]
    years = queries.years_of(indicator.id) if indicator is not None else []
    form.ar.choices = [SelectChoice(str(y), str(y)) for y in years]
    year = read_year(request.args.get("ar"))
    if year not in years:
        year = years[0] if years else None
    top = read_top(request.args.get("topp"))
    form.topp.choices = [
        SelectChoice(str(n), _("De %(num)d första", num=n) if n else _("Alla")) for n in TOP_CHOICES
    ]
    form.indikator.data = str(indicator.id) if indicator else ""
    form.ar.data = str(year) if year else ""
    form.topp.data = str(top)
    return Choice(form, indicator, year, top, bool(form.utan_mote.data))


def _map(choice: Choice) -> tuple[Markup, list, int]:
    assert choice.indicator is not None and choice.year is not None
    unit = choice.indicator.unit
    locale = current_locale()
    coloured = colour_figures(
        [MapFigure(*row) for row in queries.map_figures(choice.indicator.id, choice.year)],
        href=lambda organisation_id: url_for(
            "organisations.detail", organisation_id=organisation_id
        ),
        label=lambda value: f"{format_figure(value, locale)} {unit}".strip(),
        no_figure_label=_("inget värde"),
    )
    svg = render_map(
        coloured.areas,
        label=_(
            "Karta över kommunerna färgade efter %(indicator)s %(year)d",
            indicator=choice.indicator.name,
            year=choice.year,
        ),
    )
    # The SVG comes from reports/map.py, which escapes every name it writes.
    return Markup(svg), coloured.bands, coloured.missing  # nosec B704


@bp.get("/prioritering")
def priorities():
    choice = _choice()
    plan_id = request.args.get("kontaktplan", "")
    if plan_id.isdigit() and choice.arguments:
        # The chosen contact plan's page for adding organisations, with the list's
        # municipalities chosen (by the organisation list's `?indikator=` filter).
        plan = db.get_or_404(ContactPlan, int(plan_id))
        return redirect(url_for("plans.add", plan_id=plan.id, **choice.arguments))
    if choice.indicator is None or choice.year is None:
        return render_template("indicators/priorities.html", choice=choice, rows=[])
    rows, matched = queries.top_ranked(
        choice.indicator, choice.year, top=choice.top, not_met=choice.not_met
    )
    swedish_map, bands, missing = _map(choice)
    return render_template(
        "indicators/priorities.html",
        choice=choice,
        rows=rows,
        matched=matched,
        swedish_map=swedish_map,
        bands=bands,
        missing=missing,
        today=local_today(),
        met=MET,
        # Only plans not yet ended take new municipalities (as the plans' choose page).
        plans=current_plans(since=local_today()),
    )


@bp.get("/prioritering.<any(xlsx, csv):fmt>")
@bounded("export")
def priorities_export(fmt: str):
    choice = _choice()
    if choice.indicator is None or choice.year is None:
        abort(404)
    applied = prioritised(choice.arguments)
    rows, _matched = queries.top_ranked(
        choice.indicator, choice.year, top=choice.top, not_met=choice.not_met
    )
    count = export_begun(_("prioritering"), title=_("Prioritering"), fmt=fmt)
    sheets = count.sheets(
        ranking_sheets(
            rows,
            indicator=choice.indicator,
            year=choice.year,
            today=local_today(),
            described=applied.description if applied else "",
        )
    )
    data = exporters.xlsx(sheets) if fmt == "xlsx" else exporters.csv_tables(sheets)
    count.finish()
    filename = export_filename(_("prioritering"), local_today(), fmt)
    return attachment(data, filename=filename, mimetype=XLSX if fmt == "xlsx" else CSV)
