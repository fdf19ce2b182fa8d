"""Language and time zone selection for Flask-Babel.

Swedish is the default for everyone; a user may choose English on their account page.
Times are always shown in Europe/Stockholm, where the team works.
"""

from __future__ import annotations

from flask import current_app
from flask_login import current_user


def select_locale() -> str:
    """The signed-in user's chosen language if it is offered, else the default (Swedish)."""
    chosen = getattr(current_user, "locale", None)
    if chosen in current_app.config["LANGUAGES"]:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    """Europe/Stockholm for every user."""
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]
