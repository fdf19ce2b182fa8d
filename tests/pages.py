"""Reading rendered pages in tests: what a person sees of a shared page part."""

from __future__ import annotations

import re


def preview_tabs(page: str, path: str) -> list[tuple[str, bool, str]]:
    """An import preview's "Visa rader" tabs (`_macros/imports.html` row_tabs) on `page`:
    (the kind its link shows, "" for all rows; whether it is the current tab; its text)."""
    tab = re.compile(
        r'<a href="[^"]*' + re.escape(path) + r'/\d+(?:\?visa=(\w+))?" ?(aria-current="page")?>'
        r"([^<]*)</a>"
    )
    return [(kind, bool(current), text) for kind, current, text in tab.findall(page)]
