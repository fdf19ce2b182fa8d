"""How the history shows the digest setting recorded on a user (app/audit/display.py):
"Daglig sammanfattning: av → på", never True/False. Imported by the digest's routes, which
the factory imports, so the registration is in place before any page is shown."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.audit.display import Shown, register_fields
from app.auth.models import User

#: The field the setting is recorded under (the column's name, as snapshots use).
FIELD = "digest_enabled"


def on_off(value: Any) -> str:
    """The stored setting in words: på or av."""
    return _("på") if value else _("av")


register_fields(User.__tablename__, {FIELD: Shown(_l("Daglig sammanfattning"), format=on_off)})
