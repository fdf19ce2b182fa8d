"""Report pages and their exports: thin views over summary.py, final.py, situation.py and
report_charts.py (the charts).

Every page is a GET with its choices in the query string, so a report can be bookmarked and
readers see everything. Bad input shows the form with a Swedish message (status 400).
"""

from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, current_app, render_template, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup

from app.common.arguments import page_number
from app.common.downloads import CSV, XLSX, attachment, export_begun, file_attachment
from app.common.heavy_work import bounded
from app.common.links import record_links
from app.common.spreadsheets import export_filename, xlsx_file
from app.common.time import local_midnight, local_today, utcnow
from app.library.coverage import information_sent
from app.meetings.figures import COVERED_KINDS
from app.organisations.forms import county_choices, stage_choices
from app.organisations.services import counties
from app.organisations.stages import Stage
from app.plans.figures import MEMBERSHIP_FIGURES, memberships, open_due
from app.themes.exports import theme_sheets
from app.themes.figures import theme_picture
from app.themes.forms import ThemePeriodForm

from . import exporters, meeting_list, situation_exports
from .final import build_final
from .forms import FinalForm, PeriodForm, SilenceForm, SituationFilterForm, silence_kind_choices
from .map import Area, render_map
from .periods import Period, assignment_start, months_before
from .report_charts import final_charts, summary_charts
from .situation import (
    MunicipalityStatus,
    SilentOrganisation,
    county_rollup,
    filter_statuses,
    met_per_county,
    municipality_statuses,
    silent_organisations,
)
from .summary import MEETINGS_PRINTED, meeting_page, monthly_summary

bp = Blueprint("reports", __name__, url_prefix="/rapporter")


@bp.get("")
def index():
    return render_template("reports/index.html")


# --- The activity summary ----------------------------------------------------------------


def period_args(period: Period) -> dict[str, str]:
    """The query string that chooses `period` again."""
    if period.is_month:
        return {"manad": period.month_key}
    return {"fran": period.start.isoformat(), "till": period.end.isoformat()}


def _chosen_period() -> tuple[PeriodForm, Period | None]:
    form = PeriodForm(request.args)
    if not form.validate():
        return form, None
    period = form.period(local_today())
    form.show(period)
    return form, period


def _bad_period(form: PeriodForm):
    return render_template("reports/summary.html", form=form, summary=None), 400


@bp.get("/sammanstallning")
def summary():
    form, period = _chosen_period()
    if period is None:
        return _bad_period(form)
    report = monthly_summary(period)
    page = page_number()
    return render_template(
        "reports/summary.html",
        form=form,
        summary=report,
        meetings=meeting_page(period, total=report.held, page=page),
        charts=summary_charts(report),
        information=information_sent(period.start, period.end),
        args=period_args(period),
        previous_month=(period.start - timedelta(days=1)).strftime("%Y-%m"),
        next_month=(period.end + timedelta(days=1)).strftime("%Y-%m"),
    )


@bp.get("/sammanstallning/utskrift")
def summary_print():
    form, period = _chosen_period()
    if period is None:
        return _bad_period(form)
    report = monthly_summary(period)
    return render_template(
        "reports/summary_print.html",
        summary=report,
        meetings=meeting_page(period, total=report.held, per_page=MEETINGS_PRINTED),
        charts=summary_charts(report),
        information=information_sent(period.start, period.end),
        args=period_args(period),
        generated_at=utcnow(),
    )


@bp.get("/sammanstallning.<any(csv, xlsx):fmt>")
@bounded("export")
def summary_export(fmt: str):
    """The period's summary with every held meeting of it (a month's: bounded), the XLSX
    written in constant-memory mode to a temporary file and sent from it."""
    form, period = _chosen_period()
    if period is None:
        return _bad_period(form)
    count = export_begun(_("sammanstallning"), title=_("Sammanställningen"), fmt=fmt)
    sheets = count.sheets(
        exporters.summary_sheets(
            monthly_summary(period),
            meetings=meeting_list.held_meeting_rows(period),
            generated_at=utcnow(),
            information=information_sent(period.start, period.end),
        )
    )
    filename = f"{_('sammanstallning')}-{period.slug}.{fmt}"
    if fmt == "csv":
        data = exporters.csv_tables(sheets)
        count.finish()
        return attachment(data, filename=filename, mimetype=CSV)
    written = xlsx_file(sheets)
    count.finish()
    return file_attachment(written, filename=filename, mimetype=XLSX)


# --- The lägesbild -----------------------------------------------------------------------


def stage_areas(statuses: list[MunicipalityStatus], shown: set[int]) -> dict[str, Area]:
    """How each municipality is drawn: linked, named, coloured by stage; dimmed when the
    table's filters leave it out."""
    areas = {}
    link = record_links("organisations.detail", "organisation_id")
    labels = {stage: stage.label for stage in Stage}
    for status in statuses:
        if status.code is None:
            continue
        css = f"stage-fill--{status.stage.value}"
        if status.id not in shown:
            css += " map__area--dimmed"
        areas[status.code] = Area(
            href=link(status.id),
            title=f"{status.name}: {labels[status.stage]}",
            css_class=css,
            fill=status.stage.colour,
        )
    return areas


