"""The access rules, walked over every route in the URL map."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from werkzeug.exceptions import HTTPException

from app import create_app
from app.auth.access import is_safe_next
from app.common.database import SAFE_METHODS

from ..conftest import login

PUBLIC_ENDPOINTS = {
    "auth.login",
    "health.healthz",
    "static",
    "organisations.stage_styles",
    "questionnaire_public.privacy",
    "questionnaire_public.accessibility",
}
#: Reachable without signing in, but only with a secret token in the URL; a wrong one is 404.
TOKEN_ENDPOINTS = {
    "calendar.personal_feed",
    "calendar.team_feed",
    "questionnaire_public.form",
    "questionnaire_public.receipt",
    "questionnaire_public.elsewhere",  # any other address under the public prefix
}
#: The writes a reader may make: all about their own account.
READER_WRITES = {
    "auth.logout",
    "auth.change_password",
    "auth.change_language",
    "calendar.new_link",
    "calendar.revoke_link",
    "saved_filters.create",
    "saved_filters.delete",
    "digest.settings",
}
#: Pages about one person's data as a whole (register extract, erasure, retention): not for readers.
STAFF_PAGES = {
    "privacy.register_extract_json",
    "privacy.register_extract_xlsx",
    "privacy.anonymise",
    "privacy.retention_list",
}
#: GET pages that answer 404 for the example rows (a held meeting has no cancellation, a draft
#: mailing no .eml files).
NOT_FOUND_FOR_EXAMPLES = {"calendar.cancellation", "saved_filters.reopen", "mailings.eml_files"}


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
#: GET pages that are steps of a write without posting to themselves.
WRITE_STEPS = {"contacts.import_preview", "indicators.import_preview", "plans.choose"}
#: Forms a reader must not even open: every GET page whose URL also takes a write (create and
#: edit forms post to themselves), and the write steps; their own account's forms excepted.
WRITE_FORMS = {
    r.endpoint
    for r in GET_RULES
    if r.methods - SAFE_METHODS
    and r.endpoint not in READER_WRITES | PUBLIC_ENDPOINTS | TOKEN_ENDPOINTS
} | WRITE_STEPS


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
    assert response.status_code == (404 if rule.endpoint in TOKEN_ENDPOINTS else 302)


#: What a reader's empty POST to one of their own-account endpoints answers.
READER_WRITE_RESPONSES = {
    "auth.logout": 302,  # logged out
    "auth.change_password": 200,  # the form again, with its errors
    "auth.change_language": 302,  # back to the account page
    "auth.extend_session": 200,  # their own session, extended
    "auth.login": 302,  # already logged in
    "calendar.new_link": 200,  # the new link, shown once
    "calendar.revoke_link": 302,  # back to the subscription page
    "saved_filters.create": 302,  # back, with the reason it was not saved
    "saved_filters.delete": 404,  # no saved filter of theirs with id 1
    "digest.settings": 302,  # back to the account page, the digest off
    "questionnaire_public.form": 404,  # public: a wrong token, whoever posts
    "questionnaire_public.elsewhere": 404,
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
    admin_page = rule.rule.startswith("/admin")
    if admin_page or rule.endpoint in STAFF_PAGES | WRITE_FORMS:
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
    # The pages' CSRF tokens are signed with the second they were made in: compared without
    # them, as two requests may straddle a second (a slow 403 now writes the security log).
    assert without_tokens(existing.text) == without_tokens(missing.text)


def without_tokens(page: str) -> str:
    """The page without its CSRF tokens: the forms' fields and the session warning's
    `data-csrf` (its "extend the session" request)."""
    return re.sub(
        r'name="csrf_token"[^>]*value="[^"]*"|value="[^"]*"[^>]*name="csrf_token"|data-csrf="[^"]*"',
        "",
        page,
    )


def test_reader_finds_no_edit_controls_on_start_page(as_role):
    page = as_role("reader").get("/").text
    assert "/admin/" not in page


def test_the_write_forms_are_the_create_and_edit_pages():
    """The set the reader walk refuses is what a person calls a form (a guard against the
    walk silently refusing nothing)."""
    assert {
        "contacts.create",
        "contacts.edit",
        "meetings.create",
        "meetings.edit",
        "followups.create",
        "followups.edit",
        "followups.after_meeting",
        "organisations.create",
        "organisations.edit",
        "organisations.engagement",
        "contacts.import_upload",
        "contacts.import_preview",
        "calendar.import_invite",
    } <= WRITE_FORMS


@pytest.mark.parametrize("endpoint", sorted(WRITE_FORMS))
def test_reader_cannot_open_a_write_form(as_role, endpoint):
    """403 before anything is typed: the GET of every create/edit form and write step."""
    (rule,) = [r for r in GET_RULES if r.endpoint == endpoint]
    response = as_role("reader").get(example_path(rule))
    assert response.status_code == 403


class Links(HTMLParser):
    """The links (href) and the targets of posting forms (action) on a page."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.posts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            self.links.append(values["href"] or "")
        if tag == "form" and (values.get("method") or "get").lower() == "post":
            self.posts.append(values.get("action") or "")
        if tag == "button" and values.get("formaction"):
            self.posts.append(values["formaction"] or "")


def endpoint_of(target: str, path: str, method: str) -> str | None:
    """The endpoint a link or form on the page at `path` leads to; None for other sites."""
    parts = urlsplit(urljoin(f"http://localhost{path}", target))
    if parts.netloc != "localhost":
        return None
    try:
        endpoint, _args = URL_MAP.bind("localhost").match(parts.path, method=method)
    except HTTPException:
        return None
    return endpoint


def test_reader_sees_no_link_or_button_to_a_write(as_role):
    """Every page a reader can open, with rows to act on: no link leads to a write form and
    no form posts anywhere but to the reader's own account."""
    client = as_role("reader")
    offending = []
    for rule in GET_RULES:
        path = example_path(rule)
        response = client.get(path)
        if response.status_code != 200 or response.mimetype != "text/html":
            response.close()
            continue
        links = Links()
        links.feed(response.text)
        for href in links.links:
            if endpoint_of(href, path, "GET") in WRITE_FORMS:
                offending.append((rule.endpoint, "link", href))
        for action in links.posts:
            target = endpoint_of(action, path, "POST")
            if target is not None and target not in READER_WRITES:
                offending.append((rule.endpoint, "form", action or path))
    assert offending == []


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
