"""How the history shows a contact's recorded fields, and names contacts: by their name
today, an anonymised person as anonymised and one in the trash marked as removed."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, case, select

from app.audit.display import (
    ANONYMISED,
    LIVE,
    REMOVED,
    Reference,
    Shown,
    day,
    register_fields,
    register_reference,
)
from app.common.validation import display_phone

from .models import Contact

#: The contact's recorded fields; the privacy extract uses the same labels.
FIELD_LABELS = {
    "first_name": _l("Förnamn"),
    "last_name": _l("Efternamn"),
    "notes": _l("Anteckningar"),
    "emails": _l("E-postadresser"),
    "phones": _l("Telefonnummer"),
    "tags": _l("Taggar"),
    "affiliation": _l("Roll"),
}


def _contacts(keys: list[Any]) -> Select[Any]:
    return select(
        Contact.id.label("key"),
        Contact.first_name.label("name"),
        Contact.last_name.label("detail"),
        case(
            (Contact.anonymised_at.is_not(None), ANONYMISED),
            (Contact.deleted_at.is_not(None), REMOVED),
            else_=LIVE,
        ).label("state"),
    ).where(Contact.id.in_(keys))


def contact_name(row: Any) -> str:
    """The person's name today (`Contact.full_name`), or that they were anonymised."""
    if row.state == ANONYMISED:
        return _("Anonymiserad kontakt")
    name = Contact.full_name.fget(SimpleNamespace(first_name=row.name, last_name=row.detail or ""))  # type: ignore[attr-defined]
    return _("%(name)s (borttagen)", name=name) if row.state == REMOVED else name


def role_text(value: Any) -> str:
    """A recorded role (`services.role_record`, its organisation already named as it is
    called today) in the words the pages use: "Socialtjänsten, Kramfors kommun: Handläggare,
    2026-02-01–2026-05-31"; no title: the name alone; no dates: no period.

    Rows written before roles were recorded as values hold that text ready-made, with the
    name of the time, and are shown as they are (one created without a title ended with a
    colon, "Kramfors kommun:", shown without it)."""
    if not isinstance(value, dict):
        return str(value).rstrip().removesuffix(":")
    text = str(value.get("organisation") or "")
    if value.get("title"):
        text += f": {value['title']}"
    if value.get("started_on") or value.get("ended_on"):
        text += f", {day(value['started_on']) if value.get('started_on') else ''}"
        text += f"–{day(value['ended_on']) if value.get('ended_on') else ''}"
    return text


register_reference("contact", Reference(lookup=_contacts, name=contact_name))
register_fields(
    Contact.__tablename__,
    {
        "first_name": Shown(FIELD_LABELS["first_name"]),
        "last_name": Shown(FIELD_LABELS["last_name"]),
        "notes": Shown(FIELD_LABELS["notes"]),
        # The addresses and numbers keep the order the user gave them: a new order is a change.
        "emails": Shown(FIELD_LABELS["emails"], ordered=True),
        "phones": Shown(FIELD_LABELS["phones"], format=display_phone, ordered=True),
        "tags": Shown(FIELD_LABELS["tags"]),
        "affiliation": Shown(
            FIELD_LABELS["affiliation"],
            format=role_text,
            parts=(("organisation", "organisation"),),
        ),
    },
)
