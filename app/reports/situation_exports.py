"""The lägesbild and the silence list as spreadsheet tables (the summaries' and the
whole-period report's tables are in exporters.py)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from flask_babel import gettext as _
from flask_babel import ngettext

from app.common.spreadsheets import Sheet, code
from app.common.time import local_today
from app.meetings.figures import CONTACTED, MET
from app.organisations.stages import Stage
from app.plans.figures import IN_PLAN, MEMBERSHIP_FIGURES, OPEN_DUE, Membership, open_due

from .exporters import definitions_sheet, local_date
from .situation import CountyStages, MunicipalityStatus, SilentOrganisation, met_per_county


def situation_sheets(
    statuses: Sequence[MunicipalityStatus],
    counties: Sequence[CountyStages],
    national: CountyStages,
    *,
    on: date | None = None,
) -> list[Sheet]:
    """The lägesbild on the day `on` (today unless given): first the day it describes, then
    every municipality, and municipalities per stage per county with the Kontaktade and Möte
    hållet figures (`statuses` must be every municipality), and the figures' definitions."""
    met = met_per_county(statuses)
    on = on or local_today()
    about = Sheet(
        title=_("Lägesbild"),
        header=[_("Läget %(day)s", day=on.isoformat())],
        rows=[
            [_("Lägesbild: varje kommuns engagemangssteg, möten och uppföljningar den dagen.")],
            [_("Flikarna Kommuner och Per län visar uppgifterna.")],
        ],
    )
    header = [
        _("Kommun"),
        _("Kommunkod"),
        _("Län"),
        _("Engagemangssteg"),
        _("Senaste genomförda möte"),
        _("Genomförda möten"),
        _("Öppna uppföljningar"),
        _("Möjligheter"),
        _("Utmaningar"),
    ]
    rows = [
        [
            s.name,
            code(s.code),
            s.county,
            s.stage.label,
            local_date(s.last_held),
            s.held,
            s.open_follow_ups,
            s.opportunities,
            s.challenges,
        ]
        for s in statuses
    ]
    county_header = [
        _("Län"),
        *(s.label for s in Stage),
        CONTACTED.label,
        MET.label,
        _("Totalt"),
    ]
    county_rows = [
        [c.name, *(c.counts[s] for s in Stage), c.contacted, met.get(c.code, 0), c.total]
        for c in [*counties, CountyStages(None, _("Hela landet"), national.counts)]
    ]
    return [
        about,
        Sheet(title=_("Kommuner"), header=header, rows=rows),
        Sheet(title=_("Per län"), header=county_header, rows=county_rows),
        definitions_sheet([CONTACTED, MET]),
    ]


def plan_text(found: Sequence[Membership]) -> str:
    """The plans an organisation is in as the silence page lists them: "Plan (Ansvarig)",
    followed by "– Nådd enligt planen" when reached, several separated by commas; "Nej" when
    in none."""
    if not found:
        return _("Nej")
    reached = _("Nådd enligt planen")
    return ", ".join(
        (f"{m.title} ({m.responsible})" if m.responsible else m.title)
        + (f" – {reached}" if m.reached else "")
        for m in found
    )


def silence_sheets(
    rows: Sequence[SilentOrganisation],
    *,
    today: date,
    months: int | None = None,
    in_plans: Mapping[int, Sequence[Membership]] | None = None,
) -> list[Sheet]:
    """The silence list, longest silence first; with `months`, the sheet's name says how many
    months without a held meeting it applied ("Tystnad 6 månader"). With `in_plans` (the
    plans each organisation is in: app/plans/figures.memberships, as the page shows them),
    the list is checked against the contact plans: which plans, and the earliest day by
    which one not yet reached is to reach it (`open_due`), and the sheet of their
    definitions."""
    header = [
        _("Organisation"),
        _("Typ"),
        _("Län"),
        _("Senaste genomförda möte"),
        _("Dagar sedan"),
        _("Engagemangssteg"),
    ]
    if in_plans is not None:
        header += [IN_PLAN.label, OPEN_DUE.label]
    data = []
    for row in rows:
        line = [
            row.name,
            row.kind.label,
            row.county,
            local_date(row.last_held),
            row.days_since(today),
            row.stage.label if row.stage else None,
        ]
        if in_plans is not None:
            found = in_plans.get(row.id, ())
            line += [plan_text(found), open_due(found)]
        data.append(line)
    title = (
        ngettext("Tystnad %(num)d månad", "Tystnad %(num)d månader", months)
        if months
        else _("Tystnadslista")
    )
    sheets = [Sheet(title=title, header=header, rows=data)]
    if in_plans is not None:
        sheets.append(definitions_sheet(MEMBERSHIP_FIGURES))
    return sheets
