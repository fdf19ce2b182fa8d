"""`make run`'s set-up on a fresh instance folder: migrate, seed, one admin, a kept secret key.

Runs the real `make setup` (everything `make run` does before serving) twice, in
subprocesses, against a new SQLite database.
"""

from __future__ import annotations

import os
import re
import stat
import subprocess
from pathlib import Path

import pytest

from app import create_app
from app.extensions import db

ROOT = Path(__file__).resolve().parent.parent


def make_setup(instance: Path) -> subprocess.CompletedProcess[str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "SECRET_KEY"} and not key.startswith("SAMVERKAN_")
    }
    env["SAMVERKAN_INSTANCE_PATH"] = str(instance)
    return subprocess.run(
        ["make", "--no-print-directory", "setup"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.skipif(not (ROOT / ".venv" / ".runtime").exists(), reason="needs the Makefile's .venv")
def test_make_setup_on_a_fresh_machine(tmp_path):
    instance = tmp_path / "instance"
    first = make_setup(instance)
    assert first.returncode == 0, first.stdout + first.stderr
    password = re.search(r"Password: (\S+)", first.stdout).group(1)
    assert "admin@example.se" in first.stdout
    assert "Seed done: 358 created, 0 updated, 0 unchanged." in first.stdout
    assert "created: " not in first.stdout  # a summary, not a line per organisation

    key_file = instance / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key = key_file.read_text()

    second = make_setup(instance)
    assert second.returncode == 0, second.stdout + second.stderr
    assert "Password:" not in second.stdout
    assert "0 created, 0 updated" in second.stdout
    assert key_file.read_text() == key

    # The printed password logs in, and the start page shows the registry.
    os.environ["SAMVERKAN_INSTANCE_PATH"], previous = (
        str(instance),
        os.environ["SAMVERKAN_INSTANCE_PATH"],
    )
    try:
        app = create_app({"TESTING": True, "WTF_CSRF_ENABLED": False})
    finally:
        os.environ["SAMVERKAN_INSTANCE_PATH"] = previous
    assert app.config["SECRET_KEY"] == key.strip()
    client = app.test_client()
    response = client.post("/logga-in", data={"email": "admin@example.se", "password": password})
    assert response.status_code == 302
    # The printed password is changed first, like any password an admin sets for someone.
    assert client.get("/").headers["Location"] == "/konto/losenord"
    client.post(
        "/konto/losenord",
        data={
            "current_password": password,
            "new_password": "eget-lösenord-1",
            "confirm": "eget-lösenord-1",
        },
    )
    page = client.get("/").text
    assert "290" in page and "Kommuner" in page and "Länsstyrelser" in page
    with app.app_context():
        db.engine.dispose()
