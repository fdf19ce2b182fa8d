"""The digest setting on Mitt konto."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField

from app.common.forms import Form


class DigestForm(Form):
    enabled = BooleanField(_l("Skicka mig en daglig sammanfattning via e-post"))
