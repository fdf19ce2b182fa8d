"""The theme form, the coding form (a theme, its side and a note), and the lägesbild's
period for the theme figures (`?teman_fran=2026-01&teman_till=2026-12`)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired
from wtforms.widgets import MonthInput

from app.common.forms import FilterForm, Form, max_length, required, strip
from app.organisations.forms import optional_int

from .figures import default_period
from .models import SIDE_LABELS, Theme, ThemeSide

_MONTH = re.compile(r"(\d{4})-(\d{2})")
EARLIEST_YEAR, LATEST_YEAR = 2000, 2100
#: Longest period the lägesbild's theme part covers, in months.
MAX_MONTHS = 120


def optional_side(value: str | ThemeSide | None) -> ThemeSide | None:
    return ThemeSide(value) if value else None


def side_choices(blank: str | None = None) -> list[SelectChoice]:
    choices = [SelectChoice(s.value, str(SIDE_LABELS[s])) for s in ThemeSide]
    return [SelectChoice("", blank), *choices] if blank is not None else choices


def theme_choices(themes: list[Theme]) -> list[SelectChoice]:
    """The themes in use, to pick from (retired ones are not offered)."""
    return [SelectChoice("", str(_l("Välj tema"))), *(SelectChoice(t.id, t.name) for t in themes)]


class ThemeForm(Form):
    name = StringField(_l("Namn"), filters=[strip], validators=[required(), max_length(120)])
    name_en = StringField(_l("Namn på engelska"), filters=[strip], validators=[max_length(120)])
    description = TextAreaField(
        _l("Beskrivning"),
        filters=[strip],
        validators=[max_length(2000)],
        description=_l("Vad temat omfattar, så att alla kodar lika."),
    )
    side = SelectField(
        _l("Brukar vara"),
        coerce=optional_side,
        choices=side_choices(blank=str(_l("Både och"))),
    )


class CodingForm(Form):
    """Code a meeting or an answer with a theme."""

    theme_id = SelectField(
        _l("Tema"), coerce=optional_int, validators=[DataRequired(_l("Välj ett tema."))]
    )
    side = SelectField(
        _l("Möjlighet eller utmaning"),
        coerce=optional_side,
        choices=side_choices(),
        validators=[DataRequired(_l("Välj möjlighet eller utmaning."))],
    )
    note = StringField(_l("Anteckning"), filters=[strip], validators=[max_length(500)])


class ConfirmForm(Form):
    """Only the CSRF token: a button that removes, retires or restores."""


class _MonthField(StringField):
    """`YYYY-MM`; data is the month's first day, None when empty or unreadable."""

    widget = MonthInput()

    def process_formdata(self, valuelist: list[Any]) -> None:
        text = str(valuelist[0]).strip() if valuelist else ""
        self.data = None
        match = _MONTH.fullmatch(text)
        if not text:
            return
        if (
            not match
            or not 1 <= int(match.group(2)) <= 12
            or not EARLIEST_YEAR <= int(match.group(1)) <= LATEST_YEAR
        ):
            raise ValueError(str(_l("Ange månaden som ÅÅÅÅ-MM, till exempel 2026-10.")))
        self.data = date(int(match.group(1)), int(match.group(2)), 1)

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        return self.data.strftime("%Y-%m") if self.data is not None else ""


class ThemePeriodForm(FilterForm):
    """The months the lägesbild's theme figures cover; nothing (or anything wrong) means
    the last twelve months."""

    teman_fran = _MonthField(_l("Teman från och med månad"))
    teman_till = _MonthField(_l("Teman till och med månad"))

    def period(self, today: date) -> tuple[date, date]:
        """The first and last day of the chosen months (validates first)."""
        first, last = default_period(today)
        if self.validate():
            chosen_first = self.teman_fran.data or first
            chosen_last = self.teman_till.data or date(last.year, last.month, 1)
            months = (chosen_last.year - chosen_first.year) * 12 + chosen_last.month
            months -= chosen_first.month
            if 0 <= months < MAX_MONTHS:
                following = date(
                    chosen_last.year + (chosen_last.month == 12), chosen_last.month % 12 + 1, 1
                )
                first, last = chosen_first, following - timedelta(days=1)
            else:
                self.teman_till.errors = [
                    str(_l("Slutmånaden måste vara efter startmånaden, högst tio år senare."))
                ]
        self.teman_fran.data, self.teman_till.data = first, date(last.year, last.month, 1)
        self.teman_fran.raw_data = self.teman_till.raw_data = None
        return first, last
