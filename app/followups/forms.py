"""Forms for follow-ups, completing one, reassigning, and the after-meeting form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    FormField,
    HiddenField,
    SelectField,
    StringField,
)
from wtforms.validators import Optional, ValidationError

from app.common.forms import (
    Form,
    LongSelect,
    input_required,
    max_length,
    note_field,
    required,
    strip,
)
from app.organisations.forms import optional_int


class FollowUpForm(Form):
    title = StringField(
        _l("Vad ska göras"), filters=[strip], validators=[required(), max_length(200)]
    )
    description = note_field(_l("Beskrivning"), max_chars=10000)
    owner = SelectField(
        _l("Ansvarig"), coerce=optional_int, validate_choice=False, validators=[required()]
    )
    due_on = DateField(_l("Sista dag"), format="%Y-%m-%d", validators=[input_required()])
    organisation = SelectField(
        _l("Gäller organisation"), coerce=optional_int, validate_choice=False, widget=LongSelect()
    )
    contact = SelectField(_l("Gäller kontakt"), coerce=optional_int, validate_choice=False)
    meeting = HiddenField()
    version = HiddenField()


class CompleteForm(Form):
    note = StringField(_l("Kommentar (valfri)"), filters=[strip], validators=[max_length(2000)])


class ReassignForm(Form):
    owner = SelectField(
        _l("Ny ansvarig"), coerce=optional_int, validate_choice=False, validators=[required()]
    )


class NewFollowUpRow(Form):
    """One row of the after-meeting form; an empty title means no follow-up."""

    class Meta:
        csrf = False

    title = StringField(_l("Uppföljning"), filters=[strip], validators=[max_length(200)])
    owner = SelectField(_l("Ansvarig"), coerce=optional_int, validate_choice=False)
    due_on = DateField(_l("Sista dag"), format="%Y-%m-%d", validators=[Optional()])


class AfterMeetingForm(Form):
    """Marks the meeting held. For a meeting that has not started yet (a click on the wrong
    meeting, or a form opened too early) the user must tick `held_early` first; the view sets
    `not_started` before validating."""

    outcome = note_field(_l("Resultat"), max_chars=20000)
    notes = note_field(_l("Anteckningar"), max_chars=50000)
    follow_ups = FieldList(FormField(NewFollowUpRow), min_entries=3, max_entries=10)
    held_early = BooleanField(_l("Ja, mötet är hållet"))
    version = HiddenField()
    not_started = False

    def validate_held_early(self, field: BooleanField) -> None:
        if self.not_started and not field.data:
            raise ValidationError(
                _l(
                    "Mötet har inte börjat än enligt kalendern. Kryssa i ”Ja, mötet är hållet” "
                    "om det ändå är hållet; annars avbryt."
                )
            )
