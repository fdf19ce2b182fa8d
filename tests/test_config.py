"""Configuration layering and the generated secret key."""

from __future__ import annotations

import os
import stat

import pytest

from app import create_app
from app.config import (
    SECRET_KEY_FILE,
    ConfigurationError,
    environment_config,
    normalise_database_url,
    public_prefix,
)


@pytest.fixture
def instance(tmp_path, monkeypatch):
    """A private instance folder for create_app."""
    folder = tmp_path / "instance"
    folder.mkdir()
    monkeypatch.setenv("SAMVERKAN_INSTANCE_PATH", str(folder))
    return folder


def test_defaults_apply_without_other_layers(instance):
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{instance / 'samverkan.db'}"
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.config["REMEMBER_COOKIE_HTTPONLY"] is True
    assert app.config["REMEMBER_COOKIE_SAMESITE"] == "Lax"
    assert not app.config.get("SESSION_COOKIE_SECURE")
    assert app.config["BABEL_DEFAULT_LOCALE"] == "sv"


def test_layers_override_in_order(instance, monkeypatch):
    (instance / "config.py").write_text(
        "PASSWORD_MIN_LENGTH = 14\nPROXY_COUNT = 1\nDATABASE_URL = 'sqlite:////tmp/from-instance.db'\n"
    )
    monkeypatch.setenv("SAMVERKAN_PROXY_COUNT", "2")
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@db.example/samverkan")
    app = create_app({"PROXY_COUNT": 3})
    assert app.config["PASSWORD_MIN_LENGTH"] == 14  # instance file over default
    assert app.config["PROXY_COUNT"] == 3  # test_config over environment over instance
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u:p@db.example/samverkan"


def test_instance_file_overrides_defaults_and_environment_overrides_it(instance, monkeypatch):
    (instance / "config.py").write_text("PROXY_COUNT = 1\n")
    assert create_app().config["PROXY_COUNT"] == 1
    monkeypatch.setenv("SAMVERKAN_PROXY_COUNT", "2")
    assert create_app().config["PROXY_COUNT"] == 2


def test_https_makes_cookies_secure(instance, monkeypatch):
    monkeypatch.setenv("SAMVERKAN_HTTPS", "1")
    app = create_app()
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    assert app.config["PREFERRED_URL_SCHEME"] == "https"


def test_trusted_hosts_from_environment(instance, monkeypatch):
    monkeypatch.setenv("TRUSTED_HOSTS", "samverkan.example.se, localhost")
    app = create_app()
    assert app.config["TRUSTED_HOSTS"] == ["samverkan.example.se", "localhost"]
    response = app.test_client().get("/healthz", headers={"Host": "evil.example"})
    assert response.status_code == 400


def test_environment_values_are_typed_and_password_is_not_config():
    config = environment_config(
        {"SAMVERKAN_HTTPS": "true", "SAMVERKAN_PROXY_COUNT": "1", "SAMVERKAN_PASSWORD": "x"}
    )
    assert config == {"HTTPS": True, "PROXY_COUNT": 1}


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://a@h/d", "postgresql+psycopg://a@h/d"),
        ("postgresql://a@h/d", "postgresql+psycopg://a@h/d"),
        ("postgresql+psycopg://a@h/d", "postgresql+psycopg://a@h/d"),
        ("sqlite:///x.db", "sqlite:///x.db"),
    ],
)
def test_database_url_spellings(given, expected):
    assert normalise_database_url(given) == expected


def test_secret_key_generated_once_with_private_mode(instance):
    first = create_app().config["SECRET_KEY"]
    key_file = instance / SECRET_KEY_FILE
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    assert len(first) >= 64
    assert create_app().config["SECRET_KEY"] == first


def test_configured_secret_key_wins_and_no_file_is_written(instance, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    assert create_app().config["SECRET_KEY"] == "from-the-environment"
    assert not (instance / SECRET_KEY_FILE).exists()


def test_secret_key_is_not_in_the_code():
    from pathlib import Path

    source = "\n".join(p.read_text() for p in Path("app").rglob("*.py"))
    assert 'SECRET_KEY"] = "' not in source and "SECRET_KEY = " not in source


def test_password_hash_default_is_full_strength_scrypt(instance):
    from app.auth.services import hash_password

    app = create_app()
    with app.app_context():
        assert hash_password("korrekt-häst-batteri").startswith("scrypt:32768:8:1$")


@pytest.mark.parametrize("value", ["/", "", "svar/../x", "/svar?x", "/static", "/sv ar"])
def test_a_public_prefix_must_be_a_path_of_its_own(value):
    with pytest.raises(ConfigurationError):
        public_prefix(value)


@pytest.mark.parametrize(
    ("value", "expected"), [("/svar", "/svar"), ("enkat/", "/enkat"), ("/a/b", "/a/b")]
)
def test_a_public_prefix_is_written_with_one_leading_slash(value, expected):
    assert public_prefix(value) == expected
