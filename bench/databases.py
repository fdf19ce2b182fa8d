"""Demo databases for the benchmark: built once per scale, cached, copied for every run.

A database is built with the app's own commands (`flask db upgrade`, `flask seed`,
`flask demo --scale N --seed 1`) and cached under a key: a hash of the demo generator and
the reference data it starts from, the scale and the seed. A generator change rebuilds it; a
schema change migrates the cached database (`flask db upgrade`, then the maintained figures
if a migration left them empty), as production's would be; anything else reuses it. Each
run works on a fresh copy, so the import's writes never reach the cache.

- SQLite: `instance/bench/scale-N.sqlite` (+ `scale-N.json` with the key and build time);
  the run's copy is `instance/bench/run/scale-N.sqlite`.
- PostgreSQL (when DATABASE_URL points there): database `samverkan_bench_N`, its key kept
  as the database's COMMENT; each run copies it with `CREATE DATABASE … TEMPLATE`. Only the
  server and credentials of DATABASE_URL are used (administration goes through the
  `postgres` database); the database it names is never touched, nor is any database
  outside the `samverkan_bench_` prefix.

The demo data is relative to the day it was built (meetings before it are held, after it
planned); the build day is recorded and reported. `--rebuild` forces a fresh build.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import make_url

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "instance" / "bench"
FLASK = [sys.executable, "-m", "flask", "--app", "wsgi"]
#: Seed of the demo data; the same seed (and build day) gives the same data.
SEED = 1
#: Password of the demo team in the bench databases (they hold synthetic data only).
PASSWORD = "bench-password-0123"
#: Files whose content decides the demo data, besides the migrations.
GENERATOR_SOURCES = ("app/demo/*.py", "app/organisations/reference.py", "app/data/*")
PG_PREFIX = "samverkan_bench_"


@dataclass
class Database:
    """One scale's database for this run: where it is, and how its cached original was made."""

    scale: float
    url: str  # the run's copy (SQLAlchemy URL)
    built_on: str  # the day the demo data treats as today
    build_seconds: float | None  # set when this run built it
    summary: str  # the line `flask demo` printed
    key: str  # the cache key it was built under (schema heads, generator hash, scale, seed)


def label(scale: float) -> str:
    """ "1", "100", "0.1": for file and database names."""
    return f"{scale:g}".replace(".", "_")


def heads() -> str:
    """The Alembic head(s) the code expects."""
    from alembic.script import ScriptDirectory

    return "+".join(sorted(ScriptDirectory(str(ROOT / "migrations")).get_heads()))


def cache_key(scale: float) -> str:
    """What decides the demo data: a hash of the generator's sources, the scale and the
    seed. The schema is not part of it: a cached database whose schema is behind is brought
    up to date with the migrations, as production's would be (`upgrade`)."""
    digest = hashlib.sha256()
    for pattern in GENERATOR_SOURCES:
        for path in sorted(ROOT.glob(pattern)):
            digest.update(path.relative_to(ROOT).as_posix().encode())
            digest.update(path.read_bytes())
    return f"source={digest.hexdigest()[:16]} scale={scale:g} seed={SEED}"


def upgrade(url: str, meta: dict, *, env: dict[str, str], log: Path) -> bool:
    """Migrate a cached database built under older migrations (and fill maintained figures
    a migration left empty); True when it changed."""
    if meta.get("heads") == heads():
        return False
    env = {**env, "DATABASE_URL": url}
    print(f"  upgrading the cached database to {heads()} …", flush=True)
    run_flask(["db", "upgrade"], env=env, log=log)
    run_flask(["aggregates", "rebuild", "--if-missing"], env=env, log=log)
    meta["heads"] = heads()
    return True