@bp.get("/lagesbild")
def situation():
    form = SituationFilterForm(request.args)
    all_counties = counties()
    form.lan.choices = county_choices(all_counties, blank=_("Alla län"))
    form.steg.choices = stage_choices(blank=_("Alla steg"))
    county = form.lan.data if form.lan.data in {c.code for c in all_counties} else None
    stage = form.steg.data if isinstance(form.steg.data, Stage) else None
    statuses = municipality_statuses()
    shown = filter_statuses(statuses, county=county, stage=stage)
    rollup, national = county_rollup()
    theme_form = ThemePeriodForm(request.args)
    themes = theme_picture(*theme_form.period(local_today()))
    swedish_map = render_map(
        stage_areas(statuses, {s.id for s in shown}),
        label=_("Karta över Sveriges kommuner färgade efter engagemangssteg"),
    )
    return render_template(
        "reports/situation.html",
        form=form,
        statuses=shown,
        total=len(statuses),
        filtered=county is not None or stage is not None,
        today=local_today(),  # the day the lägesbild describes (the page is kept per day)
        rollup=rollup,
        national=national,
        met=met_per_county(statuses),
        stages=list(Stage),
        theme_form=theme_form,
        themes=themes,
        # The SVG comes from map.py, which escapes every name it writes.
        swedish_map=Markup(swedish_map),  # nosec B704
    )


@bp.get("/lagesbild.xlsx")
@bounded("export")
def situation_export():
    count = export_begun(_("lagesbild"), title=_("Lägesbild"), fmt="xlsx")
    rollup, national = county_rollup()
    sheets = situation_exports.situation_sheets(municipality_statuses(), rollup, national)
    themes = theme_picture(*ThemePeriodForm(request.args).period(local_today()), breakdowns=True)
    sheets += theme_sheets(themes)
    data = exporters.xlsx(count.sheets(sheets))
    count.finish()
    filename = export_filename(_("lagesbild"), local_today(), "xlsx")
    return attachment(data, filename=filename, mimetype=XLSX)


# --- The silence list --------------------------------------------------------------------


def _silence() -> tuple[SilenceForm, date | None, list[SilentOrganisation] | None]:
    form = SilenceForm(request.args)
    form.typ.choices = silence_kind_choices()
    if not form.validate():
        return form, None, None
    cutoff = months_before(local_today(), form.months)
    kinds = [k for k in COVERED_KINDS if k.value == form.typ.data] or list(COVERED_KINDS)
    return form, cutoff, silent_organisations(local_midnight(cutoff), kinds=kinds)


@bp.get("/tystnad")
def silence():
    form, cutoff, rows = _silence()
    in_plans = memberships(row.id for row in rows or ())  # app/plans: who has it in a plan
    page = render_template(
        "reports/silence.html",
        form=form,
        rows=rows,
        cutoff=cutoff,
        today=local_today(),
        in_plans=in_plans,
        due={row.id: open_due(in_plans.get(row.id, ())) for row in rows or ()},
        plan_figures=MEMBERSHIP_FIGURES,
    )
    return page, (400 if rows is None else 200)


@bp.get("/tystnad.xlsx")
@bounded("export")
def silence_export():
    form, _cutoff, rows = _silence()
    if rows is None:
        return render_template("reports/silence.html", form=form, rows=None, cutoff=None), 400
    count = export_begun(_("tystnadslista"), title=_("Tystnadslista"), fmt="xlsx")
    sheets = situation_exports.silence_sheets(
        rows,
        today=local_today(),
        months=form.months,
        in_plans=memberships(row.id for row in rows),  # as the page: app/plans/figures.py
    )
    data = exporters.xlsx(count.sheets(sheets))
    count.finish()
    filename = export_filename(_("tystnadslista"), local_today(), "xlsx")
    return attachment(data, filename=filename, mimetype=XLSX)


# --- The whole-period report -------------------------------------------------------------


def _chosen_final_period() -> tuple[FinalForm, Period | None]:
    form = FinalForm(request.args)
    start = assignment_start(current_app.config.get("ASSIGNMENT_START"))
    if not form.validate() or not form.check_start(start):
        return form, None
    return form, Period(start, form.till.data or max(local_today(), start))


def _bad_final(form: FinalForm):
    return render_template("reports/final.html", form=form, report=None), 400


@bp.get("/slutredovisning")
def final():
    form, period = _chosen_final_period()
    if period is None:
        return _bad_final(form)
    report = build_final(period)
    return render_template(
        "reports/final.html",
        form=form,
        report=report,
        charts=final_charts(report),
        information=information_sent(period.start, period.end),
        stages=list(Stage),
        args={"till": period.end.isoformat()},
        held_args=meeting_list.held_list_args(period),
    )


@bp.get("/slutredovisning/utskrift")
def final_print():
    form, period = _chosen_final_period()
    if period is None:
        return _bad_final(form)
    report = build_final(period)
    return render_template(
        "reports/final_print.html",
        report=report,
        charts=final_charts(report),
        information=information_sent(period.start, period.end),
        stages=list(Stage),
        generated_at=utcnow(),
        held_args=meeting_list.held_list_args(period),
    )


def meeting_list_links(period: Period) -> exporters.MeetingListLinks:
    """The meeting list's exports of the period's held meetings: the full list the
    whole-period report points to."""
    args = meeting_list.held_list_args(period)
    return exporters.MeetingListLinks(
        xlsx=url_for("meetings.export", fmt="xlsx", _external=True, **args),
        csv=url_for("meetings.export", fmt="csv", _external=True, **args),
    )


@bp.get("/slutredovisning.xlsx")
@bounded("export")
def final_export():
    """Figures and per-quarter tables; the held meetings themselves are in the meeting
    list's export, which the workbook links to."""
    form, period = _chosen_final_period()
    if period is None:
        return _bad_final(form)
    count = export_begun(_("slutredovisning"), title=_("Slutredovisning"), fmt="xlsx")
    sheets = exporters.final_sheets(
        build_final(period),
        meeting_list=meeting_list_links(period),
        generated_at=utcnow(),
        information=information_sent(period.start, period.end),
    )
    data = exporters.xlsx(count.sheets(sheets))
    count.finish()
    filename = f"{_('slutredovisning')}-{period.slug}.xlsx"
    return attachment(data, filename=filename, mimetype=XLSX)
