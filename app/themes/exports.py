"""The lägesbild's theme figures as spreadsheet tables (for the lägesbild's Excel export):
the period and the definition first, then one row per theme and side, per county and per
month, in long form so a pivot table can turn them any way."""

from __future__ import annotations

from flask_babel import gettext as _

from app.common.spreadsheets import Sheet

from .figures import ThemePicture


def theme_sheets(picture: ThemePicture) -> list[Sheet]:
    """Three sheets: Teman (with the period and the figure's definition), Teman per län and
    Teman per månad."""
    figure = picture.figure
    period = f"{picture.first.isoformat()} – {picture.last.isoformat()}"
    header = [_("Tema"), _("Möjlighet eller utmaning"), figure.label]
    about = [
        [_("Period"), period, None],
        [figure.label, figure.text, None],
        [None, None, None],
        header,
    ]
    national = [[row.name, row.side.label, row.municipalities] for row in picture.rows]
    per_county = [
        [row.name, row.side.label, county, count]
        for row in picture.rows
        for county, count in row.per_county
    ]
    per_month = [
        [row.name, row.side.label, month, count]
        for row in picture.rows
        for month, count in row.per_month
    ]
    return [
        Sheet(
            title=_("Teman"), header=[_("Teman i lägesbilden"), "", ""], rows=[*about, *national]
        ),
        Sheet(
            title=_("Teman per län"), header=[*header[:2], _("Län"), figure.label], rows=per_county
        ),
        Sheet(
            title=_("Teman per månad"),
            header=[*header[:2], _("Månad"), figure.label],
            rows=per_month,
        ),
    ]
