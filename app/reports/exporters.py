"""The reports as spreadsheets: pure builders from report data to sheets, XLSX and CSV bytes.

XLSX gets one sheet per table (common/spreadsheets.xlsx_bytes, written row by row: real
dates and numbers, Swedish headers, a frozen bold header row, filters, widths; text always
stored as text, never a formula). The monthly summary's held meetings (one month's) come as
an iterable (`meeting_list.held_meeting_rows` streams them from the database) and are
written as they come, never held in a list. The whole-period report holds figures and
tables only: for the list of every held meeting it links to the meeting list's export,
filtered to the period's held meetings (hundreds of thousands of rows belong there).
CSV puts every table in one file for Swedish Excel: UTF-8 with one BOM, semicolons, each
table under a title row and followed by a blank line; text that a spreadsheet would read as a
formula is defused with a leading apostrophe.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _

from app.common.spreadsheets import (
    DATETIME_WIDTH,
    Link,
    Sheet,
    Value,
    csv_bytes,
    xlsx_bytes,
)
from app.common.time import to_local
from app.library.coverage import InformationSent
from app.meetings.figures import MET, Figure
from app.meetings.models import MeetingKind
from app.organisations.stages import Stage

from .final import FinalReport
from .meeting_list import HeldMeeting
from .summary import BucketFigures, Row, Summary

_BOM = "\ufeff".encode()


def local(moment: datetime | None) -> datetime | None:
    """A stored UTC moment as a naive Stockholm time: Excel has no time zones."""
    return to_local(moment).replace(tzinfo=None) if moment else None


def local_date(moment: datetime | None) -> date | None:
    return to_local(moment).date() if moment else None


def _rows_sheet(title: str, label: str, rows: Sequence[Row]) -> Sheet:
    return Sheet(
        title=title, header=[label, _("Antal möten")], rows=[[r.label, r.count] for r in rows]
    )


def _about(report: str, summary: Summary, generated_at: datetime) -> Sheet:
    municipalities, boards = summary.municipalities, summary.county_boards
    totals = summary.follow_up_totals
    facts: list[tuple[str, Value]] = [
        (_("Rapport"), report),
        (_("Period från och med"), summary.period.start),
        (_("Period till och med"), summary.period.end),
        (_("Skapad"), local(generated_at)),
        (_("Genomförda möten"), summary.held),
        (_("Organisationer med möte hållet under perioden"), summary.organisations_reached),
        (
            _("Organisationer med möte hållet totalt vid periodens slut"),
            summary.organisations_cumulative,
        ),
        (_("Kommuner med möte hållet under perioden"), municipalities.reach.reached),
        (_("Kommuner med möte hållet för första gången"), municipalities.reach.new),
        (
            _("Kommuner med möte hållet totalt vid periodens slut"),
            municipalities.reach.cumulative,
        ),
        (_("Antal kommuner"), municipalities.total),
        (_("Länsstyrelser med möte hållet under perioden"), boards.reach.reached),
        (_("Länsstyrelser med möte hållet totalt vid periodens slut"), boards.reach.cumulative),
        (_("Antal länsstyrelser"), boards.total),
        (_("Nya kontakter"), summary.new_contacts),
        (_("Uppföljningar skapade"), totals.created),
        (_("Uppföljningar klara"), totals.completed),
        (_("Uppföljningar försenade vid periodens slut"), totals.overdue),
        *_definition_rows([MET]),
    ]
    return Sheet(title=_("Sammanfattning"), header=[_("Uppgift"), _("Värde")], rows=facts)


def _definition_rows(figures: Sequence[Figure]) -> list[tuple[str, Value]]:
    """One row per figure: "Definition: <name>" and what it counts (meetings/figures.py)."""
    return [(_("Definition: %(name)s", name=f.label), f.text) for f in figures]


def definitions_sheet(figures: Sequence[Figure]) -> Sheet:
    """The definitions of the figures a report shows, as on its page."""
    return Sheet(
        title=_("Definitioner"),
        header=[_("Begrepp"), _("Definition")],
        rows=[[f.label, f.text] for f in figures],
    )


#: The meeting list's column widths: fixed, as its rows are written before they are all seen.
MEETING_WIDTHS = (DATETIME_WIDTH + 2, 40, 16, 50, 22, 60)


def meeting_rows(meetings: Iterable[HeldMeeting]) -> Iterator[list[Value]]:
    """Held meetings, one at a time: when (a date for all-day meetings), what, with whom,
    the outcome."""
    kinds = {kind: kind.label for kind in MeetingKind}
    for meeting in meetings:
        yield [
            meeting.local_start.date() if meeting.all_day else local(meeting.starts_at),
            meeting.title,
            kinds[meeting.kind],
            "; ".join(meeting.organisations),
            meeting.responsible,
            meeting.outcome,
        ]


def _meetings_sheet(meetings: Iterable[HeldMeeting]) -> Sheet:
    header = [_("Början"), _("Rubrik"), _("Typ"), _("Organisationer"), _("Ansvarig"), _("Resultat")]
    return Sheet(
        title=_("Genomförda möten"),
        header=header,
        rows=meeting_rows(meetings),
        widths=MEETING_WIDTHS,
    )


def summary_tables(summary: Summary) -> list[Sheet]:
    """The summary's tables, in the page's order (without the meeting list)."""
    reach_header = [
        _("Organisationstyp"),
        _("Möte hållet under perioden"),
        _("Möte hållet för första gången"),
        _("Möte hållet totalt vid periodens slut"),
        _("Antal i registret"),
    ]
    reach_rows = [
        [r.kind.label, r.reach.reached, r.reach.new, r.reach.cumulative, r.total]
        for r in summary.reach
    ]
    follow_header = [_("Ansvarig"), _("Skapade"), _("Klara"), _("Försenade vid periodens slut")]
    follow_rows = [[o.owner, o.created, o.completed, o.overdue] for o in summary.follow_ups]
    return [
        _rows_sheet(_("Möten per typ"), _("Typ av möte"), summary.held_by_kind),
        _rows_sheet(
            _("Möten per organisationstyp"), _("Organisationstyp"), summary.by_organisation_kind
        ),
        _rows_sheet(_("Möten per län"), _("Län"), summary.by_county),
        Sheet(title=_("Möte hållet per typ"), header=reach_header, rows=reach_rows),
        Sheet(title=_("Uppföljningar"), header=follow_header, rows=follow_rows),
        _rows_sheet(_("Ämnen"), _("Ämne"), summary.topics),
        _rows_sheet(_("Målgrupper"), _("Målgrupp"), summary.target_groups),
        _rows_sheet(_("Perspektiv"), _("Konsekvensperspektiv"), summary.perspectives),
    ]


def months_sheet(series: Sequence[BucketFigures]) -> Sheet:
    """The monthly series behind the summary's charts."""
    header = [
        _("Månad"),
        _("Från och med"),
        _("Till och med"),
        _("Genomförda möten"),
        _("Kommuner med möte hållet"),
        _("Kommuner med möte hållet för första gången"),
        _("Kommuner med möte hållet totalt"),
    ]
    rows = [
        [
            b.period.month_key,
            b.period.start,
            b.period.end,
            b.held,
            b.municipalities.reached,
            b.municipalities.new,
            b.municipalities.cumulative,
        ]
        for b in series
    ]
    return Sheet(title=_("Per månad"), header=header, rows=rows)


