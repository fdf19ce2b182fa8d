"""Configuration, layered: safe defaults → instance/config.py → environment → test_config.

Every key is documented in README.md. Values are read at request time through
`current_app.config`; nothing here is imported by other modules for its values.
"""

from __future__ import annotations

import os
import re
import secrets
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import make_url
from sqlalchemy.exc import ArgumentError

#: File in the instance folder that holds the generated secret key.
SECRET_KEY_FILE = "secret_key"

#: Environment variables read as they are (no prefix), for the usual twelve-factor names.
PLAIN_ENV_KEYS = ("DATABASE_URL", "SECRET_KEY", "TRUSTED_HOSTS")

TRUE_WORDS = {"1", "true", "yes", "on", "ja"}


class ConfigurationError(RuntimeError):
    """A setting is unusable; the message is meant for an operator and names the setting."""


def default_config(instance_path: str) -> dict[str, Any]:
    """Return the defaults: safe for production, convenient on a laptop."""
    return {
        "DATABASE_URL": "sqlite:///" + os.path.join(instance_path, "samverkan.db"),
        # Behind a TLS proxy set SAMVERKAN_HTTPS=1: cookies become Secure and URLs https.
        "HTTPS": False,
        # Number of proxies in front of the app whose X-Forwarded-* headers are trusted.
        "PROXY_COUNT": 0,
        "TRUSTED_HOSTS": None,
        # Sessions: a working day without activity, refreshed on each request.
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=12),
        "SESSION_COOKIE_NAME": "samverkan_session",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_NAME": "samverkan_remember",
        # The session warning shows this long before an idle session ends (auth/session_routes.py).
        "SESSION_WARNING_SECONDS": 300,
        "REMEMBER_COOKIE_DURATION": timedelta(days=14),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        # CSRF tokens live as long as the session does.
        "WTF_CSRF_TIME_LIMIT": None,
        # Login throttling (see app/auth/throttle.py).
        "LOGIN_THROTTLE_WINDOW": timedelta(minutes=15),
        "LOGIN_THROTTLE_PAIR_LIMIT": 5,
        "LOGIN_THROTTLE_ACCOUNT_LIMIT": 20,
        "LOGIN_THROTTLE_ADDRESS_LIMIT": 30,
        "LOGIN_THROTTLE_MAX_DELAY": timedelta(minutes=15),
        # Uploads: a request may not exceed MAX_CONTENT_LENGTH; imports have their own limits.
        # The library's uploads (LIBRARY_MAX_BYTES) fit in a request, with room for the form.
        "MAX_CONTENT_LENGTH": 26 * 1024 * 1024,
        # Library files: stored by content hash in LIBRARY_DIR (default instance/library).
        "LIBRARY_DIR": None,
        "LIBRARY_MAX_BYTES": 25 * 1024 * 1024,
        "IMPORT_MAX_BYTES": 5 * 1024 * 1024,
        "IMPORT_MAX_ROWS": 10_000,
        "PASSWORD_MIN_LENGTH": 12,
        # The security log (app/security) keeps events this many days (`flask security prune`).
        "SECURITY_LOG_DAYS": 365,
        # Wrong calendar-feed tokens from one address: 429 after this many in the window.
        "FEED_THROTTLE_LIMIT": 20,
        "FEED_THROTTLE_WINDOW": timedelta(minutes=15),
        # Heavy work (exports, imports): at most this many at once across all workers
        # (app/common/heavy_work.py); a slot's lease outlives a killed worker by at most
        # HEAVY_WORK_LEASE_SECONDS; the next request is asked to retry after RETRY_AFTER.
        "HEAVY_WORK_LIMIT": 2,
        "HEAVY_WORK_LEASE_SECONDS": 120,
        "HEAVY_WORK_RETRY_AFTER": 10,
        # Alembic (`flask db …`) in this process; gunicorn.conf.py turns it off for the web.
        "MIGRATIONS": True,
        # The retention list (gallring): contacts without any activity for this many years.
        "RETENTION_YEARS": 3,
        # Calendar feeds hold the meetings from this many days back to this many ahead, at
        # most FEED_MAX_EVENTS of them (the upcoming first): calendar/feeds.py.
        "FEED_PAST_DAYS": 92,
        "FEED_FUTURE_DAYS": 365,
        "FEED_MAX_EVENTS": 5000,
        # A person's own feed is smaller (under 300 KB at ~350 bytes an event): at most this
        # many of their meetings and of their follow-ups' due days, the upcoming first.
        "FEED_PERSONAL_MAX_MEETINGS": 450,
        "FEED_PERSONAL_MAX_FOLLOW_UPS": 250,
        # Two-way sync with a CalDAV server (app/caldav): off while CALDAV_URL is unset.
        "CALDAV_URL": None,
        "CALDAV_USERNAME": None,
        "CALDAV_PASSWORD": None,
        "CALDAV_CALENDAR": "Samverkan",
        "CALDAV_APP_URL": None,
        "CALDAV_TIMEOUT": 30,
        "CALDAV_AUTH": "basic",
        # Every N minutes the task workers sync (app/tasks/jobs.py); 0: only `flask caldav sync`.
        "CALDAV_SYNC_MINUTES": 15,
        # Background work (app/tasks): the queue's storage. Unset: a SQLite file in the
        # instance folder (one machine), or the app's own PostgreSQL database when
        # DATABASE_URL is PostgreSQL (several machines). redis://… or postgresql://… (README).
        # TASKS_IMMEDIATE runs tasks at once, in the enqueuing process.
        "TASKS_URL": None,
        "TASKS_IMMEDIATE": False,
        # Mailings (app/mailings): messages per SMTP connection, the pause between batches,
        # and how long a killed worker's mailing waits before another worker takes it over.
        "MAILING_BATCH_SIZE": 50,
        "MAILING_BATCH_PAUSE": 2,
        "MAILING_LEASE_SECONDS": 120,
        # Questionnaires (app/questionnaires): the public pages live under PUBLIC_PREFIX, so a
        # proxy can publish that path alone; links in messages start with PUBLIC_URL (the
        # address the public reaches it at; unset: this request's host). Planned reminders
        # are sent at QUESTIONNAIRE_REMINDER_HOUR (Europe/Stockholm) on their day.
        # After PUBLIC_THROTTLE_LIMIT links that do not work within PUBLIC_THROTTLE_WINDOW,
        # an address gets 429 on the link pages.
        "PUBLIC_URL": None,
        "PUBLIC_PREFIX": "/svar",
        "PUBLIC_THROTTLE_LIMIT": 20,
        "PUBLIC_THROTTLE_WINDOW": timedelta(minutes=15),
        "QUESTIONNAIRE_REMINDER_HOUR": 8,
        # The daily digest (app/digest): sent from DIGEST_HOUR (Europe/Stockholm) by the
        # workers, or whenever `flask digest send` runs; "due soon" reaches DIGEST_WORKING_DAYS
        # working days ahead; its links start with APP_URL (the team's address of the app).
        "DIGEST_HOUR": 7,
        "DIGEST_WORKING_DAYS": 3,
        "APP_URL": None,
        "PASSWORD_HASH_METHOD": "scrypt",
        "BABEL_DEFAULT_LOCALE": "sv",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Stockholm",
        "LANGUAGES": ("sv", "en"),
        "SQLALCHEMY_ENGINE_OPTIONS": {},
        "SQLALCHEMY_RECORD_QUERIES": False,
    }


