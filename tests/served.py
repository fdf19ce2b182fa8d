"""The app served by gunicorn on 127.0.0.1 for the tests that need a real server (the
browser tests, the session warning, the hostile route walk): a fresh database (a SQLite file,
or a schema of its own when TEST_DATABASE_URL is set) with the reference data and a test
world loaded, waited for on /healthz, stopped and dropped afterwards."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url(directory: Path) -> tuple[str, str | None]:
    """A fresh database: a SQLite file, or a new schema when TEST_DATABASE_URL is set."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        return f"sqlite:///{directory / 'e2e.db'}", None
    from sqlalchemy import create_engine, text

    from .conftest import keep_trigram_extension_in_public

    schema = f"e2e_{uuid.uuid4().hex[:10]}"
    engine = create_engine(base)
    with engine.begin() as connection:
        # pg_trgm in public first: else two migrations at once race to create it, and the
        # schema that got it would take it along when dropped.
        keep_trigram_extension_in_public(connection)
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    return f"{base}?options=-csearch_path%3D{schema}", schema


def drop_schema(schema: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(os.environ["TEST_DATABASE_URL"])
    with engine.begin() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    engine.dispose()


@dataclass(frozen=True)
class Served:
    port: int
    log: Path  # gunicorn's output
    database: str = ""  # its DATABASE_URL, for a CLI run beside it

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@contextmanager
def served_app(
    *,
    world: str,
    prefix: str,
    env: dict[str, str] | None = None,
    gunicorn: tuple[str, ...] = (),
    start_seconds: float = 30,
) -> Iterator[Served]:
    """Gunicorn (two workers) serving the app with `world` (a module run with -m) loaded."""
    directory = Path(tempfile.mkdtemp(prefix=prefix))
    url, schema = database_url(directory)
    served = Served(free_port(), directory / "gunicorn.log", url)
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(directory),
        "LANG": "C.UTF-8",
        "DATABASE_URL": url,
        "SECRET_KEY": prefix + uuid.uuid4().hex,
        "SAMVERKAN_INSTANCE_PATH": str(directory / "instance"),
        "PYTHONPATH": str(ROOT),
        **(env or {}),
    }
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    for step in (["db", "upgrade"], ["seed"]):
        subprocess.run([*flask, *step], cwd=ROOT, env=environment, check=True, capture_output=True)
    world_run = [sys.executable, "-m", world]
    subprocess.run(world_run, cwd=ROOT, env=environment, check=True, capture_output=True)
    log = served.log.open("wb")
    command = [sys.executable, "-m", "gunicorn", "-w", "2", *gunicorn]
    process = subprocess.Popen(
        [*command, "-b", f"127.0.0.1:{served.port}", "wsgi:app"],
        cwd=ROOT,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + start_seconds
        while True:
            try:
                with urllib.request.urlopen(served.base + "/healthz", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    raise RuntimeError(
                        "gunicorn did not start:\n" + served.log.read_text()
                    ) from None
                time.sleep(0.2)
        yield served
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()
        if schema:
            drop_schema(schema)
