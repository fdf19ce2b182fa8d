"""How the history shows a contact plan's recorded fields: days as dates, users and
organisations by their names today (app/audit/display.py)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.audit.display import Shown, day, register_fields

from .models import ContactPlan

register_fields(
    ContactPlan.__tablename__,
    {
        "title": Shown(_l("Rubrik")),
        "scope": Shown(_l("Omfattning")),
        "owner_id": Shown(_l("Ansvarig för planen"), reference="user"),
        "starts_on": Shown(_l("Från"), format=day),
        "ends_on": Shown(_l("Till"), format=day),
        "note": Shown(_l("Anteckning")),
        "added": Shown(_l("Lade till"), reference="organisation"),
        "removed": Shown(_l("Tog bort"), reference="organisation"),
        "item_due_on": Shown(_l("Sista dag (kommunens egen)"), format=day),
        "item_responsible_id": Shown(_l("Ansvarig (kommunens egen)"), reference="user"),
    },
)
