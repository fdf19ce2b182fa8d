"""Form pieces shared by every domain: field validators with Swedish messages."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import (
    DateTimeField,
    Field,
    FieldList,
    FormField,
    SelectChoice,
    TextAreaField,
    TimeField,
)
from wtforms import Form as WTForm
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    StopValidation,
    ValidationError,
)
from wtforms.widgets import Select, html_params

from app.common.arguments import within_date_bounds
from app.common.text import remove_control_characters as strip_controls


#: Characters no form field has a use for (tab, newline and carriage return are kept). NUL in
#: particular is refused by PostgreSQL and would turn a typo into a server error.
def remove_control_characters(value: Any) -> Any:
    """A WTForms filter: drop control characters from text."""
    return strip_controls(value) if isinstance(value, str) else value


def drop_out_of_bounds_date(value: Any) -> Any:
    """A WTForms filter: a date before 1900 or after 2999 becomes no date, so nothing (a
    list filter that is never validated included) computes with year 1 or 9999."""
    day = value.date() if isinstance(value, datetime) else value
    if isinstance(day, date) and not within_date_bounds(day):
        return None
    return value


def date_within_bounds(_form: Any, field: Field) -> None:
    """A validator: a date typed outside 1900–2999 (which the filter above dropped) is
    refused with a Swedish message, instead of being read as no date at all."""
    raw = " ".join(field.raw_data or []).strip()
    if field.data is not None or not raw:
        return
    for fmt in getattr(field, "strptime_format", ()):
        try:
            typed = datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
        if not within_date_bounds(typed):
            # The same words as the services' own checks of a date (meetings, follow-ups).
            raise StopValidation(_l("Datumet %(day)s är orimligt.", day=typed.isoformat()))


class Form(FlaskForm):
    """The base of every form in the app: control characters are removed from all input,
    and dates are bounded to 1900–2999."""

    class Meta:
        def bind_field(self, form: Any, unbound_field: Any, options: dict[str, Any]) -> Field:
            if issubclass(unbound_field.field_class, FieldList | FormField):
                # Containers take no filters; the fields inside them get this one.
                return unbound_field.bind(form=form, **options)
            filters = [remove_control_characters, *unbound_field.kwargs.get("filters", ())]
            field_class = unbound_field.field_class
            if issubclass(field_class, DateTimeField) and not issubclass(field_class, TimeField):
                filters.append(drop_out_of_bounds_date)
                validators = [date_within_bounds, *unbound_field.kwargs.get("validators", ())]
                options = {**options, "validators": validators}
            return unbound_field.bind(form=form, **{**options, "filters": filters})


def redisplays_on_csrf_failure(view: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a form page whose view changes nothing unless its form validates: when the
    form's CSRF token is missing or stale (a session that ended), the page is shown again
    with what the user typed and a message, instead of an error page (see app/errors.py)."""
    view.redisplays_on_csrf_failure = True  # type: ignore[attr-defined]
    return view


def submitted_version(field: Field) -> int:
    """The record version the user's form was made from; -1 (always a conflict) when the
    field was not submitted or is not a number, so nothing is overwritten unseen."""
    raw = (field.raw_data or [""])[0]
    try:
        return int(raw)
    except (TypeError, ValueError):
        return -1


def required() -> DataRequired:
    """The field must be filled in."""
    return DataRequired(message=_l("Fältet måste fyllas i."))


def input_required() -> InputRequired:
    """Something must be typed; unlike `required()` it keeps a parse error such as an
    impossible date, so the user learns what is wrong rather than that the field is empty."""
    return InputRequired(message=_l("Fältet måste fyllas i."))


def max_length(limit: int) -> Length:
    """At most `limit` characters, said in Swedish."""
    return Length(max=limit, message=_l("Högst %(max)d tecken.", max=limit))


def problem_validator(check: Callable[[str], str | None]) -> Callable[[WTForm, Field], None]:
    """A WTForms validator from a service function returning a problem message or None."""

    def validate(_form: WTForm, field: Field) -> None:
        if field.data:
            problem = check(field.data)
            if problem:
                raise ValidationError(problem)

    return validate


def strip(value: Any) -> Any:
    """A WTForms filter: surrounding white space removed from text."""
    return value.strip() if isinstance(value, str) else value


