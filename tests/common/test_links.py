"""`record_links` (app/common/links.py): the URL of a list's rows built once, the same as
`url_for` gives for each."""

from __future__ import annotations

import pytest
from flask import render_template_string, url_for

from app.common.links import record_links

ROUTES = [
    ("meetings.detail", "meeting_id"),
    ("followups.detail", "follow_up_id"),
    ("followups.complete", "follow_up_id"),
    ("organisations.detail", "organisation_id"),
    ("contacts.detail", "contact_id"),
]


@pytest.mark.parametrize(("endpoint", "parameter"), ROUTES)
def test_each_id_gets_the_url_url_for_gives(app, endpoint, parameter):
    with app.test_request_context():
        link = record_links(endpoint, parameter)
        for record_id in (1, 7, 42, 2**31, 10**15):
            assert link(record_id) == url_for(endpoint, **{parameter: record_id})


def test_under_a_prefix_the_script_root_is_kept(app):
    with app.test_request_context(base_url="http://localhost/samverkan/"):
        link = record_links("meetings.detail", "meeting_id")
        assert link(5) == "/samverkan/moten/5" == url_for("meetings.detail", meeting_id=5)


def test_a_route_that_does_not_take_an_integer_goes_through_url_for(app):
    with app.test_request_context():
        link = record_links("calendar.personal_feed", "token")
        assert link("abc") == url_for("calendar.personal_feed", token="abc")


def test_an_id_that_is_not_a_number_is_refused(app):
    with app.test_request_context():
        link = record_links("meetings.detail", "meeting_id")
        with pytest.raises(ValueError):
            link("1/../admin")


def test_templates_use_it_as_a_global(app):
    with app.test_request_context():
        html = render_template_string(
            "{% set link = record_links('contacts.detail', 'contact_id') %}{{ link(3) }}"
        )
        assert html == url_for("contacts.detail", contact_id=3)
