"""The meeting form and the meeting list's filters."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TimeField,
)
from wtforms.validators import Optional

from app.auth.services import assignable_users
from app.common.arguments import coerce_id
from app.common.forms import (
    FilterForm,
    Form,
    LongSelect,
    input_required,
    max_length,
    normalising_validator,
    note_field,
    required,
    strip,
)
from app.common.validation import normalise_url
from app.organisations.forms import (
    optional_int,
    optional_kind,
    organisation_choices,
)
from app.organisations.services import organisation_choices as active_organisations

from .models import (
    KIND_LABELS,
    PERSPECTIVE_LABELS,
    STATUS_LABELS,
    MeetingKind,
    MeetingStatus,
    Perspective,
)
from .services import contact_choices

LINK_MESSAGE = _l("Ange en länk som börjar med http:// eller https://.")


def _link(value: str) -> str:
    return normalise_url(value, message=str(LINK_MESSAGE))


def kind_choices(blank: str | None = None) -> list[SelectChoice]:
    choices = [SelectChoice(k.value, str(KIND_LABELS[k])) for k in MeetingKind]
    return [SelectChoice("", blank), *choices] if blank is not None else choices


def status_choices(blank: str | None = None) -> list[SelectChoice]:
    choices = [SelectChoice(s.value, str(STATUS_LABELS[s])) for s in MeetingStatus]
    return [SelectChoice("", blank), *choices] if blank is not None else choices


def perspective_choices(blank: str) -> list[SelectChoice]:
    return [SelectChoice("", blank)] + [
        SelectChoice(p.value, str(PERSPECTIVE_LABELS[p])) for p in Perspective
    ]


def optional_enum(enum_class):
    def coerce(value):
        return enum_class(value) if value else None

    return coerce


FOLD_CHOICES = [
    SelectChoice("0", _l("Sommartid (första gången, +02:00)")),
    SelectChoice("1", _l("Vintertid (andra gången, +01:00)")),
]


class MeetingForm(Form):
    title = StringField(_l("Rubrik"), filters=[strip], validators=[required(), max_length(200)])
    kind = SelectField(_l("Typ av möte"), coerce=MeetingKind, choices=kind_choices)
    status = SelectField(_l("Status"), coerce=MeetingStatus, choices=status_choices)
    day = DateField(_l("Datum"), format="%Y-%m-%d", validators=[input_required()])
    start = TimeField(_l("Börjar"), validators=[Optional()])
    end = TimeField(_l("Slutar"), validators=[Optional()])
    all_day = BooleanField(_l("Heldag"))
    end_day = DateField(_l("Slutdatum"), format="%Y-%m-%d", validators=[Optional()])
    start_fold = RadioField(
        _l("Vilken 02–03-timme avser starttiden?"), choices=FOLD_CHOICES, validators=[Optional()]
    )
    end_fold = RadioField(
        _l("Vilken 02–03-timme avser sluttiden?"), choices=FOLD_CHOICES, validators=[Optional()]
    )
    place = StringField(_l("Plats"), filters=[strip], validators=[max_length(300)])
    online_link = StringField(
        _l("Länk till digitalt möte"),
        filters=[strip],
        validators=[Optional(), max_length(1000), normalising_validator(_link)],
    )
    organisations = SelectMultipleField(
        _l("Organisationer"),
        coerce=coerce_id,
        validate_choice=False,
        widget=LongSelect(multiple=True),
    )
    contacts = SelectMultipleField(
        _l("Deltagande kontakter"), coerce=coerce_id, validate_choice=False
    )
    responsible = SelectField(
        _l("Ansvarig i teamet"), coerce=optional_int, validate_choice=False, validators=[required()]
    )
    team = SelectMultipleField(_l("Deltagare från teamet"), coerce=coerce_id, validate_choice=False)
    agenda = note_field(_l("Dagordning"), max_chars=20000)
    notes = note_field(_l("Anteckningar"), max_chars=50000)
    outcome = note_field(_l("Resultat"), max_chars=20000)
    topics = StringField(_l("Ämnen"), filters=[strip], validators=[max_length(600)])
    target_groups = StringField(_l("Målgrupper"), filters=[strip], validators=[max_length(600)])
    barnratt = BooleanField(_l("Barnrättsperspektivet har beaktats"))
    barnratt_note = StringField(
        _l("Kommentar om barnrättsperspektivet"), filters=[strip], validators=[max_length(500)]
    )
    funktionshinder = BooleanField(_l("Funktionshinderperspektivet har beaktats"))
    funktionshinder_note = StringField(
        _l("Kommentar om funktionshinderperspektivet"),
        filters=[strip],
        validators=[max_length(500)],
    )
    jamstalldhet = BooleanField(_l("Jämställdhetsperspektivet har beaktats"))
    jamstalldhet_note = StringField(
        _l("Kommentar om jämställdhetsperspektivet"), filters=[strip], validators=[max_length(500)]
    )
    #: People from an imported invitation to add as new contacts ("Name <address>").
    new_contacts = SelectMultipleField(
        _l("Nya kontakter från inbjudan"), coerce=str, validate_choice=False
    )
    version = HiddenField()

    def perspectives(self) -> dict[Perspective, str]:
        return {p: self[f"{p.value}_note"].data or "" for p in Perspective if self[p.value].data}


def fill_meeting_choices(form: MeetingForm) -> None:
    """The pickers, for showing the form: organisations, contacts with a current role at the
    chosen organisations and those already chosen, team members who may be given work
    (active, not readers).

    Only a form about to be shown needs them: no field of the meeting form is validated
    against its choices (the services check the ids), so a submitted form is saved without
    reading them. Reading the people at a municipality (up to 500, with their roles) took a
    third of saving a meeting at scale 100, the organisations and the team another part."""
    form.organisations.choices = organisation_choices(active_organisations(), blank="")[1:]
    contacts = contact_choices(form.organisations.data or [], form.contacts.data or [])
    form.contacts.choices = [
        SelectChoice(
            c.id,
            ", ".join(
                [c.full_name, *[a.organisation.display_name for a in c.current_affiliations()][:1]]
            ),
        )
        for c in contacts
    ]
    users = assignable_users()
    form.responsible.choices = [SelectChoice("", _("Välj ansvarig"))] + [
        SelectChoice(u.id, u.name) for u in users
    ]
    form.team.choices = [SelectChoice(u.id, u.name) for u in users]


class MeetingFilterForm(FilterForm):
    q = StringField(_l("Sök"), filters=[strip])
    fran = DateField(_l("Från och med"), format="%Y-%m-%d", validators=[Optional()])
    till = DateField(_l("Till och med"), format="%Y-%m-%d", validators=[Optional()])
    typ = SelectField(_l("Typ av möte"), coerce=optional_enum(MeetingKind), validate_choice=False)
    status = SelectField(_l("Status"), coerce=optional_enum(MeetingStatus), validate_choice=False)
    orgtyp = SelectField(_l("Organisationstyp"), coerce=optional_kind, validate_choice=False)
    lan = SelectField(_l("Län"), validate_choice=False)
    person = SelectField(_l("Teammedlem"), coerce=optional_int, validate_choice=False)
    amne = StringField(_l("Ämne"), filters=[strip])
    perspektiv = SelectField(
        _l("Perspektiv"), coerce=optional_enum(Perspective), validate_choice=False
    )
