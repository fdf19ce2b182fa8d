"""How the history shows what the audit log records of an indicator (app/audit/display.py):
its fields when created, an import's file, years, choice and counts, and what its removal
took with it. Imported by routes.py, so registered whenever the pages are. The labels are
short: the history's label column is as wide as the longest, and must leave room on a
phone."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.audit.display import Shown, coded, register_fields
from app.common.formatting import format_number

from .importer import ADD, REPLACE
from .models import CATEGORY, NUMBER, Indicator


def _kinds() -> dict[str, str]:
    return {NUMBER: _("Tal"), CATEGORY: _("Kategorier")}


def _modes() -> dict[str, str]:
    return {REPLACE: _("Ersätt året"), ADD: _("Lägg till året")}


register_fields(
    Indicator.__tablename__,
    {
        "name": Shown(_l("Namn")),
        "unit": Shown(_l("Enhet")),
        "source": Shown(_l("Källa")),
        "description": Shown(_l("Beskrivning")),
        "kind": Shown(_l("Värdena är"), format=coded(_kinds)),
        "file": Shown(_l("Fil")),
        "years": Shown(_l("År")),
        "mode": Shown(_l("Importsätt"), format=coded(_modes)),
        "figures": Shown(_l("Värden"), format=format_number),
        "new": Shown(_l("Nya värden"), format=format_number),
        "replaced": Shown(_l("Ersatta värden"), format=format_number),
        "removed": Shown(_l("Borttagna värden"), format=format_number),
        "skipped": Shown(_l("Ej inlästa rader"), format=format_number),
    },
)
