"""`flask report ...`: reports from the command line for scheduled runs.

    flask --app wsgi report monthly --month 2026-10 --format xlsx --output rapport.xlsx
    flask --app wsgi report final --to 2027-06-04 --output slutredovisning.xlsx
    flask --app wsgi report situation --output lagesbild.xlsx

Messages are in English, for whoever reads the cron log; the spreadsheets are in Swedish.
A bad month or date exits with status 2 (usage error), an unwritable path with status 1; the
file is written whole or not at all.
"""

from __future__ import annotations

import os
import tempfile
from datetime import date
from pathlib import Path

import click
from flask import current_app, url_for
from flask.cli import AppGroup

from app.common.time import local_today, utcnow

from . import exporters, meeting_list, situation_exports
from .final import build_final
from .periods import Period, assignment_start, last_month, month_period, parse_day, parse_month
from .situation import county_rollup, municipality_statuses
from .summary import monthly_summary

report = AppGroup("report", help="Produce reports from the command line.")


def write_file(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file beside it, so a reader never sees half a
    report; a ClickException (exit status 1) says why when it cannot be written."""
    try:
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".report-", suffix=".tmp")
    except OSError as error:
        raise click.ClickException(f"Cannot write {path}: {error.strerror or error}") from error
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # as an ordinary new file, not mkstemp's 0600
        os.replace(temporary, path)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise click.ClickException(f"Cannot write {path}: {error.strerror or error}") from error


def _month(_ctx: click.Context, _param: click.Parameter, value: str | None) -> Period | None:
    if value is None:
        return None
    try:
        return month_period(parse_month(value))
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not a month; write YYYY-MM, for example 2026-10."
        ) from None


def _day(_ctx: click.Context, _param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return parse_day(value)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not a date; write YYYY-MM-DD, for example 2027-06-04."
        ) from None


@report.command("monthly")
@click.option(
    "--month",
    "period",
    callback=_month,
    metavar="YYYY-MM",
    help="The month to report on (default: last month, in Stockholm).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["xlsx", "csv"]),
    default="xlsx",
    show_default=True,
    help="Excel workbook or one CSV file for Swedish Excel.",
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write (default: sammanstallning-YYYY-MM.<format> here).",
)
def monthly(period: Period | None, fmt: str, output: Path | None) -> None:
    """The activity summary of one month, as XLSX or CSV."""
    period = period or last_month(local_today())
    sheets = exporters.summary_sheets(
        monthly_summary(period),
        meetings=meeting_list.held_meeting_rows(period),
        generated_at=utcnow(),
    )
    data = exporters.xlsx(sheets) if fmt == "xlsx" else exporters.csv_tables(sheets)
    path = output or Path(f"sammanstallning-{period.slug}.{fmt}")
    write_file(path, data)
    click.echo(f"Wrote the summary of {period.label} to {path} ({len(data)} bytes).")


@report.command("final")
@click.option(
    "--to",
    "end",
    callback=_day,
    metavar="YYYY-MM-DD",
    help="The last day to include (default: today).",
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write (default: slutredovisning-<period>.xlsx here).",
)
def final(end: date | None, output: Path | None) -> None:
    """The whole-period report from ASSIGNMENT_START, per quarter, as XLSX."""
    start = assignment_start(current_app.config.get("ASSIGNMENT_START"))
    end = end or max(local_today(), start)
    if end < start:
        raise click.BadParameter(
            f"{end} is before the assignment's start, {start}.", param_hint="'--to'"
        )
    period = Period(start, end)
    # Links to the meeting list's exports, as paths (a command knows no host name).
    args = meeting_list.held_list_args(period)
    with current_app.test_request_context():
        links = exporters.MeetingListLinks(
            xlsx=url_for("meetings.export", fmt="xlsx", **args),
            csv=url_for("meetings.export", fmt="csv", **args),
        )
    data = exporters.xlsx(
        exporters.final_sheets(build_final(period), meeting_list=links, generated_at=utcnow())
    )
    path = output or Path(f"slutredovisning-{period.slug}.xlsx")
    write_file(path, data)
    click.echo(f"Wrote the whole-period report {period.label} to {path} ({len(data)} bytes).")


@report.command("situation")
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write (default: lagesbild-YYYY-MM-DD.xlsx here).",
)
def situation(output: Path | None) -> None:
    """The lägesbild (every municipality, and per county) as XLSX."""
    rollup, national = county_rollup()
    data = exporters.xlsx(
        situation_exports.situation_sheets(municipality_statuses(), rollup, national)
    )
    path = output or Path(f"lagesbild-{local_today().isoformat()}.xlsx")
    write_file(path, data)
    click.echo(f"Wrote the lägesbild to {path} ({len(data)} bytes).")
