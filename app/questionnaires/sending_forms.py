"""Forms for sending a questionnaire and planning its reminders (the builder's own forms
are in forms.py). The recipients' form is the organisation list's filter form (GET) and a
CSRF-only form whose per-organisation selects `kontakt-<id>` the view reads by name."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, StringField, TextAreaField
from wtforms.validators import InputRequired

from app.common.forms import Form, max_length, required, strip


class RecipientsForm(Form):
    """Saving the chosen recipients (the choices are the `kontakt-<id>` selects)."""


class MessageForm(Form):
    subject = StringField(_l("Ämnesrad"), filters=[strip], validators=[required(), max_length(200)])
    body = TextAreaField(_l("Meddelande"), validators=[required(), max_length(20000)])


class ReminderForm(MessageForm):
    send_on = DateField(
        _l("Dag"), validators=[InputRequired(message=_l("Ange ett datum (ÅÅÅÅ-MM-DD)."))]
    )


class RemoveRecipientsForm(Form):
    """Taking one organisation, or all, off a draft's recipients."""


class CancelForm(Form):
    """Cancelling a planned reminder."""
