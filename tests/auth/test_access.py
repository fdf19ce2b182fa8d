"""The access rules, walked over every route in the URL map."""

from __future__ import annotations

import pytest

from app import create_app
from app.auth.access import is_safe_next
from app.common.database import SAFE_METHODS

from ..conftest import login

PUBLIC_ENDPOINTS = {"auth.login", "health.healthz", "static", "organisations.stage_styles"}
#: Reachable without signing in, but only with a secret token in the URL; a wrong one is 404.
TOKEN_ENDPOINTS = {"calendar.personal_feed", "calendar.team_feed"}
#: The writes a reader may make: all about their own account.
READER_WRITES = {
    "auth.logout",
    "auth.change_password",
    "auth.change_language",
    "calendar.new_link",
    "calendar.revoke_link",
    "saved_filters.create",
    "saved_filters.delete",
}
#: Pages about one person's data as a whole (register extract, erasure, retention): not for readers.
STAFF_PAGES = {
    "privacy.register_extract_json",
    "privacy.register_extract_xlsx",
    "privacy.anonymise",
    "privacy.retention_list",
}
#: GET pages that answer 404 for the example rows (a held meeting has no cancellation).
NOT_FOUND_FOR_EXAMPLES = {"calendar.cancellation", "saved_filters.reopen"}


URL_MAP = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"}).url_map
#: Example values for URL arguments; id 1 exists (the first user the fixtures create).
EXAMPLE_VALUES = {"filename": "css/samverkan.css", "fmt": "csv", "second_id": 2}


def example_path(rule) -> str:
    values = {name: EXAMPLE_VALUES.get(name, 1) for name in rule.arguments}
    return URL_MAP.bind("localhost").build(rule.endpoint, values)


RULES = list(URL_MAP.iter_rules())


@pytest.fixture(autouse=True)
def example_rows(seeded, users):
    """Rows with id 1 for every URL argument: a municipality (the first seeded organisation),
    a contact and its affiliation, a draft import."""
    from app.extensions import db

    from ..factories import make_example_rows

    with seeded.app_context():
        make_example_rows()
        db.session.commit()


GET_RULES = [r for r in RULES if "GET" in r.methods]
WRITE_RULES = [(r, m) for r in RULES for m in sorted(r.methods - SAFE_METHODS)]


@pytest.mark.parametrize("rule", GET_RULES, ids=lambda r: r.endpoint)
def test_anonymous_get(client, rule):
    response = client.get(example_path(rule))
    response.close()
    if rule.endpoint in PUBLIC_ENDPOINTS:
        assert response.status_code == 200
    elif rule.endpoint in TOKEN_ENDPOINTS:
        assert response.status_code == 404
    else:
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/logga-in")


@pytest.mark.parametrize(
    ("rule", "method"),
    [(r, m) for r, m in WRITE_RULES if r.endpoint not in PUBLIC_ENDPOINTS],
    ids=lambda x: getattr(x, "endpoint", x),
)
def test_anonymous_write_is_sent_to_login(client, rule, method):
    response = client.open(example_path(rule), method=method)
    assert response.status_code == 302


#: What a reader's empty POST to one of their own-account endpoints answers.
READER_WRITE_RESPONSES = {
    "auth.logout": 302,  # logged out
    "auth.change_password": 200,  # the form again, with its errors
    "auth.change_language": 302,  # back to the account page
    "auth.login": 302,  # already logged in
    "calendar.new_link": 200,  # the new link, shown once
    "calendar.revoke_link": 302,  # back to the subscription page
    "saved_filters.create": 302,  # back, with the reason it was not saved
    "saved_filters.delete": 404,  # no saved filter of theirs with id 1
}


@pytest.mark.parametrize(("rule", "method"), WRITE_RULES, ids=lambda x: getattr(x, "endpoint", x))
def test_reader_writes_are_refused(as_role, rule, method):
    client = as_role("reader")
    response = client.open(example_path(rule), method=method, data={})
    expected = READER_WRITE_RESPONSES.get(rule.endpoint, 403)
    assert response.status_code == expected


