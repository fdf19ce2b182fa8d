"""Real `flask tasks worker` processes for the tests of background work: the environment a
worker reads (a database of its own from tests/served.py, mail to the local SMTP sink), the
database migrated by the app's own command, and a worker started with its output in a log."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

from .served import ROOT

FLASK = [sys.executable, "-m", "flask", "--app", "wsgi"]


def worker_environment(directory: Path, url: str, **settings: str) -> dict[str, str]:
    """What a worker process reads: the database at `url`, the instance under `directory`,
    mail through 127.0.0.1, and each of `settings` as SAMVERKAN_<NAME>."""
    return {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(directory),
        "LANG": "C.UTF-8",
        "DATABASE_URL": url,
        "SECRET_KEY": "worker-" + uuid.uuid4().hex,
        "SAMVERKAN_INSTANCE_PATH": str(directory / "instance"),
        "SAMVERKAN_MAIL_DEFAULT_SENDER": "samverkan@example.se",
        "SAMVERKAN_MAIL_SERVER": "127.0.0.1",
        "PYTHONPATH": str(ROOT),
        **{f"SAMVERKAN_{name.upper()}": value for name, value in settings.items()},
    }


def migrate(environment: dict[str, str]) -> None:
    """`flask db upgrade` on the worker's database."""
    subprocess.run([*FLASK, "db", "upgrade"], cwd=ROOT, env=environment, check=True)


def start_worker(environment: dict[str, str], log: Path) -> subprocess.Popen:
    """One `flask tasks worker -w 1`, its output appended to `log`."""
    with log.open("ab") as output:
        return subprocess.Popen(
            [*FLASK, "tasks", "worker", "-w", "1"],
            cwd=ROOT,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
