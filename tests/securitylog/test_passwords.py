"""The password policy (app/auth/passwords.py): length, zxcvbn's score and the Swedish list,
applied where users choose a password (the account page, the command line)."""

from __future__ import annotations

import pytest

from app.auth.passwords import password_problem

from ..conftest import login
from ..factories import DEFAULT_PASSWORD, make_user

NAME, EMAIL = "Anna Lindqvist", "anna.lindqvist@kramfors.se"


def problem(password: str) -> str | None:
    return password_problem(password, min_length=12, name=NAME, email=EMAIL)


@pytest.mark.parametrize(
    "password",
    [
        "password1234",
        "Sommar2026!!",
        "vinter2025vinter",
        "samverkan2026!",
        "Samverkan123456",
        "välkommen2026",
        "Lösenord1234!",
        "Göteborg2026!!",
        "Kramfors12345",
        "123456789012",
        "qwertyuiop12",
    ],
)
def test_common_and_swedish_patterns_are_refused(app, password):
    with app.test_request_context():
        message = problem(password)
    assert message is not None and "för lätt att gissa" in message
    assert "mening" in message  # says what to choose instead


@pytest.mark.parametrize(
    "password", ["Anna Lindqvist 1!", "lindqvist-2026-x", "anna.lindqvist@kramfors.se"]
)
def test_the_users_own_name_and_email_are_refused(app, password):
    with app.test_request_context():
        assert "ditt namn eller din e-postadress" in problem(password)


def test_length_rule_is_unchanged(app):
    with app.test_request_context():
        assert "minst 12 tecken" in problem("kort ord")
        assert problem("x" * 1025) == "Lösenordet får ha högst 1024 tecken."


@pytest.mark.parametrize(
    "password",
    ["blå cykel sjunger under taket", "Lila-Trappa-Simmar-Fort-7", "kanel vägg åska fyrtorn"],
)
def test_a_long_random_passphrase_is_accepted(app, password):
    with app.test_request_context():
        assert problem(password) is None


def test_the_account_page_refuses_a_weak_password_with_the_explanation(app, client):
    with app.app_context():
        from app.extensions import db

        user = make_user(email="per.holm@example.se", name="Per Holm")
        db.session.commit()
        email = user.email
    login(client, email)
    for weak, text in (
        ("password1234", "för lätt att gissa"),
        ("per-holm-2026-x", "ditt namn"),
    ):
        response = client.post(
            "/konto/losenord",
            data={"current_password": DEFAULT_PASSWORD, "new_password": weak, "confirm": weak},
        )
        assert response.status_code == 200 and text in response.text
    strong = "kanel vägg åska fyrtorn"
    response = client.post(
        "/konto/losenord",
        data={"current_password": DEFAULT_PASSWORD, "new_password": strong, "confirm": strong},
    )
    assert response.status_code == 302


def test_the_command_line_refuses_a_weak_password(app, monkeypatch):
    monkeypatch.setenv("SAMVERKAN_PASSWORD", "Sommar2026!!")
    result = app.test_cli_runner().invoke(
        args=["users", "create", "ny@example.se", "--name", "Ny Person"]
    )
    assert result.exit_code != 0 and "för lätt att gissa" in result.output
