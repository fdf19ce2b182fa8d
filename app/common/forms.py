"""Form pieces shared by every domain: field validators with Swedish messages."""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import lazy_gettext as _l
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
