"""A stale or missing CSRF token on a form whose view refuses (no such record, not allowed)
gives that 404/403, never a 500 from an abort() escaping app/errors.py; on a form the user
may use, the form comes back with the text and a message."""

from __future__ import annotations

from typing import Any

import pytest

from ..security.conftest import csrf_token, example_rows, login_with_token  # noqa: F401  (a fixture)


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "WTF_CSRF_ENABLED": True, "PROPAGATE_EXCEPTIONS": False}


@pytest.fixture
def coordinator(app, users, request):
    request.getfixturevalue("example_rows")
    client = app.test_client()
    login_with_token(client, users["coordinator"])
    return client


STALE = {"csrf_token": "IjAwMDAi.aaaaaa.bbbbbbbbbbbbbbbbbbbbbbbbbbb", "first_name": "Anna"}


@pytest.mark.parametrize("data", [STALE, {"first_name": "Anna"}], ids=["stale", "missing"])
@pytest.mark.parametrize(
    "path",
    [
        "/kontakter/999/redigera",
        "/organisationer/999/redigera",
        "/organisationer/999/engagemang",
        "/moten/999/redigera",
        "/uppfoljningar/999/redigera",
        "/uppfoljningar/efter-mote/999",
        "/kontakter/999/byter-organisation",
    ],
)
def test_a_missing_record_is_not_found(coordinator, path, data):
    response = coordinator.post(path, data=data)
    assert response.status_code == 404
    assert "Sidan finns inte" in response.text


@pytest.mark.parametrize("path", ["/admin/anvandare/1", "/admin/anvandare/ny"])
def test_a_page_the_role_may_not_use_is_forbidden(coordinator, path):
    response = coordinator.post(path, data=STALE)
    assert response.status_code == 403
    assert "Åtkomst nekad" in response.text


def test_the_message_meant_for_the_form_is_not_left_for_the_next_page(coordinator):
    assert coordinator.post("/kontakter/999/redigera", data=STALE).status_code == 404
    assert "Formuläret hade gått ut" not in coordinator.get("/kontakter").text


def test_a_form_the_user_may_use_comes_back_with_the_text(coordinator):
    response = coordinator.post("/kontakter/1/redigera", data={**STALE, "first_name": "Annika"})
    assert response.status_code == 400
    assert "Formuläret hade gått ut" in response.text
    assert 'value="Annika"' in response.text
    assert csrf_token(response.text)  # a fresh token to save with
