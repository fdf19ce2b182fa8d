"""The small form beside a list's filters that saves them under a name."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, StringField

from app.auth.models import SavedFilter
from app.common.forms import Form, max_length, required, strip

NAME_LENGTH = SavedFilter.name.type.length  # type: ignore[attr-defined]


class SaveFilterForm(Form):
    """Name the list's current filter; the list and its query string come along hidden."""

    filter_name = StringField(
        _l("Namn på filtret"), filters=[strip], validators=[required(), max_length(NAME_LENGTH)]
    )
    list_key = HiddenField()
    filter_query = HiddenField()
