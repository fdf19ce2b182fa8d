"""The milestone form (create and edit share it) and the delete confirmation."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, StringField

from app.common.forms import Form, input_required, max_length, note_field, required, strip


class MilestoneForm(Form):
    happens_on = DateField(_l("Datum"), format="%Y-%m-%d", validators=[input_required()])
    title = StringField(_l("Rubrik"), filters=[strip], validators=[required(), max_length(200)])
    note = note_field(_l("Anteckning"), max_chars=4000)
    version = HiddenField()  # the version the edit form was made from (optimistic locking)


class DeleteForm(Form):
    """Only the CSRF token."""
