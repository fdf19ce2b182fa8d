"""The bounded readers of URL input (app/common/arguments.py) and the forms' date bounds."""

from __future__ import annotations

from datetime import date

import pytest
from werkzeug.datastructures import MultiDict

from app.common.arguments import (
    MAX_ID,
    MAX_PAGE,
    coerce_id,
    page_number,
    parse_id,
    query_id,
    query_ids,
    query_text,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1", 1),
        ("42", 42),
        (str(MAX_ID), MAX_ID),
        (str(MAX_ID + 1), None),
        ("99999999999999999999", None),
        ("0", None),
        ("-1", None),
        ("1.5", None),
        ("١٢", None),  # Arabic-Indic digits: str.isdigit, but no id
        ("", None),
        (None, None),
    ],
)
def test_parse_id_accepts_only_possible_ids(value, expected):
    assert parse_id(value) == expected


def test_coerce_id_refuses_a_non_id_as_an_invalid_choice():
    assert coerce_id("7") == 7
    assert coerce_id(7) == 7
    for value in ("99999999999999999999", "0", "x", MAX_ID + 1, True):
        with pytest.raises(ValueError):
            coerce_id(value)


def test_query_readers_are_bounded(app):
    query = "sida=99999999999999999999&organisation=99999999999999999999&kontakt=3"
    with app.test_request_context("/?" + query + "&mote=1&mote=x&mote=0&mote=5&q=" + "a" * 500):
        assert page_number() == MAX_PAGE
        assert query_id("organisation") is None
        assert query_id("kontakt") == 3
        assert query_ids("mote") == [1, 5]
        assert len(query_text("q")) == 200
    with app.test_request_context("/?q=%00Malm%C3%B6%01%ff"):
        assert query_text("q").startswith("Malmö") and "\x00" not in query_text("q")
    for odd in ("-5", "0", "x", "%ff", "", "٣"):
        with app.test_request_context("/?sida=" + odd):
            assert page_number() == 1
    with app.test_request_context("/?sida=7"):
        assert page_number() == 7


@pytest.mark.parametrize(
    "path",
    [
        "/kontakter/99999999999999999999",
        "/kontakter/2147483648",
        "/kontakter/0",
        "/organisationer/99999999999999999999/redigera",
        "/moten/99999999999999999999/inbjudan.ics",
    ],
)
def test_an_impossible_id_in_a_path_is_not_found(as_role, path):
    response = as_role("coordinator").get(path)
    assert response.status_code == 404
    assert "Sidan finns inte" in response.text


def test_the_id_converter_still_builds_and_matches_real_ids(app):
    with app.test_request_context():
        from flask import url_for

        assert url_for("contacts.detail", contact_id=12) == "/kontakter/12"
    adapter = app.url_map.bind("localhost")
    assert adapter.match("/kontakter/12") == ("contacts.detail", {"contact_id": 12})


def test_a_list_filter_drops_a_date_outside_the_bounds(app):
    from app.meetings.forms import MeetingFilterForm

    with app.test_request_context():
        form = MeetingFilterForm(MultiDict({"fran": "0001-01-01", "till": "9999-12-31"}))
        assert form.fran.data is None and form.till.data is None
        assert not form.validate()
        assert form.fran.errors == ["Datumet 0001-01-01 är orimligt."]
        form = MeetingFilterForm(MultiDict({"fran": "2026-01-01"}))
        assert form.fran.data == date(2026, 1, 1)


def test_a_required_date_outside_the_bounds_says_why(app):
    from app.followups.forms import FollowUpForm

    with app.test_request_context():
        form = FollowUpForm(MultiDict({"due_on": "9999-12-31"}), meta={"csrf": False})
        form.validate()
        assert form.due_on.errors == ["Datumet 9999-12-31 är orimligt."]


@pytest.mark.parametrize(
    "query",
    [
        "?sida=99999999999999999999",
        "?fran=0001-01-01&till=9999-12-31",
        "?organisation=99999999999999999999",
        "?q=%00%ff",
    ],
)
@pytest.mark.parametrize(
    "path", ["/kontakter", "/moten", "/organisationer", "/uppfoljningar", "/sok"]
)
def test_hostile_list_queries_give_a_page(as_role, path, query):
    assert as_role("reader").get(path + query).status_code == 200
