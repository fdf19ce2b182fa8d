"""Forms for a contact plan, adding organisations to it, and one item's due day and
responsible user."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, SelectField, SelectMultipleField, StringField
from wtforms.validators import Optional

from app.common.arguments import coerce_id
from app.common.forms import Form, input_required, max_length, note_field, required, strip
from app.organisations.forms import optional_int

from .services import SCOPE_LIMIT, TITLE_LIMIT


class PlanForm(Form):
    title = StringField(
        _l("Rubrik"), filters=[strip], validators=[required(), max_length(TITLE_LIMIT)]
    )
    scope = StringField(_l("Omfattning"), filters=[strip], validators=[max_length(SCOPE_LIMIT)])
    owner = SelectField(
        _l("Ansvarig för planen"),
        coerce=optional_int,
        validate_choice=False,
        validators=[required()],
    )
    starts_on = DateField(_l("Från"), format="%Y-%m-%d", validators=[input_required()])
    ends_on = DateField(_l("Till"), format="%Y-%m-%d", validators=[input_required()])
    note = note_field(_l("Anteckning"), max_chars=10000)
    version = HiddenField()


class AddOrganisationsForm(Form):
    """The organisations ticked on the add page (`organisation`), or all that match the
    filter carried in the form's query string (`alla`)."""

    organisation = SelectMultipleField(coerce=coerce_id, validate_choice=False)
    alla = HiddenField()


class ItemForm(Form):
    due_on = DateField(_l("Sista dag"), format="%Y-%m-%d", validators=[Optional()])
    responsible = SelectField(_l("Ansvarig"), coerce=optional_int, validate_choice=False)


class ConfirmForm(Form):
    """A button that posts (remove, delete): the CSRF token only."""
