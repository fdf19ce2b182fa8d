"""The prioritisation list as spreadsheets, no Flask: the ranked municipalities with their
figure, engagement stage, Möte hållet and days since the last held meeting, a sheet saying
which indicator, year, source and filter, and the definitions of the figures."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from flask_babel import gettext as _

from app.common.spreadsheets import Sheet
from app.meetings.figures import MET
from app.reports.exporters import definitions_sheet, local_date

from .models import Indicator
from .queries import RankedMunicipality


def ranking_sheets(
    rows: Sequence[RankedMunicipality],
    *,
    indicator: Indicator,
    year: int,
    today: date,
    described: str,
) -> list[Sheet]:
    """The ranking (as shown), what it is, and the definition of Möte hållet."""
    value_header = f"{_('Värde')} ({indicator.unit})" if indicator.unit else _("Värde")
    header = [
        _("Rang"),
        _("Kommun"),
        _("Kommunkod"),
        _("Län"),
        value_header,
        _("Engagemangssteg"),
        MET.label,
        _("Senaste möte hållet"),
        _("Dagar sedan"),
    ]
    yes, no = _("Ja"), _("Nej")
    data = [
        [
            row.rank,
            row.name,
            row.code,
            row.county,
            row.value,
            row.stage.label,
            yes if row.met else no,
            local_date(row.last_held),
            row.days_since(today),
        ]
        for row in rows
    ]
    about = Sheet(
        title=_("Om listan"),
        header=[_("Uppgift"), _("Värde")],
        rows=[
            [_("Indikator"), indicator.name],
            [_("År"), year],
            [_("Enhet"), indicator.unit],
            [_("Källa"), indicator.source],
            [_("Urval"), described],
            [_("Dag"), today],
        ],
    )
    ranking = Sheet(title=_("Prioritering"), header=header, rows=data)
    return [ranking, about, definitions_sheet([MET])]
