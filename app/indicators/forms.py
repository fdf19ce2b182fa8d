"""The indicator import's forms (upload, columns, confirm) and the prioritisation view's
choice of indicator and year."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import NumberRange, Optional

from app.common.forms import FilterForm, Form, max_length

from .importer import ADD, FIRST_YEAR, LAST_YEAR, REPLACE
from .models import CATEGORY, NUMBER


class UploadForm(Form):
    file = FileField(_l("Fil"), validators=[FileRequired(message=_l("Välj en fil att importera."))])


class ConfirmForm(Form):
    fingerprint = HiddenField()
    skip_errors = BooleanField(_l("Hoppa över raderna med fel och importera resten"))


class DeleteForm(Form):
    """The confirmation of removing an indicator: nothing to fill in but the CSRF token."""


#: The indicator choice meaning "a new one, named below".
NEW_INDICATOR = "ny"


class MappingBase(Form):
    """The fields every mapping form has; the column pickers are added per file."""

    indicator = SelectField(_l("Indikator"), default=NEW_INDICATOR)
    name = StringField(_l("Namn på ny indikator"), validators=[max_length(200)])
    unit = StringField(_l("Enhet"), validators=[max_length(60)])
    source = StringField(_l("Källa"), validators=[max_length(200)])
    description = TextAreaField(_l("Beskrivning"), validators=[max_length(2000)])
    kind = SelectField(
        _l("Värdena är"),
        choices=[
            SelectChoice(NUMBER, _l("Tal")),
            SelectChoice(CATEGORY, _l("Kategorier, till exempel SKR:s kommungrupp")),
        ],
        default=NUMBER,
    )
    fixed_year = IntegerField(
        _l("Eller samma år för alla rader"),
        validators=[Optional(), NumberRange(min=FIRST_YEAR, max=LAST_YEAR)],
    )
    mode = RadioField(
        _l("Om indikatorn redan har värden för året"),
        choices=[
            SelectChoice(REPLACE, _l("Ersätt året: årets värden tas bort och filens sparas")),
            SelectChoice(
                ADD, _l("Lägg till året: bara nya värden, ett befintligt värde är ett fel")
            ),
        ],
        default=REPLACE,
    )


def mapping_form(header: list[str], rows: list[list[str]]) -> type[MappingBase]:
    """A mapping form with one column picker per field, each column shown with its first
    value."""

    def column_label(index: int, title: str) -> str:
        sample = next((row[index] for row in rows if index < len(row) and row[index]), "")
        label = title or _("Kolumn %(n)d", n=index + 1)
        return f"{label} – {sample[:30]}" if sample else label

    choices: list[Any] = [SelectChoice("", _("Används inte"))] + [
        SelectChoice(str(i), column_label(i, title)) for i, title in enumerate(header)
    ]

    class MappingForm(MappingBase):
        municipality = SelectField(_l("Kolumn med kommun (kod eller namn)"), choices=choices)
        year = SelectField(_l("Kolumn med år"), choices=choices)
        value = SelectField(_l("Kolumn med värde"), choices=choices)

    return MappingForm


class ChoiceForm(FilterForm):
    """Which indicator and year the map and the ranking show (query string)."""

    indikator = SelectField(_l("Indikator"), coerce=str, validate_choice=False)
    ar = SelectField(_l("År"), coerce=str, validate_choice=False)
    topp = SelectField(_l("Visa"), coerce=str, validate_choice=False)
    utan_mote = BooleanField(_l("Bara kommuner utan möte hållet"))
