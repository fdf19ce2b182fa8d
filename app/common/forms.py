"""Form pieces shared by every domain: field validators with Swedish messages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, Form
from wtforms.validators import DataRequired, Length, ValidationError


def required() -> DataRequired:
    """The field must be filled in."""
    return DataRequired(message=_l("Fältet måste fyllas i."))


def max_length(limit: int) -> Length:
    """At most `limit` characters, said in Swedish."""
    return Length(max=limit, message=_l("Högst %(max)d tecken.", max=limit))


def problem_validator(check: Callable[[str], str | None]) -> Callable[[Form, Field], None]:
    """A WTForms validator from a service function returning a problem message or None."""

    def validate(_form: Form, field: Field) -> None:
        if field.data:
            problem = check(field.data)
            if problem:
                raise ValidationError(problem)

    return validate


def strip(value: Any) -> Any:
    """A WTForms filter: surrounding white space removed from text."""
    return value.strip() if isinstance(value, str) else value


def normalising_validator(normalise: Callable[[str], Any]) -> Callable[[Form, Field], None]:
    """A validator that replaces the field's data with `normalise(data)`, turning the
    ValueError subclasses our normalisers raise into a form error with their message."""

    def validate(_form: Form, field: Field) -> None:
        if field.data:
            try:
                field.data = normalise(field.data)
            except ValueError as error:
                raise ValidationError(str(error)) from None

    return validate


class FilterForm(FlaskForm):
    """A GET form for list filters: read from the query string, no CSRF token."""

    class Meta:
        csrf = False

    def __init__(self, formdata: Any, **kwargs: Any) -> None:
        super().__init__(formdata=formdata, **kwargs)


def conflicting_fields(form: FlaskForm, current: dict[str, Any]) -> list[dict[str, Any]]:
    """After a conflict: the fields where the user's input differs from what is saved now
    (`current` maps field names to saved values, in the form's terms)."""
    rows = []
    for name, theirs in current.items():
        if name not in form:
            continue
        mine = form[name].data
        theirs_plain = getattr(theirs, "value", theirs)
        mine_plain = getattr(mine, "value", mine)
        if (mine_plain or None) != (theirs_plain or None):
            rows.append({"label": form[name].label.text, "theirs": theirs, "mine": mine})
    return rows