def information_sheets(information: InformationSent) -> list[Sheet]:
    """ "Information som skickats" as the pages show it (reports/_information.html):
    deliveries per channel, in total, the receiving organisations; per material the
    municipalities Informerad med it, and the figure's definition."""
    facts: list[list[Value]] = [
        [channel.label, count] for channel, count in information.deliveries.items()
    ]
    facts += [
        [_("Leveranser totalt"), information.total],
        [_("Mottagande organisationer"), information.recipients],
        [information.figure.label, str(information.figure.definition)],
    ]
    return [
        Sheet(title=_("Information som skickats"), header=[_("Uppgift"), _("Värde")], rows=facts),
        Sheet(
            title=_("Informerade per material"),
            header=[_("Material"), _("Informerade kommuner")],
            rows=[[row.title, row.municipalities] for row in information.materials],
        ),
    ]


def summary_sheets(
    summary: Summary,
    *,
    meetings: Iterable[HeldMeeting],
    generated_at: datetime,
    information: InformationSent | None = None,
) -> list[Sheet]:
    """Every table of the monthly (or any period's) activity summary, the information sent,
    and every held meeting of the period (`meetings`, read when the last sheet is written)."""
    sheets = [_about(_("Verksamhetssammanställning"), summary, generated_at)]
    sheets += summary_tables(summary)
    if information is not None:
        sheets += information_sheets(information)
    if summary.series:
        sheets.append(months_sheet(summary.series))
    sheets.append(_meetings_sheet(meetings))
    return sheets


