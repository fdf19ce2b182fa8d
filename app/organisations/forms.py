"""Forms for organisations: create/edit, engagement stage, and the list's filters."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    HiddenField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import Optional

from app.common.arguments import coerce_id
from app.common.forms import (
    FilterForm,
    Form,
    LongSelect,
    max_length,
    normalising_validator,
    note_field,
    required,
    strip,
)
from app.common.list_filters import applied_filters
from app.common.validation import normalise_email, normalise_url

from .models import KIND_LABELS, TOP_LEVEL_KINDS, County, OrganisationKind
from .services import RELEVANCE, OrganisationFilter, counties, normalise_org_number
from .stages import STAGE_LABELS, Stage

MAILBOX_MESSAGE = _l("Ange en e-postadress, till exempel kommun@kramfors.se.")
WEBSITE_MESSAGE = _l("Ange en webbadress som börjar med http:// eller https://.")


#: The help text under every free-text field (the `description` the form macro shows and ties
#: to the field): special categories of personal data (GDPR art. 9) and personal identity
#: numbers have no place in a dialogue CRM. Defined here, the lowest domain whose forms the
#: others already import.
def _website(value: str) -> str:
    return normalise_url(value, message=str(WEBSITE_MESSAGE))


def _mailbox(value: str) -> str:
    return normalise_email(value, message=str(MAILBOX_MESSAGE))


def kind_choices(
    blank: str | None = None, kinds: Sequence[OrganisationKind] = tuple(OrganisationKind)
) -> list[SelectChoice]:
    """Kinds for a select; filters offer every kind, "Enhet" too."""
    choices = [SelectChoice(kind.value, str(KIND_LABELS[kind])) for kind in kinds]
    return [SelectChoice("", blank), *choices] if blank is not None else choices


def top_level_kind_choices() -> list[SelectChoice]:
    """The kinds a user picks for an organisation of its own: a unit is always "Enhet"."""
    return kind_choices(kinds=TOP_LEVEL_KINDS)


def stage_choices(blank: str | None = None) -> list[SelectChoice]:
    choices = [SelectChoice(stage.value, str(STAGE_LABELS[stage])) for stage in Stage]
    return [SelectChoice("", blank), *choices] if blank is not None else choices


def county_choices(counties: list[County], blank: str) -> list[SelectChoice]:
    return [SelectChoice("", blank)] + [SelectChoice(c.code, c.name) for c in counties]


def organisation_choices(organisations: Sequence[Any], blank: str) -> list[tuple[str, str]]:
    """Choices from anything with `id` and `display_name` (organisations, picker rows), as
    (value, label) pairs: a thousand of WTForms' SelectChoice took a millisecond to make."""
    return [("", blank)] + [(str(o.id), o.display_name) for o in organisations]


def optional_text(value: str | None) -> str | None:
    return value or None


def optional_int(value: str | int | None) -> int | None:
    """A select's record id, or None when nothing is chosen (ValueError for a non-id)."""
    return coerce_id(value) if value not in (None, "", "None") else None


def optional_kind(value: str | OrganisationKind | None) -> OrganisationKind | None:
    return OrganisationKind(value) if value else None


def optional_stage(value: str | Stage | None) -> Stage | None:
    return Stage(value) if value else None


class OrganisationForm(Form):
    """Create or edit an organisation. The view fills the choices and removes the fields a
    seeded organisation does not let users change."""

    name = StringField(_l("Namn"), filters=[strip], validators=[required(), max_length(200)])
    short_name = StringField(
        _l("Kortnamn"), filters=[strip], validators=[Optional(), max_length(100)]
    )
    #: Not on a unit's form: a unit's kind is always ENHET (the service sets it).
    kind = SelectField(_l("Typ"), coerce=OrganisationKind, choices=top_level_kind_choices)
    parent_id = SelectField(
        _l("Ingår i"), coerce=optional_int, validate_choice=False, widget=LongSelect()
    )
    county_code = SelectField(_l("Län"), coerce=optional_text, validate_choice=False)
    org_number = StringField(
        _l("Organisationsnummer"),
        filters=[strip],
        validators=[Optional(), normalising_validator(normalise_org_number)],
    )
    website = StringField(
        _l("Webbplats"),
        filters=[strip],
        validators=[Optional(), max_length(500), normalising_validator(_website)],
    )
    mailbox = StringField(
        _l("Funktionsbrevlåda"),
        filters=[strip],
        validators=[Optional(), max_length(254), normalising_validator(_mailbox)],
    )
    notes = note_field(_l("Anteckningar"), max_chars=20000)
    version = HiddenField()

    def values(self) -> dict:
        """The submitted values, keyed as the service expects."""
        names = (
            "name",
            "short_name",
            "kind",
            "parent_id",
            "county_code",
            "org_number",
            "website",
            "mailbox",
        )
        data = {name: self[name].data or None for name in names if name in self}
        data["notes"] = self.notes.data or ""
        return data


class EngagementForm(Form):
    stage = SelectField(_l("Steg"), coerce=Stage, choices=stage_choices)
    comment = note_field(_l("Kommentar till ändringen"), max_chars=2000)
    opportunities = note_field(_l("Möjligheter"), max_chars=10000)
    challenges = note_field(_l("Utmaningar"), max_chars=10000)


class OrganisationFilterForm(FilterForm):
    q = StringField(_l("Sök"), filters=[strip])
    typ = SelectField(_l("Typ"), coerce=optional_kind, validate_choice=False)
    lan = SelectField(_l("Län"), validate_choice=False)
    steg = SelectField(_l("Engagemangssteg"), coerce=optional_stage, validate_choice=False)
    arkiverade = BooleanField(_l("Visa arkiverade"))


def filters_from_args(
    args: Mapping[str, str],
) -> tuple[OrganisationFilterForm, OrganisationFilter]:
    """The list's filter form read from query-string arguments, and the filters it means:
    the organisation list and a mailing's choice of recipients read them the same way."""
    form = OrganisationFilterForm(args)
    form.typ.choices = kind_choices(blank=_("Alla typer"))
    form.lan.choices = county_choices(counties(), blank=_("Alla län"))
    form.steg.choices = stage_choices(blank=_("Alla steg"))
    filters = OrganisationFilter(
        extra=applied_filters("organisations", args),
        q=form.q.data or "",
        kind=form.typ.data,
        county=form.lan.data or None,
        stage=form.steg.data,
        archived=form.arkiverade.data,
        sort=args.get("sort") or (RELEVANCE if form.q.data else "namn"),
        descending=args.get("ordning") == "fallande",
    )
    return form, filters