def env_value(raw: str) -> Any:
    """Turn an environment string into a bool or int where it plainly is one."""
    lowered = raw.strip().lower()
    if lowered in TRUE_WORDS:
        return True
    if lowered in {"0", "false", "no", "off", "nej"}:
        return False
    if lowered.isdigit():
        return int(lowered)
    return raw


def environment_config(environ: os._Environ[str] | dict[str, str]) -> dict[str, Any]:
    """Read DATABASE_URL, SECRET_KEY, TRUSTED_HOSTS and every SAMVERKAN_* variable."""
    config: dict[str, Any] = {}
    for key in PLAIN_ENV_KEYS:
        if environ.get(key):
            config[key] = environ[key]
    for key, raw in environ.items():
        if key.startswith("SAMVERKAN_") and key != "SAMVERKAN_PASSWORD":
            name = key.removeprefix("SAMVERKAN_")
            if name in {"INSTANCE_PATH", "ADMIN_EMAIL", "ADMIN_NAME"}:
                continue  # read by the factory or the CLI, not configuration
            config[name] = env_value(raw)
    return config


def normalise_database_url(url: str) -> str:
    """Point PostgreSQL URLs at psycopg 3, whatever spelling the operator used."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


def load_secret_key(instance_path: str) -> str:
    """Read the generated secret key from the instance folder, creating it (0600) if absent.

    Several gunicorn workers may start at once: the file is created exclusively, and a worker
    that loses the race reads what the winner wrote.
    """
    path = Path(instance_path) / SECRET_KEY_FILE
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for _ in range(50):
            key = path.read_text().strip()
            if key:
                return key
            time.sleep(0.02)
        raise RuntimeError(f"{path} is empty; delete it to generate a new secret key") from None
    key = secrets.token_hex(32)
    with os.fdopen(fd, "w") as handle:
        handle.write(key + "\n")
    return key


def host_cookie(name: str) -> str:
    """The cookie name with the `__Host-` prefix (once)."""
    return name if name.startswith("__Host-") else "__Host-" + name


def public_prefix(value: Any) -> str:
    """PUBLIC_PREFIX as "/word[/word…]": the public pages need a path of their own (their
    catch-all for wrong links would otherwise answer every unknown address of the app)."""
    prefix = "/" + str(value or "").strip().strip("/")
    if not re.fullmatch(r"(/[A-Za-z0-9_-]+)+", prefix) or prefix == "/static":
        raise ConfigurationError(
            f"PUBLIC_PREFIX must be a path of its own such as /svar, not {str(value)!r}"
        )
    return prefix


def configure(app: Flask, test_config: dict[str, Any] | None) -> None:
    """Apply the layers to `app.config` and derive the settings that follow from them."""
    app.config.from_mapping(default_config(app.instance_path))
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_mapping(environment_config(os.environ))
    if test_config:
        app.config.from_mapping(test_config)

    config = app.config
    if not config.get("SQLALCHEMY_DATABASE_URI"):
        config["SQLALCHEMY_DATABASE_URI"] = config["DATABASE_URL"]
    config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(config["SQLALCHEMY_DATABASE_URI"])
    try:
        make_url(config["SQLALCHEMY_DATABASE_URI"])
    except ArgumentError:
        # The value is not echoed: it may hold a password.
        raise ConfigurationError(
            "DATABASE_URL is not a database URL; expected for example "
            "postgresql://user:password@host/samverkan or sqlite:////path/to/samverkan.db"
        ) from None
    if not config.get("SECRET_KEY"):
        config["SECRET_KEY"] = load_secret_key(app.instance_path)
    if config["HTTPS"]:
        config.update(
            SESSION_COOKIE_SECURE=True,
            REMEMBER_COOKIE_SECURE=True,
            PREFERRED_URL_SCHEME="https",
            # `__Host-` cookies: the browser takes them only Secure, for Path=/ and without a
            # Domain, so no other host or path on the site can set or shadow them.
            SESSION_COOKIE_NAME=host_cookie(config["SESSION_COOKIE_NAME"]),
            REMEMBER_COOKIE_NAME=host_cookie(config["REMEMBER_COOKIE_NAME"]),
            SESSION_COOKIE_PATH="/",
            REMEMBER_COOKIE_PATH="/",
            SESSION_COOKIE_DOMAIN=None,
            REMEMBER_COOKIE_DOMAIN=None,
        )
    config["PUBLIC_PREFIX"] = public_prefix(config["PUBLIC_PREFIX"])
    hosts = config.get("TRUSTED_HOSTS")
    if isinstance(hosts, str):
        config["TRUSTED_HOSTS"] = [h.strip() for h in hosts.split(",") if h.strip()]