def quarter_sheets(report: FinalReport) -> list[Sheet]:
    """The final account's tables per quarter: figures, meetings per kind, stages."""
    figures_header = [
        _("Kvartal"),
        _("Från och med"),
        _("Till och med"),
        _("Genomförda möten"),
        _("Organisationer med möte hållet"),
        _("Kommuner med möte hållet"),
        _("Kommuner med möte hållet för första gången"),
        _("Kommuner med möte hållet totalt"),
        _("Länsstyrelser med möte hållet totalt"),
        _("Nya kontakter"),
        _("Uppföljningar skapade"),
        _("Uppföljningar klara"),
    ]
    figures_rows = [
        [
            q.period.quarter_label,
            q.period.start,
            q.period.end,
            q.held,
            q.organisations_reached,
            q.municipalities.reached,
            q.municipalities.new,
            q.municipalities.cumulative,
            q.county_boards.cumulative,
            q.activity.new_contacts,
            q.activity.follow_ups_created,
            q.activity.follow_ups_completed,
        ]
        for q in report.quarters
    ]
    kinds_header = [_("Kvartal"), *(kind.label for kind in MeetingKind), _("Totalt")]
    kinds_rows = [
        [q.period.quarter_label, *(q.held_by_kind[k] for k in MeetingKind), q.held]
        for q in report.quarters
    ]
    stages_header = [_("Kvartal"), _("Till och med"), *(s.label for s in Stage), _("Totalt")]
    stages_rows = [
        [q.period.quarter_label, q.period.end, *(counts[s] for s in Stage), sum(counts.values())]
        for q, counts in report.rows
    ]
    return [
        Sheet(title=_("Per kvartal"), header=figures_header, rows=figures_rows),
        Sheet(title=_("Möten per typ och kvartal"), header=kinds_header, rows=kinds_rows),
        Sheet(title=_("Lägesbild per kvartal"), header=stages_header, rows=stages_rows),
    ]


@dataclass(frozen=True)
class MeetingListLinks:
    """Where the full list of a period's held meetings is: the meeting list's exports,
    filtered to the period's held meetings."""

    xlsx: str
    csv: str


def meeting_list_sheet(links: MeetingListLinks) -> Sheet:
    """Says where every held meeting of the period is listed, with links to it."""
    return Sheet(
        title=_("Möteslista"),
        header=[_("Uppgift"), _("Värde")],
        rows=[
            [
                _("Om möteslistan"),
                _(
                    "Rapporten innehåller siffror och tabeller. Varje genomfört möte under "
                    "perioden finns i möteslistans export, filtrerad på genomförda möten i "
                    "perioden."
                ),
            ],
            [_("Alla genomförda möten (Excel)"), Link(links.xlsx, links.xlsx)],
            [_("Alla genomförda möten (CSV)"), Link(links.csv, links.csv)],
        ],
        widths=(32, 100),
    )


def final_sheets(
    report: FinalReport,
    *,
    meeting_list: MeetingListLinks,
    generated_at: datetime,
    information: InformationSent | None = None,
) -> list[Sheet]:
    """The whole-period report: the summary's tables, the quarters and the information sent;
    where the list of every held meeting is (`meeting_list`), not the list itself."""
    sheets = [_about(_("Slutredovisning: hela perioden"), report.summary, generated_at)]
    sheets += quarter_sheets(report)
    sheets += summary_tables(report.summary)
    if information is not None:
        sheets += information_sheets(information)
    sheets.append(meeting_list_sheet(meeting_list))
    return sheets


def xlsx(sheets: Sequence[Sheet]) -> bytes:
    """A workbook with one sheet per table, written row by row."""
    return xlsx_bytes(sheets)


def csv_tables(sheets: Sequence[Sheet]) -> bytes:
    """All tables in one CSV: each a title row, the header and the rows, with a blank line
    between tables; one BOM at the start."""
    tables = [
        csv_bytes([sheet.title], []).removeprefix(_BOM)
        + csv_bytes(sheet.header, sheet.rows).removeprefix(_BOM)
        for sheet in sheets
    ]
    return _BOM + b"\r\n".join(tables)
