"""Shared pieces of the security tests: the URL map walked as in tests/auth/test_access.py,
example rows with id 1 (and 2) for every URL argument, a real calendar feed token, logging in
with a CSRF token, and a snapshot of every table to prove a request changed nothing."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app import create_app
from app.common.database import SAFE_METHODS

from ..factories import DEFAULT_PASSWORD

URL_MAP = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"}).url_map
RULES = sorted(URL_MAP.iter_rules(), key=lambda r: (r.rule, r.endpoint))
GET_RULES = [r for r in RULES if "GET" in r.methods]
WRITE_RULES = [(r, m) for r in RULES for m in sorted(r.methods - SAFE_METHODS)]

#: The subscription feeds: reachable only with the secret token in the URL.
FEED_ENDPOINTS = {"calendar.personal_feed", "calendar.team_feed"}
#: Static files and the generated stage colours carry no personal data and may be cached.
CACHEABLE_ENDPOINTS = {"static", "organisations.stage_styles"}

#: Example values for URL arguments; id 1 (and 2) exist once `example_rows` has run.
EXAMPLE_VALUES: dict[str, Any] = {"filename": "css/samverkan.css", "fmt": "csv", "second_id": 2}

CSRF_FIELD = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')


def example_path(rule, **values: Any) -> str:
    """The rule's URL with example arguments (`values` override them)."""
    arguments = {name: values.get(name, EXAMPLE_VALUES.get(name, 1)) for name in rule.arguments}
    return URL_MAP.bind("localhost").build(rule.endpoint, arguments)


@dataclass
class ExampleRows:
    feed_token: str
    organisation_id: int = 1  # the first seeded organisation: a municipality
    contact_id: int = 1
    meeting_id: int = 1
    follow_up_id: int = 1
    batch_id: int = 1


@pytest.fixture
def example_rows(seeded: Flask, users: dict[str, str]) -> ExampleRows:
    """As in test_access: a municipality (id 1), two contacts, a held meeting, a follow-up
    and a draft import, all with id 1; and a calendar feed token for the admin (user 1)."""
    from app.auth.models import User
    from app.calendar.services import issue_feed_token
    from app.extensions import db

    from ..factories import make_example_rows

    with seeded.app_context():
        make_example_rows(contact_emails=("ex@a.se",))
        token = issue_feed_token(db.session.get(User, 1))
        db.session.commit()
    return ExampleRows(feed_token=token)


def csrf_token(page: str) -> str:
    """The CSRF token of the first form on an HTML page."""
    found = CSRF_FIELD.search(page) or CSRF_INPUT.search(page)
    assert found, "no CSRF token on the page"
    return found.group(1)


def login_with_token(client: FlaskClient, email: str) -> None:
    """Log in through the form, token included (works whether CSRF is on or off)."""
    token = csrf_token(client.get("/logga-in").text)
    response = client.post(
        "/logga-in", data={"email": email, "password": DEFAULT_PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302, response.text


#: Tables a refused request may write: the security log counts refusals (app/security).
LOG_TABLES = {"security_events"}


def table_snapshot(app: Flask) -> dict[str, list[str]]:
    """Every row of every table but the security log, order-independent."""
    from app.extensions import db

    with app.app_context():
        snapshot = {
            table.name: sorted(repr(tuple(row)) for row in db.session.execute(select(table)))
            for table in db.metadata.sorted_tables
            if table.name not in LOG_TABLES
        }
        db.session.rollback()
    return snapshot


def changed_tables(before: dict[str, list[str]], after: dict[str, list[str]]) -> dict[str, Any]:
    """Per table that differs: the rows that disappeared and the rows that appeared."""
    changes = {}
    for name in before.keys() | after.keys():
        old, new = set(before.get(name, [])), set(after.get(name, []))
        if old != new:
            changes[name] = {"gone": sorted(old - new)[:3], "new": sorted(new - old)[:3]}
    return changes