@pytest.mark.parametrize("rule", GET_RULES, ids=lambda r: r.endpoint)
def test_reader_sees_every_non_admin_page(as_role, rule):
    response = as_role("reader").get(example_path(rule))
    response.close()
    admin_page = rule.endpoint.startswith("auth.") and rule.rule.startswith("/admin")
    if admin_page or rule.endpoint in STAFF_PAGES:
        assert response.status_code == 403
    elif rule.endpoint == "auth.login":
        assert response.status_code == 302  # already logged in: on to the start page
    elif rule.endpoint in TOKEN_ENDPOINTS | NOT_FOUND_FOR_EXAMPLES:
        assert response.status_code == 404
    else:
        assert response.status_code == 200


@pytest.mark.parametrize(
    ("role", "path"),
    [
        ("reader", "/kontakter/{id}/registerutdrag.json"),
        ("reader", "/kontakter/{id}/anonymisera"),
        ("coordinator", "/kontakter/{id}/anonymisera"),
        ("coordinator", "/admin/anvandare/{id}"),
    ],
)
def test_an_id_the_user_may_not_reach_answers_like_one_that_does_not_exist(as_role, role, path):
    """Refused before anything is loaded: 403 for both, so the answer tells nothing about
    which ids exist."""
    client = as_role(role)
    existing = client.get(path.format(id=1))
    missing = client.get(path.format(id=987654))
    assert existing.status_code == missing.status_code == 403
    assert existing.text == missing.text


def test_reader_finds_no_edit_controls_on_start_page(as_role):
    page = as_role("reader").get("/").text
    assert "/admin/" not in page


def test_csrf_is_enforced_when_not_testing(app_config, app, users):
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    response = login(client, users["admin"])
    assert response.status_code == 400
    assert "säkerhetskod" in response.text
    # With the token from the form, the same login works.
    page = client.get("/logga-in").text
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    assert login(client, users["admin"], csrf_token=token).status_code == 302
    # And a logged-in form post without the token is refused too.
    assert client.post("/logga-ut").status_code == 400


@pytest.mark.parametrize(
    "target",
    ["/", "/konto", "/a/b?c=d"],
)
def test_safe_next_accepts_local_paths(target):
    assert is_safe_next(target)


@pytest.mark.parametrize(
    "target",
    [None, "", "http://x.se/", "//x.se", "/\\x.se", "\\x.se", "x.se", "/\tx", "javascript:1"],
)
def test_safe_next_refuses_everything_else(target):
    assert not is_safe_next(target)


def test_a_stale_form_comes_back_with_the_users_text(app, users, seeded):
    """A form posted with a missing or stale CSRF token (an ended session, a new secret key)
    changes nothing and shows the form again with what was typed, not an error page."""
    from sqlalchemy import func, select

    from app.contacts.models import Contact
    from app.extensions import db

    def contacts() -> int:
        with app.app_context():
            return db.session.scalar(select(func.count()).select_from(Contact))

    before = contacts()
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    page = client.get("/logga-in").text
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    assert login(client, users["coordinator"], csrf_token=token).status_code == 302
    response = client.post(
        "/kontakter/ny", data={"first_name": "Åsa", "last_name": "Öberg", "csrf_token": "gammal"}
    )
    assert response.status_code == 400
    assert 'value="Åsa"' in response.text and 'value="Öberg"' in response.text
    assert "inget sparades" in response.text
    assert contacts() == before
    # Saving again with the fresh token from the page works.
    fresh = response.text.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    again = client.post(
        "/kontakter/ny", data={"first_name": "Åsa", "last_name": "Öberg", "csrf_token": fresh}
    )
    assert again.status_code == 302
    # Anonymous posts are still sent to the login page, never shown a form.
    anonymous = app.test_client().post("/kontakter/ny", data={"first_name": "X"})
    assert anonymous.status_code == 302
