"""The reports' GET forms: which period, which municipalities, how long a silence.

Their fields parse dates and numbers themselves, so that any bad input (`2026-13`, `abc`,
year 9999) becomes a Swedish message next to the field rather than an error page.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, SelectField, StringField
from wtforms.widgets import DateInput, MonthInput, NumberInput

from app.common.forms import FilterForm
from app.organisations.forms import optional_stage
from app.organisations.models import OrganisationKind

from .periods import EARLIEST_YEAR, LATEST_YEAR, Period, last_month, month_period, parse_day
from .periods import parse_month as parse_month_text

#: Longest free period: ten years is more than any assignment.
MAX_PERIOD_DAYS = 3660
DEFAULT_SILENCE_MONTHS = 6
MAX_SILENCE_MONTHS = 60


class _ParsedField(StringField):
    """A text field whose data is parsed; on bad input the field keeps what was typed and
    gets the Swedish `message`."""

    message: Any = ""

    def parse(self, text: str) -> Any:
        raise NotImplementedError

    def show(self, value: Any) -> str:
        return str(value)

    def process_formdata(self, valuelist: list[Any]) -> None:
        text = str(valuelist[0]).strip() if valuelist else ""
        if not text:
            self.data = None
            return
        try:
            self.data = self.parse(text)
        except ValueError:
            self.data = None
            raise ValueError(str(self.message)) from None

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        return self.show(self.data) if self.data is not None else ""


class MonthField(_ParsedField):
    """`YYYY-MM` (a month input in browsers that have one); data is the month's first day."""

    widget = MonthInput()
    message = _l(
        "Ange månaden som ÅÅÅÅ-MM mellan år %(first)d och %(last)d, till exempel 2026-10.",
        first=EARLIEST_YEAR,
        last=LATEST_YEAR,
    )

    def parse(self, text: str) -> date:
        return parse_month_text(text)

    def show(self, value: date) -> str:
        return value.strftime("%Y-%m")


class DayField(_ParsedField):
    """`YYYY-MM-DD` (a date input)."""

    widget = DateInput()
    message = _l(
        "Ange datumet som ÅÅÅÅ-MM-DD mellan år %(first)d och %(last)d, till exempel 2026-10-31.",
        first=EARLIEST_YEAR,
        last=LATEST_YEAR,
    )

    def parse(self, text: str) -> date:
        return parse_day(text)

    def show(self, value: date) -> str:
        return value.isoformat()


class MonthsField(_ParsedField):
    """A whole number of months, 1–60."""

    widget = NumberInput(min=1, max=MAX_SILENCE_MONTHS)
    message = _l("Ange ett antal månader mellan 1 och %(max)d.", max=MAX_SILENCE_MONTHS)

    def parse(self, text: str) -> int:
        if not text.isdigit() or not 1 <= int(text) <= MAX_SILENCE_MONTHS:
            raise ValueError(text)
        return int(text)


class PeriodForm(FilterForm):
    """A month (`?manad=2026-10`) or a free period (`?fran=…&till=…`, which wins when both
    are given); nothing means last month."""

    manad = MonthField(_l("Månad"))
    fran = DayField(_l("Från och med"))
    till = DayField(_l("Till och med"))

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if not valid:
            return False
        start, end = self.fran.data, self.till.data
        if (start is None) != (end is None):
            missing = self.till if end is None else self.fran
            missing.errors.append(str(_l("Ange både från- och till-datum för en period.")))
            return False
        if start and end and end < start:
            self.till.errors.append(str(_l("Slutdatumet får inte vara före startdatumet.")))
            return False
        if start and end and (end - start).days > MAX_PERIOD_DAYS:
            self.till.errors.append(str(_l("En period får vara högst tio år lång.")))
            return False
        return True

    def period(self, today: date) -> Period:
        """The chosen period (call after `validate`)."""
        if self.fran.data and self.till.data:
            return Period(self.fran.data, self.till.data)
        if self.manad.data:
            return month_period(self.manad.data)
        return last_month(today)

    def show(self, period: Period) -> None:
        """Fill in the fields the user left empty with the period shown."""
        if period.is_month:
            self.manad.data = self.manad.data or period.start
        else:
            self.fran.data, self.till.data = period.start, period.end


class FinalForm(FilterForm):
    """The whole-period report's last day (`?till=2027-06-04`); nothing means today."""

    till = DayField(_l("Till och med"))

    def check_start(self, start: date) -> bool:
        """The last day may not come before the assignment's start."""
        if self.till.data and self.till.data < start:
            self.till.errors.append(
                str(_l("Datumet får inte vara före uppdragets start, %(day)s.", day=start))
            )
            return False
        return True


def silence_kind_choices() -> list[SelectChoice]:
    return [
        SelectChoice("", _("Kommuner och länsstyrelser")),
        SelectChoice(OrganisationKind.KOMMUN.value, OrganisationKind.KOMMUN.plural_label),
        SelectChoice(
            OrganisationKind.LANSSTYRELSE.value, OrganisationKind.LANSSTYRELSE.plural_label
        ),
    ]


class SilenceForm(FilterForm):
    """How many months without a held meeting, and which kind of organisation (the view
    fills the choices with `silence_kind_choices`; an unknown kind means both)."""

    manader = MonthsField(_l("Antal månader utan genomfört möte"))
    typ = SelectField(_l("Visa"), validate_choice=False)

    @property
    def months(self) -> int:
        return self.manader.data or DEFAULT_SILENCE_MONTHS


class SituationFilterForm(FilterForm):
    """The lägesbild table's filters; unknown values mean "all"."""

    lan = SelectField(_l("Län"), validate_choice=False)
    steg = SelectField(_l("Engagemangssteg"), coerce=optional_stage, validate_choice=False)
