"""The one Huey instance, and how an app configures its storage.

TASKS_URL (instance config or SAMVERKAN_TASKS_URL):
- unset, with a SQLite DATABASE_URL: SqliteHuey's storage in `instance/tasks.db` (one
  machine: web and worker share the instance folder);
- unset, with a PostgreSQL DATABASE_URL: the queue lives in that same database (tables
  `huey_kv`, `huey_schedule`, `huey_task`, `huey_counter`, same connection options), so
  workers on several machines share it with no extra setting;
- `sqlite:////path/tasks.db`: that file;
- `redis://host:6379/0` (or `rediss://`): Redis (the pinned `redis` package);
- `postgresql://…` (also `postgres://`, `postgresql+psycopg://…`): Huey's SQL storage
  (peewee) in that database, through psycopg 3 (the app's own driver).
TASKS_IMMEDIATE runs each task at once in the process that enqueues it (the unit tests).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask, current_app, has_app_context
from huey import Huey
from huey.contrib.sql_huey import BytesBlobField, SqlStorage
from huey.storage import BaseStorage, MemoryStorage, RedisStorage, SqliteStorage
from peewee import (
    CharField,
    CompositeKey,
    FloatField,
    IntegerField,
    Model,
    PostgresqlDatabase,
    TimestampField,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from app.config import ConfigurationError

QUEUE_NAME = "samverkan"
POSTGRES_SCHEMES = ("postgresql://", "postgres://", "postgresql+psycopg://")
#: pg_advisory_xact_lock key while the queue's tables are created (web and workers start
#: together, and two CREATE TABLE IF NOT EXISTS at once can collide on PostgreSQL).
CREATE_TABLES_LOCK = 0x5A4D5645

#: Until an app configures it (`configure_tasks`, called by the factory), the queue keeps
#: tasks in memory; every enqueue in the product happens inside an app.
huey = Huey(QUEUE_NAME, results=False, utc=True, storage_class=MemoryStorage)

_worker_app: Flask | None = None


#: The queue's tables in a PostgreSQL database (the app's own when TASKS_URL is unset). They
#: hold work in flight, not the record: `flask backup` leaves them out, and a restore leaves
#: them as they are (as the SQLite queue's tasks.db beside the database).
TABLE_PREFIX = "huey_"


def _table_name(model: type) -> str:
    return TABLE_PREFIX + model.__name__.lower()


class PostgresStorage(SqlStorage):
    """Huey's SQL storage with its tables named `huey_*` (they may share the app's
    database), created under an advisory lock on first use (an app that is only configured
    does not connect, like SQLAlchemy)."""

    tables_ready = False

    def __init__(self, name: str, database: PostgresqlDatabase) -> None:
        super().__init__(name, database=database, create_tables=False)

    def check_conn(self) -> None:
        super().check_conn()
        if not self.tables_ready:
            self.create_tables()
            self.tables_ready = True

    def create_models(self) -> Any:
        # Huey's own models (huey/contrib/sql_huey.py, 3.5.4), with a table_function.
        class Base(Model):
            class Meta:
                database = self.database
                table_function = _table_name

        class KV(Base):
            queue = CharField()
            key = CharField()
            value = BytesBlobField()

            class Meta:
                primary_key = CompositeKey("queue", "key")

        class Schedule(Base):
            queue = CharField()
            data = BytesBlobField()
            timestamp = TimestampField(resolution=1000)

            class Meta:
                indexes = ((("queue", "timestamp"), False),)

        class Task(Base):
            queue = CharField()
            data = BytesBlobField()
            priority = FloatField(default=0.0)

        Task.add_index(Task.priority.desc(), Task.id)

        class Counter(Base):
            queue = CharField()
            key = CharField()
            value = IntegerField()

            class Meta:
                primary_key = CompositeKey("queue", "key")

        return (KV, Schedule, Task, Counter)

    def create_tables(self) -> None:
        with self.database.atomic():
            self.database.execute_sql("SELECT pg_advisory_xact_lock(%s)", (CREATE_TABLES_LOCK,))
            self.database.create_tables([self.KV, self.Schedule, self.Task, self.Counter])


def postgres_storage(url: str, connect_args: dict[str, Any] | None = None) -> PostgresStorage:
    """Huey's SQL storage on the PostgreSQL database `url` names (any spelling the app
    accepts for DATABASE_URL), through psycopg 3; `connect_args` as SQLAlchemy's."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ConfigurationError("TASKS_URL is not a database URL") from None
    if parsed.get_backend_name() != "postgresql" or parsed.get_driver_name() not in {
        "psycopg",
        "psycopg2",  # SQLAlchemy's name for a plain postgresql://; we connect with psycopg 3
    }:
        raise ConfigurationError("TASKS_URL: only PostgreSQL through psycopg is supported")
    options: dict[str, Any] = {
        key: value[-1] if isinstance(value, tuple) else value for key, value in parsed.query.items()
    }
    options.update(connect_args or {})
    database = PostgresqlDatabase(
        parsed.database,
        user=parsed.username,
        password=parsed.password,
        host=parsed.host,
        port=parsed.port,
        prefer_psycopg3=True,
        **options,
    )
    return PostgresStorage(QUEUE_NAME, database=database)


def storage_for(
    url: str | None,
    instance_path: str,
    *,
    database_url: str | None = None,
    connect_args: dict[str, Any] | None = None,
) -> BaseStorage:
    """The storage TASKS_URL names (unset: see the module's docstring); ConfigurationError
    for a URL it cannot use. `database_url`/`connect_args`: the app's own database."""
    if not url:
        if database_url and database_url.startswith(POSTGRES_SCHEMES):
            return postgres_storage(database_url, connect_args)
        return SqliteStorage(QUEUE_NAME, filename=str(Path(instance_path) / "tasks.db"))
    if url.startswith("sqlite:///"):
        return SqliteStorage(QUEUE_NAME, filename=url.removeprefix("sqlite:///"))
    if url.startswith(("redis://", "rediss://")):
        return RedisStorage(QUEUE_NAME, url=url)
    if url.startswith(POSTGRES_SCHEMES):
        return postgres_storage(url)
    raise ConfigurationError("TASKS_URL must be unset, sqlite:///…, redis://… or postgresql://…")


def configure_tasks(app: Flask) -> None:
    """Point the queue at the storage the app's config names (or run tasks immediately)."""
    immediate = bool(app.config.get("TASKS_IMMEDIATE"))
    if huey.immediate != immediate:
        # Huey replaces its storage when the mode flips, without closing it: a SQL storage's
        # connection would be left to the garbage collector.
        huey.storage.close()
    huey.immediate = immediate
    if not immediate:
        engine_options = app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {}
        previous = huey.storage
        huey.storage = storage_for(
            app.config.get("TASKS_URL"),
            app.instance_path,
            database_url=app.config.get("SQLALCHEMY_DATABASE_URI"),
            connect_args=engine_options.get("connect_args"),
        )
        previous.close()  # a replaced SQL storage's connection


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
