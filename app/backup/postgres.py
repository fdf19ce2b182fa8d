"""PostgreSQL: pg_dump and pg_restore, limited to the app's schema when it sets one."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from sqlalchemy import URL

from app.tasks.queue import TABLE_PREFIX as QUEUE_TABLE_PREFIX

from .base import BackupError, BackupSummary


@dataclass(frozen=True)
class PostgresTarget:
    """How the client tools reach the database: a libpq URL without the password (it goes
    in PGPASSWORD, out of the process list), environment, and the search_path's schema."""

    url: str
    env: dict[str, str] = field(repr=False)  # holds PGPASSWORD
    schema: str | None = None


SEARCH_PATH = re.compile(r"(?:^|\s)(?:-c\s*|--)search_path\s*=\s*(\S+)")


def search_path_schema(options: str) -> str | None:
    """The first schema of a `-csearch_path=a,b` in libpq options; tables are created there."""
    match = SEARCH_PATH.search(options)
    if not match:
        return None
    for name in match.group(1).split(","):
        name = name.strip().strip('"')
        if name and name != "$user":
            return name
    return None


def postgres_target(url: URL, connect_options: str | None) -> PostgresTarget:
    """Turn "postgresql+psycopg://user:pw@host:port/db?options=…" into what libpq reads."""
    query = dict(url.query)
    options = [connect_options] if connect_options else []
    from_url = query.pop("options", None)
    if from_url:
        options[:0] = [from_url] if isinstance(from_url, str) else list(from_url)
    env = dict(os.environ)
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    if options:
        env["PGOPTIONS"] = " ".join(options)
    libpq_url = URL.create(
        "postgresql",
        username=url.username,
        host=url.host,
        port=url.port,
        database=url.database,
        query=query,
    ).render_as_string(hide_password=False)
    return PostgresTarget(libpq_url, env, search_path_schema(" ".join(options)))


def run_pg_tool(name: str, args: list[str], env: dict[str, str] | None = None) -> str:
    """Run pg_dump or pg_restore; return stdout, or raise BackupError with its first error."""
    executable = shutil.which(name, path=(env or os.environ).get("PATH"))
    if executable is None:
        raise BackupError(
            f"{name} was not found on PATH; install the PostgreSQL client tools "
            "(the server's major version or newer)."
        )
    result = subprocess.run(
        [executable, *args], env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        lines = [line.strip() for line in result.stderr.splitlines() if line.strip()]
        status = (
            f"crashed with signal {-result.returncode}"
            if result.returncode < 0
            else f"exit status {result.returncode}"
        )
        errors = [line for line in lines if ": error:" in line] or lines or [status]
        raise BackupError(f"{name} failed: {errors[0].removeprefix(f'{name}: error: ')}")
    return result.stdout


def dump_postgres(target: PostgresTarget, path: Path) -> None:
    """The app's tables, without the task queue's (work in flight, not the record)."""
    args = ["--format=custom", "--no-owner", f"--file={path}"]
    if target.schema:
        args.append(f"--schema={target.schema}")
    args.append(f"--exclude-table={QUEUE_TABLE_PREFIX}*")
    run_pg_tool("pg_dump", [*args, f"--dbname={target.url}"], target.env)


TOC_TABLE = re.compile(r"^\d+;\s+\d+\s+\d+\s+TABLE\s+(?!DATA\s)(\S+)\s+(\S+)\s", re.MULTILINE)


def inspect_postgres_backup(
    path: Path, *, require_revision: bool, schema: str | None = None
) -> BackupSummary:
    """Read the archive's table of contents and every data block (the integrity check),
    and the Alembic revision; with `schema`, alembic_version must be in that schema."""
    try:
        listing = run_pg_tool("pg_restore", ["--list", str(path)])
    except BackupError as error:
        if "not found on PATH" in str(error):
            raise
        reason = str(error).removeprefix("pg_restore failed: ")
        with path.open("rb") as file:
            if file.read(5) == b"PGDMP":  # the custom format's signature
                raise BackupError(f"{path} is damaged: {reason}") from None
        raise BackupError(
            f"{path} is not a PostgreSQL backup (pg_dump custom format): {reason}"
        ) from None
    tables = TOC_TABLE.findall(listing)
    try:
        run_pg_tool("pg_restore", [f"--file={os.devnull}", str(path)])
    except BackupError as error:
        reason = str(error).removeprefix("pg_restore failed: ")
        raise BackupError(f"{path} is damaged: {reason}") from None
    version_schemas = [s for s, name in tables if name == "alembic_version"]
    revision = None
    if version_schemas:
        sql = run_pg_tool(
            "pg_restore",
            [
                "--data-only",
                f"--schema={version_schemas[0]}",
                "--table=alembic_version",
                "--file=-",
                str(path),
            ],
        )
        data = re.search(r"^COPY .*alembic_version .*FROM stdin;\n(.*?)^\\\.$", sql, re.M | re.S)
        revision = data.group(1).split()[0] if data and data.group(1).strip() else None
    if require_revision and revision is None:
        raise BackupError(f"{path} is not a Samverkan backup: it has no alembic_version table.")
    if schema is not None and version_schemas and version_schemas[0] != schema:
        raise BackupError(
            f"{path} holds schema {version_schemas[0]}, but this app uses schema {schema}."
        )
    return BackupSummary(path, path.stat().st_size, len(tables), None, revision)


TOC_SCHEMA = re.compile(r"^\d+;\s+\d+\s+\d+\s+SCHEMA\s+-\s+(\S+)\s", re.MULTILINE)


def schema_exists(target: PostgresTarget, schema: str) -> bool:
    password = target.env.get("PGPASSWORD")
    with psycopg.connect(target.url, password=password) as connection:
        row = connection.execute(
            "SELECT 1 FROM pg_namespace WHERE nspname = %s", (schema,)
        ).fetchone()
    return row is not None


def restore_list(target: PostgresTarget, path: Path) -> str | None:
    """The dump's table of contents without the app's schema itself when that schema exists.

    A schema-limited dump holds its schema, and `--clean` would drop it; that fails when
    something the dump does not hold lives in it (pg_trgm, created where the search_path
    pointed). The schema is kept and its tables are replaced instead."""
    toc = run_pg_tool("pg_restore", ["--list", str(path)], target.env)
    schemas = TOC_SCHEMA.findall(toc)
    keep = [name for name in schemas if schema_exists(target, name)]
    if not keep:
        return None
    return "\n".join(
        line
        for line in toc.splitlines()
        if not any(re.search(rf"\sSCHEMA\s+-\s+{re.escape(name)}\s", line) for name in keep)
    )


def restore_postgres(target: PostgresTarget, path: Path) -> None:
    try:
        listing = restore_list(target, path)
        with tempfile.TemporaryDirectory() as folder:
            args = [
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--exit-on-error",
                f"--dbname={target.url}",
            ]
            if listing is not None:
                list_file = Path(folder) / "restore.list"
                list_file.write_text(listing + "\n", encoding="utf-8")
                args.append(f"--use-list={list_file}")
            run_pg_tool("pg_restore", [*args, str(path)], target.env)
    except BackupError as error:
        raise BackupError(
            f"{error} The restore was rolled back; nothing changed. (If the database has "
            "tables the backup lacks, restore into an empty database.)"
        ) from None


# --- commands ----------------------------------------------------------------------------------
