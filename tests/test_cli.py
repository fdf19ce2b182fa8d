"""Command-line tasks: seed and users."""

from __future__ import annotations

import re

import pytest

from app.auth import services
from app.auth.models import Role
from app.extensions import db

from .conftest import login
from .factories import make_user


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def test_seed_prints_a_summary_of_counts_and_is_idempotent(runner):
    first = runner.invoke(args=["seed"])
    assert first.exit_code == 0, first.output
    # One line of counts, not one line per organisation.
    assert first.output.strip().splitlines() == ["Seed done: 358 created, 0 updated, 0 unchanged."]
    second = runner.invoke(args=["seed"])
    assert second.output.strip().splitlines() == ["Seed done: 0 created, 0 updated, 358 unchanged."]


def test_seed_lists_the_rows_only_when_asked(runner):
    verbose = runner.invoke(args=["seed", "--verbose"])
    assert "created: Upplands Väsby kommun" in verbose.output
    assert "358 created, 0 updated, 0 unchanged" in verbose.output


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
    assert result.exit_code != 0 and "minst 12 tecken" in result.output


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
    assert "must be chosen at first login" in first.output
    second = runner.invoke(args=["users", "ensure-admin"])
    assert "Password:" not in second.output and "no account created" in second.output
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(services.User)) == 1


def test_initial_admin_must_change_the_printed_password(runner, app):
    """The password `make run` prints has been on a terminal: like any password an admin
    sets for someone, it is changed at the first login before anything else."""
    printed = runner.invoke(args=["users", "ensure-admin"]).output
    password = re.search(r"Password: (\S+)", printed).group(1)
    client = app.test_client()
    assert login(client, "admin@example.se", password).status_code == 302
    assert client.get("/").headers["Location"] == "/konto/losenord"
    assert client.get("/admin/anvandare").headers["Location"] == "/konto/losenord"
    client.post(
        "/konto/losenord",
        data={
            "current_password": password,
            "new_password": "mitt-eget-starka-val",
            "confirm": "mitt-eget-starka-val",
        },
    )
    assert client.get("/").status_code == 200
    with app.app_context():
        assert not services.find_user_by_email("admin@example.se").must_change_password


def test_ensure_admin_reactivating_an_account_also_requires_a_new_password(runner, app):
    with app.app_context():
        make_user(email="admin@example.se", role=Role.READER, active=False)
        db.session.commit()
    runner.invoke(args=["users", "ensure-admin"])
    with app.app_context():
        user = services.find_user_by_email("admin@example.se")
        assert user.role is Role.ADMIN and user.active and user.must_change_password
