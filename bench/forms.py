"""HTML forms as a browser submits them: read a page's forms, fill some fields, post.

The team's writes go through the app's real forms, so they carry what a browser would send:
the form's action, its CSRF token and hidden fields, the defaults the page filled in
(selected options, checked boxes, text values), and only the fields the user changed on
top. Submit buttons are left out (a browser sends only the one clicked, and the forms here
save with an unnamed button). The standard library's HTML parser is enough.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin


@dataclass
class Form:
    """One <form>: where it posts, and its fields in document order."""

    action: str
    method: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    #: Every option of each <select> (value, label), to choose from as a user would.
    options: dict[str, list[tuple[str, str]]] = field(default_factory=dict)

    def value(self, name: str) -> str | None:
        return next((v for k, v in self.fields if k == name), None)

    def filled(self, changes: dict[str, str | list[str]]) -> list[tuple[str, str]]:
        """The fields as submitted after the user's `changes` (a list: a multiple select)."""
        kept = [(k, v) for k, v in self.fields if k not in changes]
        for name, value in changes.items():
            values = value if isinstance(value, list) else [value]
            kept += [(name, v) for v in values]
        return kept


class _FormParser(HTMLParser):
    def __init__(self, base: str) -> None:
        super().__init__(convert_charrefs=True)
        self.base = base
        self.forms: list[Form] = []
        self.form: Form | None = None
        self.select: str | None = None
        self.option: tuple[str, bool] | None = None  # value, selected
        self.option_text: list[str] = []
        self.textarea: str | None = None
        self.textarea_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.form = Form(
                action=urljoin(self.base, a.get("action") or self.base),
                method=(a.get("method") or "get").lower(),
            )
            self.forms.append(self.form)
        if self.form is None or "disabled" in a:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.form.fields.append((name, a.get("value", "on")))
                return
            self.form.fields.append((name, a.get("value", "")))
        elif tag == "select" and name:
            self.select = name
            self.form.options.setdefault(name, [])
        elif tag == "option" and self.select is not None:
            self.option = (a.get("value", ""), "selected" in a)
            self.option_text = []
        elif tag == "textarea" and name:
            self.textarea, self.textarea_text = name, []

    def handle_data(self, data: str) -> None:
        if self.option is not None:
            self.option_text.append(data)
        if self.textarea is not None:
            self.textarea_text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "option" and self.option is not None:
            self._end_option()
        elif tag == "select":
            if self.option is not None:
                self._end_option()
            self.select = None
        elif tag == "textarea" and self.textarea is not None and self.form is not None:
            self.form.fields.append((self.textarea, "".join(self.textarea_text).lstrip("\n")))
            self.textarea = None
        elif tag == "form":
            self.form = None

    def _end_option(self) -> None:
        assert self.form is not None and self.select is not None and self.option is not None
        value, selected = self.option
        label = " ".join("".join(self.option_text).split())
        self.form.options[self.select].append((value, label))
        if selected:
            self.form.fields.append((self.select, value))
        self.option = None


def forms(html: str, *, base: str) -> list[Form]:
    """Every form on the page; actions are made absolute against `base` (the page's path).

    A single select without a selected option submits its first option, as browsers do.
    """
    parser = _FormParser(base)
    parser.feed(html)
    parser.close()
    for form in parser.forms:
        named = {k for k, _v in form.fields}
        for name, options in form.options.items():
            if name not in named and options and not _is_multiple(html, name):
                form.fields.append((name, options[0][0]))
    return parser.forms


def _is_multiple(html: str, name: str) -> bool:
    import re

    tag = re.search(rf'<select[^>]*name="{re.escape(name)}"[^>]*>', html)
    return bool(tag and re.search(r"\smultiple\b", tag.group(0)))


def form_posting_to(html: str, *, base: str, path_contains: str) -> Form | None:
    """The first POST form whose action contains `path_contains`."""
    for form in forms(html, base=base):
        if form.method == "post" and path_contains in form.action:
            return form
    return None
