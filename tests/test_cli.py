"""Command-line tasks: seed and users."""

from __future__ import annotations

import pytest

from app.auth import services
from app.auth.models import Role
from app.extensions import db


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def test_seed_prints_what_it_did_and_is_idempotent(runner):
    first = runner.invoke(args=["seed"])
    assert first.exit_code == 0, first.output
    assert "created: Upplands Väsby kommun" in first.output
    assert "358 created, 0 updated, 0 unchanged" in first.output
    second = runner.invoke(args=["seed"])
    assert "0 created, 0 updated, 358 unchanged" in second.output


def test_users_create_from_environment_password(runner, app, monkeypatch):
    monkeypatch.setenv("SAMVERKAN_PASSWORD", "ett-långt-lösenord")
    result = runner.invoke(
        args=["users", "create", "Eva@Example.se", "--name", "Eva Berg", "--role", "admin"]
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = services.find_user_by_email("eva@example.se")
        assert user.role is Role.ADMIN and user.name == "Eva Berg"
    duplicate = runner.invoke(args=["users", "create", "eva@example.se", "--name", "X"])
    assert duplicate.exit_code != 0 and "already exists" in duplicate.output


def test_users_create_prompts_twice(runner, app):
    result = runner.invoke(
        args=["users", "create", "per@example.se", "--name", "Per"],
        input="ett-långt-lösenord\nett-långt-lösenord\n",
    )
    assert result.exit_code == 0, result.output
    assert "Password:" in result.output and "Repeat for confirmation:" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["users", "create", "inte-en-adress", "--name", "X"], "Not a valid e-mail"),
        (["users", "create", "a@example.se", "--name", "X", "--role", "boss"], "Invalid value"),
    ],
)
def test_users_create_rejects_bad_input(runner, args, message, monkeypatch):
    monkeypatch.setenv("SAMVERKAN_PASSWORD", "ett-långt-lösenord")
    result = runner.invoke(args=args)
    assert result.exit_code != 0 and message in result.output


def test_short_password_is_rejected(runner, monkeypatch):
    monkeypatch.setenv("SAMVERKAN_PASSWORD", "kort")
    result = runner.invoke(args=["users", "create", "a@example.se", "--name", "A"])
    assert result.exit_code != 0 and "at least 12" in result.output


def test_users_list_and_set_password(runner, app, monkeypatch):
    monkeypatch.setenv("SAMVERKAN_PASSWORD", "ett-långt-lösenord")
    runner.invoke(args=["users", "create", "a@example.se", "--name", "Anna"])
    listing = runner.invoke(args=["users", "list"])
    assert "a@example.se\tAnna\tcoordinator\tactive\tlast login: never" in listing.output
    with app.app_context():
        token = services.find_user_by_email("a@example.se").session_token
    monkeypatch.setenv("SAMVERKAN_PASSWORD", "ett-annat-långt-lösenord")
    result = runner.invoke(args=["users", "set-password", "A@example.se"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = services.find_user_by_email("a@example.se")
        assert user.session_token != token
    missing = runner.invoke(args=["users", "set-password", "x@example.se"])
    assert missing.exit_code != 0 and "No user" in missing.output


def test_ensure_admin_creates_once(runner, app):
    first = runner.invoke(args=["users", "ensure-admin"])
    assert "Password:" in first.output
    second = runner.invoke(args=["users", "ensure-admin"])
    assert "Password:" not in second.output and "no account created" in second.output
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(services.User)) == 1
