"""The one Huey instance, and how an app configures its storage.

TASKS_URL (instance config or SAMVERKAN_TASKS_URL):
- unset: SqliteHuey's storage in `instance/tasks.db` (one machine: web and worker share the
  instance folder);
- `sqlite:////path/tasks.db`: that file;
- `redis://host:6379/0` (or `rediss://`): Redis, for workers on several machines (needs the
  `redis` package);
- `postgresql://user:password@host/db`: Huey's SQL storage in that database, for workers on
  several machines without Redis (needs the `peewee` and `psycopg2-binary` packages).
TASKS_IMMEDIATE runs each task at once in the process that enqueues it (the unit tests).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask, current_app, has_app_context
from huey import Huey
from huey.storage import BaseStorage, MemoryStorage, SqliteStorage

from app.config import ConfigurationError

QUEUE_NAME = "samverkan"

#: Until an app configures it (`configure_tasks`, called by the factory), the queue keeps
#: tasks in memory; every enqueue in the product happens inside an app.
huey = Huey(QUEUE_NAME, results=False, utc=True, storage_class=MemoryStorage)

_worker_app: Flask | None = None


def storage_for(url: str | None, instance_path: str) -> BaseStorage:
    """The storage TASKS_URL names; ConfigurationError for a URL it cannot use."""
    if not url:
        return SqliteStorage(QUEUE_NAME, filename=str(Path(instance_path) / "tasks.db"))
    if url.startswith("sqlite:///"):
        return SqliteStorage(QUEUE_NAME, filename=url.removeprefix("sqlite:///"))
    if url.startswith(("redis://", "rediss://")):
        try:
            from huey.storage import RedisStorage

            return RedisStorage(QUEUE_NAME, url=url)
        except ImportError as error:  # pragma: no cover - depends on what is installed
            raise ConfigurationError(
                "TASKS_URL names Redis: install the redis package (pip install redis)"
            ) from error
    if url.startswith(("postgresql://", "postgres://", "mysql://")):
        try:
            from huey.contrib.sql_huey import SqlStorage
        except ImportError as error:
            raise ConfigurationError(
                "TASKS_URL names a SQL database: install peewee and psycopg2-binary "
                "(pip install peewee psycopg2-binary)"
            ) from error
        return SqlStorage(QUEUE_NAME, database=url)  # pragma: no cover - needs peewee
    raise ConfigurationError("TASKS_URL must be unset, sqlite:///…, redis://… or postgresql://…")


def configure_tasks(app: Flask) -> None:
    """Point the queue at the storage the app's config names (or run tasks immediately)."""
    immediate = bool(app.config.get("TASKS_IMMEDIATE"))
    huey.immediate = immediate
    if not immediate:
        huey.storage = storage_for(app.config.get("TASKS_URL"), app.instance_path)


def bind_worker_app(app: Flask) -> None:
    """The app a worker process runs its tasks in (`flask tasks worker` binds its own)."""
    global _worker_app
    _worker_app = app


def task_app() -> Any:
    """The app a task runs in: the current one (a task run immediately, or a CLI command),
    else the worker's."""
    if has_app_context():
        return current_app._get_current_object()  # type: ignore[attr-defined]
    if _worker_app is None:
        raise RuntimeError("no app: start workers with `flask tasks worker`")
    return _worker_app
