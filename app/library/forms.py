"""The material form, the version upload, the delivery forms and the list filters."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import NumberRange, Optional

from app.common.forms import (
    FilterForm,
    Form,
    LongSelect,
    max_length,
    normalising_validator,
    required,
    strip,
)
from app.common.validation import normalise_url
from app.meetings.models import PERSPECTIVE_LABELS, Perspective
from app.organisations.forms import optional_int

from .models import KIND_LABELS, LANGUAGES, STATUS_LABELS, MaterialKind, MaterialStatus

LINK_MESSAGE = _l("Ange en länk som börjar med http:// eller https://.")


def _link(value: str) -> str:
    return normalise_url(value, message=str(LINK_MESSAGE))


def optional_enum(enum_class):
    def coerce(value):
        return enum_class(value) if value else None

    return coerce


def kind_choices(blank: str | None = None) -> list[SelectChoice]:
    choices = [SelectChoice(k.value, str(KIND_LABELS[k])) for k in MaterialKind]
    return [SelectChoice("", blank), *choices] if blank is not None else choices


def status_choices(blank: str | None = None) -> list[SelectChoice]:
    choices = [SelectChoice(s.value, str(STATUS_LABELS[s])) for s in MaterialStatus]
    return [SelectChoice("", blank), *choices] if blank is not None else choices


def language_choices(blank: str | None = None) -> list[SelectChoice]:
    choices = [SelectChoice(code, str(label)) for code, label in LANGUAGES.items()]
    return [SelectChoice("", blank), *choices] if blank is not None else choices


class MaterialForm(Form):
    kind = SelectField(_l("Typ"), coerce=MaterialKind, choices=kind_choices)
    title = StringField(_l("Titel"), filters=[strip], validators=[required(), max_length(300)])
    summary = TextAreaField(_l("Sammanfattning"), filters=[strip], validators=[max_length(5000)])
    language = SelectField(_l("Språk"), choices=language_choices)
    status = SelectField(_l("Status"), coerce=MaterialStatus, choices=status_choices)
    source_organisation = SelectField(
        _l("Kommer från organisation"),
        coerce=optional_int,
        validate_choice=False,
        widget=LongSelect(),
    )
    topics = StringField(_l("Ämnen"), filters=[strip], validators=[max_length(600)])
    target_groups = StringField(_l("Målgrupper"), filters=[strip], validators=[max_length(600)])
    perspectives = SelectMultipleField(
        _l("Konsekvensperspektiv"),
        coerce=Perspective,
        choices=[SelectChoice(p.value, str(PERSPECTIVE_LABELS[p])) for p in Perspective],
    )
    authors = StringField(_l("Författare"), filters=[strip], validators=[max_length(500)])
    year = IntegerField(
        _l("År"),
        validators=[Optional(), NumberRange(min=1900, max=2100, message=_l("Ange ett årtal."))],
    )
    publisher = StringField(_l("Utgivare"), filters=[strip], validators=[max_length(300)])
    link = StringField(
        _l("Länk"),
        filters=[strip],
        validators=[Optional(), max_length(1000), normalising_validator(_link)],
    )
    doi = StringField(_l("DOI"), filters=[strip], validators=[max_length(200)])
    version = HiddenField()


class VersionForm(Form):
    file = FileField(_l("Fil (PDF, Word, Excel eller PowerPoint)"))
    link = StringField(
        _l("eller länk"),
        filters=[strip],
        validators=[Optional(), max_length(1000), normalising_validator(_link)],
    )
    note = StringField(_l("Kommentar"), filters=[strip], validators=[max_length(500)])


class DeliveryForm(Form):
    """Sent by hand to one or several organisations."""

    version_id = SelectField(_l("Version"), coerce=optional_int, validate_choice=False)
    organisations = SelectMultipleField(
        _l("Organisationer"), coerce=int, validate_choice=False, widget=LongSelect(multiple=True)
    )
    delivered_on = DateField(_l("Datum"), format="%Y-%m-%d", validators=[required()])


class MeetingDeliveryForm(Form):
    """Handed over at a meeting, to (some of) its organisations and contacts."""

    version_id = SelectField(_l("Material"), coerce=optional_int, validate_choice=False)
    organisations = SelectMultipleField(
        _l("Till organisationer"), coerce=int, validate_choice=False
    )
    contacts = SelectMultipleField(_l("Till kontakter"), coerce=int, validate_choice=False)


class ReferenceLinkForm(Form):
    """A research reference (or other material) discussed at a meeting."""

    material_id = SelectField(_l("Referens"), coerce=optional_int, validate_choice=False)


class MaterialFilterForm(FilterForm):
    q = StringField(_l("Sök på titel eller författare"), filters=[strip])
    typ = SelectField(_l("Typ"), coerce=optional_enum(MaterialKind), validate_choice=False)
    status = SelectField(_l("Status"), coerce=optional_enum(MaterialStatus), validate_choice=False)
    amne = StringField(_l("Ämne"), filters=[strip])
    sprak = SelectField(_l("Språk"), validate_choice=False)
    fran_ar = IntegerField(_l("År från"), validators=[Optional()])
    till_ar = IntegerField(_l("År till"), validators=[Optional()])
