"""Forms for contacts: the person, affiliations, changing organisation, and list filters."""

from __future__ import annotations

from collections.abc import Mapping

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from app.common.forms import (
    FilterForm,
    Form,
    LongSelect,
    input_required,
    max_length,
    note_field,
    required,
    strip,
)
from app.common.time import local_today
from app.organisations.forms import (
    county_choices,
    kind_choices,
    optional_int,
    optional_kind,
    organisation_choices,
)
from app.organisations.services import counties
from app.organisations.services import organisation_choices as active_organisations

from .queries import RELEVANCE, ContactFilter, Status
from .services import ContactValues, split_tags


def date_field(label, **kwargs) -> DateField:
    return DateField(
        label,
        format="%Y-%m-%d",
        validators=[Optional()],
        **kwargs,
    )


def lines(text: str | None) -> list[str]:
    """Non-empty lines of a text area (one address or number per line; commas work too)."""
    return [
        p.strip()
        for p in (text or "").replace(",", "\n").replace(";", "\n").splitlines()
        if p.strip()
    ]


class ContactForm(Form):
    first_name = StringField(_l("Förnamn"), filters=[strip], validators=[max_length(100)])
    last_name = StringField(_l("Efternamn"), filters=[strip], validators=[max_length(100)])
    emails = TextAreaField(_l("E-postadresser"), validators=[max_length(2000)])
    phones = TextAreaField(_l("Telefonnummer"), validators=[max_length(1000)])
    tags = StringField(_l("Taggar"), filters=[strip], validators=[max_length(600)])
    notes = note_field(_l("Anteckningar"), max_chars=20000)
    version = HiddenField()

    def contact_values(self) -> ContactValues:
        return ContactValues(
            first_name=self.first_name.data or "",
            last_name=self.last_name.data or "",
            emails=lines(self.emails.data),
            phones=lines(self.phones.data),
            tags=split_tags(self.tags.data or ""),
            notes=self.notes.data or "",
        )


class NewContactForm(ContactForm):
    organisation_id = SelectField(
        _l("Organisation"), coerce=optional_int, validate_choice=False, widget=LongSelect()
    )
    title = StringField(_l("Roll eller titel"), filters=[strip], validators=[max_length(200)])
    started_on = date_field(_l("Sedan"))


class AffiliationForm(Form):
    organisation_id = SelectField(
        _l("Organisation"),
        coerce=optional_int,
        validate_choice=False,
        validators=[required()],
        widget=LongSelect(),
    )
    title = StringField(_l("Roll eller titel"), filters=[strip], validators=[max_length(200)])
    started_on = date_field(_l("Från och med"))
    ended_on = date_field(_l("Till och med"))


class ChangeOrganisationForm(Form):
    organisation_id = SelectField(
        _l("Ny organisation"),
        coerce=optional_int,
        validate_choice=False,
        validators=[required()],
        widget=LongSelect(),
    )
    title = StringField(_l("Roll eller titel"), filters=[strip], validators=[max_length(200)])
    starts_on = DateField(
        _l("Börjar"), format="%Y-%m-%d", default=local_today, validators=[input_required()]
    )


class EndAffiliationForm(Form):
    ended_on = DateField(
        _l("Sista dag"), format="%Y-%m-%d", default=local_today, validators=[input_required()]
    )


def status_choices() -> list[SelectChoice]:
    return [
        SelectChoice(Status.ALL.value, str(_l("Alla"))),
        SelectChoice(Status.CURRENT.value, str(_l("Med nuvarande roll"))),
        SelectChoice(Status.FORMER.value, str(_l("Bara tidigare roller"))),
    ]


class ContactFilterForm(FilterForm):
    q = StringField(_l("Sök"), filters=[strip])
    organisation = SelectField(
        _l("Organisation"), coerce=optional_int, validate_choice=False, widget=LongSelect()
    )
    typ = SelectField(_l("Organisationstyp"), coerce=optional_kind, validate_choice=False)
    lan = SelectField(_l("Län"), validate_choice=False)
    tagg = StringField(_l("Tagg"), filters=[strip])
    status = SelectField(_l("Roll"), choices=status_choices, validate_choice=False)


def filters_from_args(args: Mapping[str, str]) -> tuple[ContactFilterForm, ContactFilter]:
    """The contact list's filter form read from query-string arguments, and the filters it
    means: the contact list and a mailing's choice of recipients read them the same way."""
    form = ContactFilterForm(args)
    form.organisation.choices = organisation_choices(
        active_organisations(), blank=_("Alla organisationer")
    )
    form.typ.choices = kind_choices(blank=_("Alla typer"))
    form.lan.choices = county_choices(counties(), blank=_("Alla län"))
    try:
        status = Status(form.status.data)
    except ValueError:
        status = Status.ALL
    filters = ContactFilter(
        q=form.q.data or "",
        organisation_id=form.organisation.data,
        kind=form.typ.data,
        county=form.lan.data or None,
        tag=form.tagg.data or None,
        status=status,
        sort=args.get("sort") or (RELEVANCE if form.q.data else "namn"),
        descending=args.get("ordning") == "fallande",
    )
    return form, filters
