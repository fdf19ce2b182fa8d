"""What a web worker loads: gunicorn.conf.py's app leaves out what only commands need.

Alembic with Mako (migrations), zxcvbn's dictionaries (setting a password) and the CalDAV
library with lxml (the sync command) took 28 MB in each worker; issue 16 bounds a worker at
200 MB. Each is imported where it is used, and the commands still work."""

from __future__ import annotations

import os
import runpy
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from app import create_app

ROOT = Path(__file__).resolve().parent.parent
ONLY_FOR_COMMANDS = ("alembic", "mako", "flask_migrate", "zxcvbn", "caldav", "lxml")


def test_gunicorn_conf_turns_migrations_off_for_the_web(monkeypatch):
    monkeypatch.delenv("SAMVERKAN_MIGRATIONS", raising=False)
    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert settings["raw_env"] == ["SAMVERKAN_MIGRATIONS=0"]
    assert "SAMVERKAN_MIGRATIONS" not in os.environ  # reading the file changes nothing
    monkeypatch.setenv("SAMVERKAN_MIGRATIONS", "1")
    assert runpy.run_path(str(ROOT / "gunicorn.conf.py"))["raw_env"] == []


def test_the_web_app_loads_no_command_library(tmp_path):
    probe = (
        "import sys, wsgi\n"
        f"print(','.join(m for m in {ONLY_FOR_COMMANDS!r} if m in sys.modules))\n"
        "print(wsgi.app.config['MIGRATIONS'], 'migrate' in wsgi.app.extensions)\n"
    )
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'web.sqlite'}",
        "SAMVERKAN_INSTANCE_PATH": str(tmp_path),
        "SAMVERKAN_MIGRATIONS": "0",
    }
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    loaded, migrations = result.stdout.splitlines()
    assert loaded == ""
    assert migrations == "False False"


def test_by_default_the_app_has_its_migrations(tmp_path, monkeypatch):
    monkeypatch.setenv("SAMVERKAN_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("SAMVERKAN_MIGRATIONS", raising=False)
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite'}"})
    assert app.extensions["migrate"].directory.endswith("migrations")
    result = CliRunner().invoke(app.cli, ["caldav", "sync"], obj=None)
    assert result.exit_code == 0, result.output
    assert "CalDAV sync is off" in result.output
