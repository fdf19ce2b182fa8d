"""Forms for mailings: the message (with material and, for organisations, the role or tag
of the contacts to write to), the decision on an uncertain recipient, and the opt-out."""

from __future__ import annotations

from collections.abc import Mapping

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField

from app.common.forms import Form, max_length, required, strip
from app.organisations.forms import optional_int

#: The message a new mailing starts with (Swedish: the team writes to Swedish authorities).
DEFAULT_BODY = (
    "Hej {namn},\n\n"
    "Vi på den nationella samordnarens sekretariat vill dela med oss av material om "
    "arbetet med frivillig återvandring till {organisation}.\n\n"
    "Hör gärna av er om ni har frågor.\n\n"
    "Med vänliga hälsningar\n"
)


class MailingForm(Form):
    subject = StringField(_l("Ämnesrad"), filters=[strip], validators=[required(), max_length(200)])
    body = TextAreaField(_l("Meddelande"), validators=[required(), max_length(20000)])
    version_id = SelectField(_l("Material"), coerce=optional_int, validate_choice=False)
    lacking_only = BooleanField(_l("Bara till dem som inte redan har den här versionen"))
    role = StringField(
        _l("Till kontakter med rollen"), filters=[strip], validators=[max_length(200)]
    )
    tag = StringField(_l("eller med taggen"), filters=[strip], validators=[max_length(60)])


class DecisionForm(Form):
    """An uncertain recipient: the message went out, or send it again."""

    decision = HiddenField(validators=[required()])


class OptOutForm(Form):
    opted_out = HiddenField()


def criteria_of(args: Mapping[str, str], names: tuple[str, ...]) -> dict[str, str]:
    """The list filters in a query string, kept on the mailing."""
    return {name: args.get(name, "") for name in names if args.get(name)}
