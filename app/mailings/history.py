"""How a contact's history shows the opt-out from mailings (app/audit/display.py): "Avböjer
utskick: Nej → Ja", never the field's name or True/False. Imported by the mailings' routes,
which the factory imports, so the registration is in place before any page is shown."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.audit.display import Shown, register_fields
from app.contacts.models import Contact

#: The field the opt-out is recorded under (services.set_opt_out).
FIELD = "mailing_opt_out"

register_fields(Contact.__tablename__, {FIELD: Shown(_l("Avböjer utskick"))})
