"""Rendered pages kept for exactly as long as nothing has been written.

The start page, the lists, the detail pages and the reports are read far more often than
anything changes, and at hundreds of thousands of meetings rendering them costs tens or
hundreds of milliseconds. A page wrapped in `cached_page` is rendered once per signed-in
user, role, language, day and address, and served again (from this worker's memory, or from
the folder all workers share: common/page_store.py) while the `data` change token is
unchanged. Every write renews that token in the write's own
transaction (see common/change_tokens: any flush, any writing statement), so a page is never
served from before a change; a page whose rendering failed, redirected or was not HTML is
never kept.

What differs between two requests for the same page is put in on the way out: the CSRF token
of the visitor's session (the page is rendered with a placeholder), and messages waiting to
be flashed bypass the cache altogether. Pages that show the time of day rather than the date
must not be wrapped. The memory is bounded (`PAGE_CACHE_BYTES` per worker, least recently
used first out), and so is the folder (`PAGE_CACHE_DIR`, `PAGE_CACHE_DISK_BYTES`);
`PAGE_CACHE_BYTES = 0` turns caching off.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Response, current_app, g, make_response, request, session
from flask.globals import request_ctx
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from app.common.change_tokens import current_token, pending_topics, watch
from app.common.page_store import Page, page_store
from app.common.time import local_today
from app.extensions import db

#: Renewed by every write, whatever it touches.
DATA_TOPIC = "data"
watch(DATA_TOPIC, db.Model)

#: Stands in for the session's CSRF token in a kept page (letters and digits only, so
#: escaping leaves it alone).
CSRF_PLACEHOLDER = "csrfplaceholder7f1c9a2e5b"
_CSRF_FIELD = "csrf_token"


def _current_token() -> str | None:
    """The token to keep responses under now; None when nothing may be kept (the cache is
    off, this transaction has written and its token is not renewed yet, or there is none)."""
    if not current_app.config["PAGE_CACHE_BYTES"] or pending_topics():
        return None
    return current_token(DATA_TOPIC)


def kept(key: tuple, compute: Callable[[], bytes]) -> bytes:
    """`compute()`, or what it returned for `key` before while nothing has been written since
    (for responses other than pages, such as calendar feeds; `key` says whose and which)."""
    token = _current_token()
    if token is None:
        return compute()
    store = page_store()
    page = store.get(key, token)
    if page is None:
        page = Page(token=token, body=compute(), has_csrf=False)
        store.put(key, page)
    return page.body  # type: ignore[return-value]


def page_key() -> tuple:
    """What a kept page is kept per: address, user, role, language and day (also the key
    for a download kept with `kept`, such as a report's spreadsheet)."""
    return (
        request.full_path,
        current_user.get_id(),
        getattr(current_user, "role", None),
        str(get_locale()),
        local_today(),
    )


def _render(view: Callable[..., Any], kwargs: dict[str, Any], token: str) -> Any:
    """Run the view with the CSRF placeholder: the page to keep, or the view's own answer
    when it may not be kept (a redirect, a file, an error page)."""
    had_token = _CSRF_FIELD in g
    if not had_token:
        setattr(g, _CSRF_FIELD, CSRF_PLACEHOLDER)
    try:
        result = view(**kwargs)
    finally:
        if not had_token and g.get(_CSRF_FIELD) == CSRF_PLACEHOLDER:
            g.pop(_CSRF_FIELD)
    if not isinstance(result, str):
        return result
    return Page(token=token, body=result, has_csrf=CSRF_PLACEHOLDER in result)


def _respond(page: Page) -> Response:
    body = page.body.replace(CSRF_PLACEHOLDER, generate_csrf()) if page.has_csrf else page.body
    return make_response(body)


def cached_page(view: Callable[..., Any]) -> Callable[..., Any]:
    """Serve the view's rendered page from memory while no write has happened since."""

    @wraps(view)
    def wrapper(**kwargs: Any) -> Any:
        if session.get("_flashes") or not current_user.is_authenticated:
            return view(**kwargs)
        token = _current_token()
        if token is None:
            return view(**kwargs)
        key = page_key()
        store = page_store()
        page = store.get(key, token)
        if page is None:
            page = _render(view, kwargs, token)
            if not isinstance(page, Page):
                return page
            if not getattr(request_ctx, "flashes", None):  # a page showing messages: not kept
                store.put(key, page)
        return _respond(page)

    return wrapper
