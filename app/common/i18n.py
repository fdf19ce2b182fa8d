"""Language and time zone selection for Flask-Babel.

Swedish is the default for everyone; a user may choose English on their account page.
Times are always shown in Europe/Stockholm, where the team works.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, g, has_request_context
from flask_babel import get_locale, get_translations
from flask_login import current_user
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup


def select_locale() -> str:
    """The signed-in user's chosen language if it is offered, else the default (Swedish)."""
    chosen = getattr(current_user, "locale", None)
    if chosen in current_app.config["LANGUAGES"]:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    """Europe/Stockholm for every user."""
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def translated(text: Any) -> str:
    """`str(text)` for a lazily translated module constant (a label in a dict of labels),
    looked up once per request: a page that names a stage for each of the 290 municipalities
    would otherwise ask Flask-Babel for the same translation hundreds of times. Keyed by the
    constant's identity, which lives as long as the process, and the language; outside a
    request, plain str."""
    if not has_request_context():
        return str(text)
    cache: dict[tuple[int, str], str] = g.setdefault("translated_labels", {})
    key = (id(text), str(get_locale()))  # a request may switch language (force_locale)
    found = cache.get(key)
    if found is None:
        found = cache[key] = str(text)
    return found


def template_translations() -> dict[str, Any]:
    """A context processor: `gettext` and `ngettext` for one render, bound to the
    translations in force when it starts. The templates' `_()` (Jinja's i18n extension)
    looks `gettext` up in the render's context first, so a page's hundred-odd strings are
    translated without asking Flask-Babel for the request's translations each time (about
    10 % of the start page's CPU). They behave as the extension's own "newstyle" callables
    that Flask-Babel installs: the result is marked safe under autoescape and is always
    %-formatted with the keyword arguments (ngettext's `num` included). A render inside
    `force_locale` starts inside it, and gets its language."""
    translations = get_translations()
    plain, plural = translations.ugettext, translations.ungettext

    # Positional-only, so that any keyword (`num`, `string`…) is a variable of the text.
    @pass_context
    def gettext(context: Context, string: str, /, **variables: Any) -> str:
        text = plain(string)
        # The text is the catalogue's (ours, as in Jinja's own callable); Markup's % escapes
        # the variables.
        return (Markup(text) if context.eval_ctx.autoescape else text) % variables  # nosec B704

    @pass_context
    def ngettext(
        context: Context, singular: str, plural_: str, count: int, /, **variables: Any
    ) -> str:
        variables.setdefault("num", count)
        text = plural(singular, plural_, count)
        return (Markup(text) if context.eval_ctx.autoescape else text) % variables  # nosec B704

    return {"gettext": gettext, "ngettext": ngettext}