def run_flask(args: list[str], *, env: dict[str, str], log: Path) -> str:
    """Run one `flask --app wsgi …` command against env's DATABASE_URL; return its output."""
    started = time.perf_counter()
    result = subprocess.run(
        FLASK + args, cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - started
    with log.open("a") as handle:
        handle.write(f"$ flask {' '.join(args)}  ({seconds:.1f} s, exit {result.returncode})\n")
        handle.write(result.stdout + result.stderr + "\n")
    if result.returncode != 0:
        tail = (result.stderr or result.stdout).strip().splitlines()[-15:]
        raise RuntimeError(f"flask {' '.join(args)} failed (see {log}):\n" + "\n".join(tail))
    return result.stdout


def build(url: str, scale: float, *, env: dict[str, str], log: Path) -> tuple[str, float]:
    """Migrate, seed and fill the empty database at `url`; return (demo summary, seconds)."""
    env = {**env, "DATABASE_URL": url, "SAMVERKAN_PASSWORD": PASSWORD}
    started = time.perf_counter()
    print(f"  building scale {scale:g} (log: {log.relative_to(ROOT)}) …", flush=True)
    run_flask(["db", "upgrade"], env=env, log=log)
    run_flask(["seed"], env=env, log=log)
    output = run_flask(["demo", "--scale", f"{scale:g}", "--seed", str(SEED)], env=env, log=log)
    summary = next((line for line in output.splitlines() if line.startswith("Demo data")), "")
    seconds = time.perf_counter() - started
    print(f"  built scale {scale:g} in {seconds:.0f} s: {summary}", flush=True)
    return summary, seconds


# --- SQLite ------------------------------------------------------------------------------


def sqlite_database(scale: float, *, env: dict[str, str], rebuild: bool) -> Database:
    """The cached SQLite file for `scale` (built if missing or stale), copied for this run."""
    CACHE.mkdir(parents=True, exist_ok=True)
    name = f"scale-{label(scale)}"
    cached, meta_path = CACHE / f"{name}.sqlite", CACHE / f"{name}.json"
    key = cache_key(scale)
    meta = json.loads(meta_path.read_text()) if meta_path.exists() else {}
    build_seconds = None
    if rebuild or not cached.exists() or meta.get("key") != key:
        building = CACHE / f"{name}.building.sqlite"
        remove_sqlite(building)
        log = CACHE / f"{name}.build.log"
        log.write_text(f"{key}\n")
        # Before the build: a migration added while it runs is not in the database.
        built_heads = heads()
        summary, build_seconds = build(f"sqlite:///{building}", scale, env=env, log=log)
        # One self-contained file: fold the WAL in, so a plain copy is complete.
        connection = sqlite3.connect(building)
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.execute("PRAGMA journal_mode = DELETE")
        connection.close()
        remove_sqlite(cached)
        os.replace(building, cached)
        meta = {
            "key": key,
            "heads": built_heads,
            "built_on": date.today().isoformat(),
            "build_seconds": round(build_seconds, 1),
            "summary": summary,
        }
        meta_path.write_text(json.dumps(meta, indent=2) + "\n")
    log = CACHE / f"{name}.build.log"
    if upgrade(f"sqlite:///{cached}", meta, env=env, log=log):
        connection = sqlite3.connect(cached)
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.execute("PRAGMA journal_mode = DELETE")
        connection.close()
        meta_path.write_text(json.dumps(meta, indent=2) + "\n")
    run_dir = CACHE / "run"
    run_dir.mkdir(exist_ok=True)
    copy = run_dir / f"{name}.sqlite"
    remove_sqlite(copy)
    shutil.copyfile(cached, copy)
    return Database(
        scale, f"sqlite:///{copy}", meta["built_on"], build_seconds, meta["summary"], key
    )


def remove_sqlite(path: Path) -> None:
    """Delete an SQLite file with its WAL and shared-memory files."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


# --- PostgreSQL --------------------------------------------------------------------------


def is_postgres(url: str | None) -> bool:
    return bool(url) and make_url(url).get_backend_name() == "postgresql"


def pg_url(server_url: str, database: str) -> str:
    """`server_url` pointing at `database`, spelled for psycopg 3."""
    url = make_url(server_url).set(drivername="postgresql+psycopg", database=database)
    return url.render_as_string(hide_password=False)


def _pg_admin(server_url: str):
    """An autocommit psycopg connection to the server's `postgres` database."""
    import psycopg

    url = make_url(server_url)
    return psycopg.connect(
        host=url.host or "127.0.0.1",
        port=url.port or 5432,
        user=url.username,
        password=url.password,
        dbname="postgres",
        autocommit=True,
    )


def _pg_name(name: str) -> str:
    """Quote-free identifier check: only our own prefix is ever created or dropped."""
    if not re.fullmatch(PG_PREFIX + r"[a-z0-9_]+", name):
        raise ValueError(f"refusing to manage database {name!r}")
    return name


def _pg_drop(admin, name: str) -> None:
    admin.execute(f"DROP DATABASE IF EXISTS {_pg_name(name)} WITH (FORCE)")


def _pg_comment(admin, name: str) -> str | None:
    row = admin.execute(
        "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
        (name,),
    ).fetchone()
    return None if row is None else (row[0] or "")


def postgres_database(
    scale: float, *, server_url: str, env: dict[str, str], rebuild: bool
) -> Database:
    """The cached PostgreSQL database for `scale` (built if missing or stale), copied."""
    CACHE.mkdir(parents=True, exist_ok=True)
    name = f"{PG_PREFIX}{label(scale)}"
    key = cache_key(scale)
    build_seconds = None
    with _pg_admin(server_url) as admin:
        comment = _pg_comment(admin, name)
        meta = json.loads(comment) if comment and comment.startswith("{") else {}
        if rebuild or meta.get("key") != key:
            building = f"{name}_building"
            _pg_drop(admin, building)
            admin.execute(f"CREATE DATABASE {_pg_name(building)}")
            log = CACHE / f"pg-scale-{label(scale)}.build.log"
            log.write_text(f"{key}\n")
            built_heads = heads()  # before the build, as for SQLite
            summary, build_seconds = build(pg_url(server_url, building), scale, env=env, log=log)
            # Statistics, as autovacuum would have them after a while in production.
            import psycopg

            with psycopg.connect(
                pg_url(server_url, building).replace("+psycopg", ""), autocommit=True
            ) as target:
                target.execute("VACUUM ANALYZE")
            _pg_drop(admin, name)
            admin.execute(f"ALTER DATABASE {_pg_name(building)} RENAME TO {_pg_name(name)}")
            meta = {
                "key": key,
                "heads": built_heads,
                "built_on": date.today().isoformat(),
                "build_seconds": round(build_seconds, 1),
                "summary": summary,
            }
            literal = json.dumps(meta).replace("'", "''")
            admin.execute(f"COMMENT ON DATABASE {_pg_name(name)} IS '{literal}'")
        log = CACHE / f"pg-scale-{label(scale)}.build.log"
        if upgrade(pg_url(server_url, name), meta, env=env, log=log):
            literal = json.dumps(meta).replace("'", "''")
            admin.execute(f"COMMENT ON DATABASE {_pg_name(name)} IS '{literal}'")
        copy = f"{name}_run"
        _pg_drop(admin, copy)
        admin.execute(f"CREATE DATABASE {_pg_name(copy)} TEMPLATE {_pg_name(name)}")
    return Database(
        scale, pg_url(server_url, copy), meta["built_on"], build_seconds, meta["summary"], key
    )


# --- Either ------------------------------------------------------------------------------


def prepare(
    scale: float, *, server_url: str | None, env: dict[str, str], rebuild: bool
) -> Database:
    """This run's copy of the database for `scale`, on PostgreSQL if `server_url` is one."""
    if is_postgres(server_url):
        assert server_url is not None
        return postgres_database(scale, server_url=server_url, env=env, rebuild=rebuild)
    return sqlite_database(scale, env=env, rebuild=rebuild)


def discard(database: Database, *, server_url: str | None) -> None:
    """Delete this run's copy (the cached original stays)."""
    url = make_url(database.url)
    if url.get_backend_name() == "sqlite":
        remove_sqlite(Path(url.database or ""))
        return
    assert server_url is not None
    with _pg_admin(server_url) as admin:
        _pg_drop(admin, url.database or "")