def normalising_validator(normalise: Callable[[str], Any]) -> Callable[[WTForm, Field], None]:
    """A validator that replaces the field's data with `normalise(data)`, turning the
    ValueError subclasses our normalisers raise into a form error with their message."""

    def validate(_form: WTForm, field: Field) -> None:
        if field.data:
            try:
                field.data = normalise(field.data)
            except ValueError as error:
                raise ValidationError(str(error)) from None

    return validate


class FilterForm(Form):
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


class LongSelect(Select):
    """A select for lists of hundreds of options (organisations): the same HTML as WTForms'
    own widget, without its per-option machinery, which took tens of milliseconds per page for
    a thousand organisations.

    A single select whose choices are a list of (value, label) pairs or plain `SelectChoice`s
    (the record-id selects: values are ids as text, "" for none) is rendered in one pass: an
    option is selected when its value is the text of the field's data (None: the "" option).
    WTForms instead coerces every option's value and compares it with the data, a call per
    option; for ids both say the same. Anything else (several values, option groups,
    attributes on an option, other kinds of choices) goes through WTForms."""

    def __call__(self, field: Any, **kwargs: Any) -> Markup:
        choices = field.choices
        if (
            self.multiple
            or not isinstance(choices, list)
            or not all(_plain(choice) for choice in choices)
        ):
            return super().__call__(field, **kwargs)
        kwargs.setdefault("id", field.id)
        flags = field.flags
        for name in self.validation_attrs:
            if name not in kwargs and getattr(flags, name, False):
                kwargs[name] = getattr(flags, name)
        wanted = "" if field.data is None else str(field.data)
        options = _options(choices, wanted)
        return Markup(  # nosec B704 - every part is escaped
            f"<select {html_params(name=field.name, **kwargs)}>{options}</select>"
        )

    @classmethod
    def render_option(cls, choice: Any, **kwargs: Any) -> Markup:
        if choice.render_kw or kwargs:
            return super().render_option(choice, **kwargs)
        return Markup(_option(choice.value, choice.label, choice.selected))  # nosec B704


def _plain(choice: Any) -> bool:
    """A (value, label) pair, or a SelectChoice with no attributes of its own and no option
    group."""
    if type(choice) is tuple:
        return len(choice) == 2
    return type(choice) is SelectChoice and not choice.render_kw and choice.optgroup is None


def _options(choices: list[SelectChoice | tuple[str, str]], wanted: str) -> str:
    """The `<option>`s of plain choices, the one whose value is `wanted` selected, as
    `_option` writes each. Every value and label is escaped in one call on all of them
    joined: escaping them one by one took most of a thousand-option picker's time. Choices
    whose texts are not plain (already marked safe, lazily translated) or hold a NUL, which
    joins them, are written one by one."""
    pairs = [
        choice if type(choice) is tuple else (choice.value, choice.label) for choice in choices
    ]
    values = [str(value) for value, _label in pairs]
    labels = [label or value for (_value, label), value in zip(pairs, values, strict=True)]
    if all(type(label) is str for label in labels):
        texts = str(escape("\0".join([*values, *labels]))).split("\0")
    else:
        texts = []
    if len(texts) != 2 * len(values):
        return "".join(
            _option(value, label, value == wanted)
            for value, label in zip(values, labels, strict=True)
        )
    count = len(values)
    html = [
        f'<option value="{value}">{label}</option>'
        for value, label in zip(texts[:count], texts[count:], strict=True)
    ]
    for position, value in enumerate(values):
        if value == wanted:
            html[position] = (
                f'<option selected value="{texts[position]}">{texts[count + position]}</option>'
            )
    return "".join(html)


def _option(value: Any, label: Any, selected: bool) -> str:
    """One `<option>`, escaped, as WTForms writes it."""
    mark = " selected" if selected else ""
    return f'<option{mark} value="{escape(str(value))}">{escape(label or value)}</option>'


#: Under every free-text field: the register must not hold sensitive personal data.
SENSITIVE_DATA_NOTICE = _l(
    "Skriv inte känsliga personuppgifter (t.ex. hälsa, etnicitet, religion, politisk åsikt) "
    "eller personnummer."
)


def note_field(label: Any, *, max_chars: int) -> TextAreaField:
    """A free-text field (notes, agenda, outcome, comments) with the sensitive-data notice."""
    return TextAreaField(
        label,
        filters=[strip],
        validators=[max_length(max_chars)],
        description=SENSITIVE_DATA_NOTICE,
    )
