"""The security log in people's words: what is stored for the log's own use (an endpoint,
"role: reader → coordinator", "contact_id=12") shown as a reader of the log says it. Rows
are kept as written; only their rendering changes, so older rows read right too."""

from __future__ import annotations

import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.auth.models import Role

from .models import SecurityEvent

#: What each download is, by the endpoint the log stores.
DOWNLOADS = {
    "organisations.export": _l("Organisationslistan"),
    "contacts.export": _l("Kontaktlistan"),
    "contacts.vcard_list": _l("Kontaktlistan som vCard"),
    "contacts.vcard_download": _l("En kontakt som vCard"),
    "meetings.export": _l("Möteslistan"),
    "followups.export": _l("Uppföljningslistan"),
    "reports.summary_export": _l("Sammanställningen"),
    "reports.situation_export": _l("Lägesbilden"),
    "reports.silence_export": _l("Tystnadslistan"),
    "reports.final_export": _l("Slutredovisningen"),
    "calendar.invitation": _l("Inbjudan (.ics)"),
    "calendar.cancellation": _l("Avbokning (.ics)"),
    "library.download": _l("Material"),
    "security.export": _l("Säkerhetsloggen"),
}
EXTRACTS = {"json": "JSON", "xlsx": "Excel"}
FIELDS = {"email": _l("E-post"), "name": _l("Namn"), "role": _l("Roll"), "active": _l("Aktiv")}

_DOWNLOAD = re.compile(r"^(?P<endpoint>[\w.]+) \((?P<fmt>\w+)\)$")
_EXTRACT = re.compile(r"^privacy\.register_extract_(?P<fmt>\w+)$")
_CONTACT = re.compile(r"^contact_id=(?P<id>\d+)$")
_CHANGE = re.compile(r"^(?P<field>\w+): (?P<before>.*) → (?P<after>.*)$")


def shown_subject(event: SecurityEvent) -> str:
    subject = event.subject or ""
    if found := _DOWNLOAD.match(subject):
        what = DOWNLOADS.get(found["endpoint"])
        if what is not None:
            return f"{what} ({found['fmt'].upper()})"
    if found := _EXTRACT.match(subject):
        return _("Registerutdrag (%(format)s)", format=EXTRACTS.get(found["fmt"], found["fmt"]))
    if found := _CONTACT.match(subject):
        return _("Kontakt nr %(id)s", id=found["id"])
    return subject


def _value(field: str, value: str) -> str:
    if field == "role" and value in Role._value2member_map_:
        return Role(value).label
    if value in ("True", "False"):
        return _("Ja") if value == "True" else _("Nej")
    return value


def shown_detail(event: SecurityEvent) -> str:
    detail = event.detail or ""
    if found := _CONTACT.match(detail):
        return _("Kontakt nr %(id)s", id=found["id"])
    if detail.startswith("role=") and detail[5:] in Role._value2member_map_:
        return f"{FIELDS['role']}: {Role(detail[5:]).label}"
    parts = []
    for part in detail.split("; "):
        found = _CHANGE.match(part)
        if found is None or found["field"] not in FIELDS:
            return detail  # not a change list: a filter or a note, shown as written
        field = found["field"]
        before, after = _value(field, found["before"]), _value(field, found["after"])
        parts.append(f"{FIELDS[field]}: {before} → {after}")
    return "; ".join(parts)
