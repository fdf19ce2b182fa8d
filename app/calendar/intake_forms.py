"""Forms for reading a received invitation: the upload, the meeting form with the people new
to Samverkan and the choice for a recurring series, and the confirmations of an update or a
cancellation. The file itself travels with each step (compressed, in a hidden field) and is
read again when the step is saved, so nothing is kept between requests."""

from __future__ import annotations

import base64
import binascii
import zlib

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    FieldList,
    FormField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
)
from wtforms import Form as SubForm
from wtforms.fields import DateField
from wtforms.validators import Optional

from app.common.forms import Form
from app.meetings.forms import MeetingForm
from app.organisations.forms import optional_int

from .importer import MAX_BYTES

ADD, SKIP = "add", "skip"
FIRST, EACH = "first", "each"


def pack(data: bytes) -> str:
    """The uploaded file for a hidden field."""
    return base64.urlsafe_b64encode(zlib.compress(data, 9)).decode("ascii")


def unpack(text: str | None) -> bytes:
    """The file back from the hidden field; b"" when it was tampered with or is missing."""
    try:
        decompressor = zlib.decompressobj()
        data = decompressor.decompress(
            base64.urlsafe_b64decode((text or "").encode()), MAX_BYTES + 1
        )
    except (binascii.Error, zlib.error, ValueError):
        return b""
    return data


class InviteUploadForm(Form):
    file = FileField(
        _l("Kalenderfil (.ics)"),
        validators=[FileRequired(message=_l("Välj en kalenderfil att läsa in."))],
    )


class PersonForm(SubForm):
    """One person from the invitation who is not yet a contact or a user."""

    email = HiddenField()
    full_name = HiddenField()
    action = RadioField(
        _l("Vad ska göras?"),
        choices=[
            SelectChoice(SKIP, _l("Hoppa över")),
            SelectChoice(ADD, _l("Lägg till som kontakt")),
        ],
        default=SKIP,
        validate_choice=False,
    )
    organisation = SelectField(_l("Organisation"), coerce=optional_int, validate_choice=False)


class IntakeMeetingForm(MeetingForm):
    """The meeting form filled from the invitation, with what the invitation adds."""

    intake_file = HiddenField()
    people = FieldList(FormField(PersonForm), max_entries=50)
    series = RadioField(
        _l("Återkommande möte"),
        choices=[
            SelectChoice(FIRST, _l("Bara första tillfället")),
            SelectChoice(EACH, _l("Ett möte per tillfälle mellan datumen nedan")),
        ],
        default=FIRST,
        validate_choice=False,
    )
    series_from = DateField(_l("Tillfällen från och med"), validators=[Optional()])
    series_to = DateField(_l("Tillfällen till och med"), validators=[Optional()])


class IntakeConfirmForm(Form):
    """Confirming an update or a cancellation from the invitation; for an update, a row per
    person the invitation adds who is new to Samverkan."""

    intake_file = HiddenField()
    version = HiddenField()
    people = FieldList(FormField(PersonForm), max_entries=50)


class SeveralEventsForm(Form):
    """Picking events of an exported calendar: each checked one (its number in the file)
    becomes a meeting, or updates the meeting it is known as; `organisation` is added to
    each new meeting (a meeting needs at least one)."""

    intake_file = HiddenField()
    events = SelectMultipleField(coerce=int, validate_choice=False)
    organisation = SelectField(
        _l("Organisation för de nya mötena"), coerce=optional_int, validate_choice=False
    )
