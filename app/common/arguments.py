"""Ids, page numbers, dates and text read from URLs, bounded so no input reaches the database
as a value it cannot hold.

A path like `/kontakter/99999999999999999999` or `?sida=99999999999999999999` used to reach
SQLite as an integer it cannot store (OverflowError) and PostgreSQL as one its `integer`
columns refuse, and `?fran=0001-01-01` overflowed date arithmetic: each a 500. Every route
reads its ids, pages and dates through this module instead: an id outside 1..2**31−1 is no
record (404 in a path, ignored in a query string), a page number is clamped, a date outside
1900–2999 is refused by the form it belongs to.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import request
from werkzeug.routing import BaseConverter, ValidationError

from app.common.text import remove_control_characters

#: The largest id any table holds: PostgreSQL's `integer`, and what SQLite stores for us.
MAX_ID = 2**31 - 1
#: Lists never page beyond this: deeper pages are reached by narrowing the filters.
MAX_PAGE = 100_000
#: Dates outside these are typing mistakes or attacks; the forms refuse them with a message.
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2999, 12, 31)


def parse_id(value: Any) -> int | None:
    """`value` as a record id (1..MAX_ID), or None when it cannot be one."""
    text = str(value).strip() if value is not None else ""
    if not text.isascii() or not text.isdigit() or len(text) > 10:
        return None
    number = int(text)
    return number if 1 <= number <= MAX_ID else None


class IdConverter(BaseConverter):
    """The app's `int` URL converter: a record id, 1..MAX_ID. Anything else does not match
    the route, so it is a 404 like any other unknown address."""

    regex = r"\d{1,10}"
    part_isolating = True

    def to_python(self, value: str) -> int:
        number = parse_id(value)
        if number is None:
            raise ValidationError()
        return number

    def to_url(self, value: Any) -> str:
        return str(int(value))


def query_id(name: str) -> int | None:
    """The id in the query string's `name`, or None when it is missing or no possible id."""
    return parse_id(request.args.get(name))


def query_ids(name: str, *, limit: int = 50) -> list[int]:
    """The possible ids among the query string's values for `name`, at most `limit`."""
    found = (parse_id(value) for value in request.args.getlist(name)[:limit])
    return [number for number in found if number is not None]


def page_number(name: str = "sida") -> int:
    """The page asked for (`?sida=`), 1 when missing or odd, at most MAX_PAGE."""
    text = request.args.get(name, "")
    if not text.isascii() or not text.isdigit() or len(text) > 6:
        return 1 if not (text.isascii() and text.isdigit()) else MAX_PAGE
    return max(1, min(int(text), MAX_PAGE))


def query_text(name: str, *, limit: int = 200, default: str = "") -> str:
    """The query string's `name` as text without control characters (PostgreSQL refuses
    NUL), stripped and cut to `limit` characters."""
    return remove_control_characters(request.args.get(name, default)).strip()[:limit]


def within_date_bounds(day: date | None) -> bool:
    """True for no date or a date the app accepts (EARLIEST_DATE..LATEST_DATE)."""
    return day is None or EARLIEST_DATE <= day <= LATEST_DATE


def coerce_id(value: Any) -> int:
    """A WTForms `coerce` for fields holding record ids: ValueError (an invalid choice, said
    by the form) for anything that cannot be an id, instead of a number the database refuses."""
    if isinstance(value, int) and not isinstance(value, bool):
        number: int | None = value if 1 <= value <= MAX_ID else None
    else:
        number = parse_id(value)
    if number is None:
        raise ValueError(value)
    return number
