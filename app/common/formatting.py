"""How dates and times look: YYYY-MM-DD and 24-hour times, in Europe/Stockholm."""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask
from flask_babel import format_date as babel_format_date
from flask_babel import get_locale

from app.common.time import to_local
from app.common.validation import display_phone


def format_date(value: date | datetime | None) -> str:
    """`2026-11-23`; a datetime is first converted to Stockholm time."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_local(value).date()
    return value.isoformat()


def format_datetime(value: datetime | None) -> str:
    """`2026-11-23 14:05` in Stockholm time."""
    if value is None:
        return ""
    return to_local(value).strftime("%Y-%m-%d %H:%M")


def format_day(value: date) -> str:
    """The weekday and date in the page's language: `måndag 23 november`."""
    return babel_format_date(value, "EEEE d MMMM")


def format_number(value: int | None) -> str:
    """Thousands separated by a (narrow no-break) space, as Swedish does: `3 000`."""
    if value is None:
        return ""
    return f"{value:,}".replace(",", "\u202f")


def current_locale() -> str:
    """The language of the page being rendered (`sv` or `en`), for `<html lang>`."""
    return str(get_locale() or "sv")


def register_filters(app: Flask) -> None:
    """Make the formatters available as Jinja filters, and the page language (and whether a
    list's table is empty, for the empty states in _macros/lists.html) as globals."""
    from app.common.pagination import no_records

    app.add_template_global(current_locale)
    app.add_template_global(no_records)
    app.add_template_filter(format_date, "date")
    app.add_template_filter(format_datetime, "datetime")
    app.add_template_filter(format_number, "number")
    app.add_template_filter(format_day, "day")
    app.add_template_filter(display_phone, "phone")
