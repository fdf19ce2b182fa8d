"""Bounded counts: a list counts exactly up to a limit, and says "more than" beyond it."""

from __future__ import annotations

from app.common import pagination
from app.contacts.services import ContactValues, create_contact
from app.extensions import db


def test_a_list_counts_exactly_up_to_the_limit_then_says_more_than(
    app, as_role, monkeypatch, count_statements
):
    with app.app_context():
        for number in range(5):
            create_contact(
                values=ContactValues(first_name="Ny", last_name=f"Person{number}"), by=None
            )
        db.session.commit()
    client = as_role("reader")
    monkeypatch.setattr(pagination, "COUNT_LIMIT", 5)
    first = client.get("/kontakter").text
    assert "5 träffar" in first
    monkeypatch.setattr(pagination, "COUNT_LIMIT", 3)
    page = client.get("/kontakter?sida=1").text
    assert "Fler än 3 träffar" in page and "5 träffar" not in page
    with app.app_context():
        from sqlalchemy import select

        from app.contacts.models import Contact

        assert pagination.bounded_count(select(Contact), limit=3) == 4
        assert pagination.bounded_count(select(Contact), limit=10) == 5
