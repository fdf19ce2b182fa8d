"""Fixtures: an app on a fresh database per test, a client, and login helpers.

SQLite (default): a new database file per test.
PostgreSQL (TEST_DATABASE_URL set): each xdist worker gets its own schema in that database,
created at start, emptied after every test and dropped at the end, so the database is left
as it was found.
"""

from __future__ import annotations

import functools
import os
import shutil
import tempfile
import uuid
import weakref
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import werkzeug.utils
from flask import Flask
from flask.testing import FlaskClient
from jinja2 import MemcachedBytecodeCache
from sqlalchemy import create_engine, literal, make_url, select, text
from sqlalchemy.events import ConnectionEvents, PoolEvents

from app import create_app
from app.extensions import db

from .factories import DEFAULT_PASSWORD

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")


class _TemplateCodeStore:
    """A dict with the get/set a Jinja MemcachedBytecodeCache asks of its client."""

    def __init__(self) -> None:
        self.code: dict[str, bytes] = {}

    def get(self, key: str) -> bytes | None:
        return self.code.get(key)

    def set(self, key: str, value: bytes, timeout: int | None = None) -> None:
        self.code[key] = value


def pytest_configure(config: pytest.Config) -> None:
    """Keep the developer's environment and instance folder out of the tests.

    Every test builds its own app, and each app's Jinja environment would compile every
    template it renders again (a fifth of the suite's time): the apps of this process share
    the compiled templates through Jinja's bytecode cache, keyed by name and source."""
    Flask.jinja_options = {
        **Flask.jinja_options,
        "bytecode_cache": MemcachedBytecodeCache(_TemplateCodeStore()),
    }
    for key in list(os.environ):
        if key in {"DATABASE_URL", "SECRET_KEY", "TRUSTED_HOSTS"} or key.startswith("SAMVERKAN_"):
            del os.environ[key]
    os.environ["SAMVERKAN_INSTANCE_PATH"] = tempfile.mkdtemp(prefix="samverkan-instance-")
    if TEST_DATABASE_URL and not hasattr(config, "workerinput"):
        ensure_test_database(TEST_DATABASE_URL)


def ensure_test_database(url: str) -> None:
    """Create the PostgreSQL test database when a fresh server does not have it yet (once, in
    the controlling process, before the xdist workers connect)."""
    target = make_url(url)
    name = target.database
    server = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as connection:
            exists = connection.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
            ).scalar()
            if not exists:
                quoted = connection.dialect.identifier_preparer.quote(name)
                connection.execute(text(f"CREATE DATABASE {quoted}"))
    finally:
        server.dispose()


def postgres_options(schema: str) -> dict[str, Any]:
    """Engine options that put every connection in `schema`."""
    return {"connect_args": {"options": f"-csearch_path={schema}"}}


def keep_trigram_extension_in_public(connection: Any) -> None:
    """pg_trgm once per database, in public: created by a worker's migration it would live in
    that worker's schema, and dropping the schema at the end would take the extension (and the
    other workers' trigram indexes) with it."""
    connection.execute(text("SELECT pg_advisory_xact_lock(8202612)"))
    where = connection.execute(
        text(
            "SELECT n.nspname FROM pg_extension e "
            "JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'"
        )
    ).scalar()
    if where is None:
        connection.execute(text("CREATE EXTENSION pg_trgm SCHEMA public"))
    elif where != "public":
        connection.execute(text("ALTER EXTENSION pg_trgm SET SCHEMA public"))


@pytest.fixture(scope="session")
def postgres_schema(worker_id: str) -> Iterator[str | None]:
    """A private schema for this worker on PostgreSQL; None on SQLite."""
    if not TEST_DATABASE_URL:
        yield None
        return
    schema = f"test_{worker_id}_{uuid.uuid4().hex[:8]}"
    engine = create_engine(TEST_DATABASE_URL)
    with engine.begin() as connection:
        keep_trigram_extension_in_public(connection)
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    app = create_app(
        {
            "SECRET_KEY": "test",
            "SQLALCHEMY_DATABASE_URI": TEST_DATABASE_URL,
            "SQLALCHEMY_ENGINE_OPTIONS": postgres_options(schema),
        }
    )
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    try:
        yield schema
    finally:
        with engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


def database_config(tmp_path: Any, schema: str | None, name: str = "test.db") -> dict[str, Any]:
    """SQLALCHEMY settings for a test database (a file under tmp_path, or the schema)."""
    if schema is None:
        return {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / name}",
            "SQLALCHEMY_ENGINE_OPTIONS": {},
        }
    return {
        "SQLALCHEMY_DATABASE_URI": TEST_DATABASE_URL,
        "SQLALCHEMY_ENGINE_OPTIONS": postgres_options(schema),
    }


def truncate_all() -> None:
    """Empty every table and restart every sequence (PostgreSQL, between tests).

    Only the tables that hold rows are emptied, children first, with DELETE: a test fills
    a few of the ninety, and TRUNCATE costs the server new files for each table and index
    (with CASCADE, for every table referring to one: all of them, 1-2 s a test). One
    statement finds the filled tables, one restarts the sequences of this schema."""
    tables = db.metadata.sorted_tables
    probes = " UNION ALL ".join(
        f"SELECT '{t.name}' WHERE EXISTS (SELECT 1 FROM \"{t.name}\")" for t in tables
    )
    filled = set(db.session.execute(text(probes)).scalars())
    for table in reversed(tables):
        if table.name in filled:
            db.session.execute(table.delete())
    db.session.execute(
        text(
            "SELECT setval(c.oid, 1, false) FROM pg_class c "
            "WHERE c.relkind = 'S' AND c.relnamespace = current_schema()::regnamespace"
        )
    )
    db.session.commit()


@pytest.fixture
def app_config(worker_directory: Path, postgres_schema: str | None) -> dict[str, Any]:
    """The test_config for create_app; tests may change it before using `app`. On SQLite
    the database is the same file for every test of a worker, made anew for each (`app`),
    so that the configuration, and with it the app, can be the same."""
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "WTF_CSRF_ENABLED": False,
        # Cheap hashing keeps the suite fast; test_password_hash_default checks production's.
        "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
        # Background tasks run at once in the test's process (tests/mailings also runs a
        # real worker process).
        "TASKS_IMMEDIATE": True,
        "MAILING_BATCH_PAUSE": 0,
        **database_config(worker_directory, postgres_schema, WORKER_DATABASE),
    }


#: The file name of each test's SQLite database, in `worker_directory`.
WORKER_DATABASE = "test.db"


@pytest.fixture(scope="session")
def worker_directory(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder of this worker's own for the test database."""
    return tmp_path_factory.mktemp("database")


@pytest.fixture(scope="session")
def sqlite_schema(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An SQLite file with the full schema and no rows, made once per worker: each test's
    database starts as a copy of it (a file copy instead of creating 90 tables each time)."""
    path = tmp_path_factory.mktemp("schema") / "schema.db"
    application = create_app(
        {"SECRET_KEY": "schema", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"}
    )
    with application.app_context():
        db.create_all()
        db.engine.dispose()  # the WAL is checkpointed into the file on the last close
    return path


def sqlite_file(uri: str) -> Path | None:
    """The file of an `sqlite:///path` URI (None for another database or in memory)."""
    url = make_url(uri)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database)


@pytest.fixture(scope="session")
def sqlite_seeded(sqlite_schema: Path) -> Path:
    """`sqlite_schema` with the reference registry loaded (the `seeded` fixture's data),
    made once per worker: 0.25 s less for each of the many tests that ask for it."""
    from app.organisations.reference import seed_reference_data

    path = sqlite_schema.with_name("seeded.db")
    shutil.copyfile(sqlite_schema, path)
    application = create_app(
        {"SECRET_KEY": "schema", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"}
    )
    with application.app_context():
        seed_reference_data()
        db.session.commit()
        db.engine.dispose()
    return path


#: Apps whose SQLite database was copied with the registry in it (`seeded` has nothing to do).
SEEDED_APPS: weakref.WeakSet[Flask] = weakref.WeakSet()


@dataclass
class _Pooled:
    """An app kept for the next tests of this worker with the same configuration, and what
    it looked like when made: a test that changed more than its config does not pass it on."""

    app: Flask
    config: dict[str, Any]
    shape: tuple[Any, ...]


#: Apps by configuration (this worker's): building one costs 0.1-0.2 s, mostly Werkzeug
#: compiling each of its 190 URL rules, and most tests use the same configuration.
_POOL: dict[str, _Pooled] = {}
#: A test that asks for one of these fixtures, or is marked `fresh_app`, adds routes or
#: handlers to its app (which Flask allows only before the first request): it gets a new one.
ALTERS_APP = {"error_app"}


#: Attributes an app makes on first use (jinja_env, logger, …): not a test's change.
LAZY_ATTRIBUTES = (functools.cached_property, werkzeug.utils.cached_property)


def _shape(application: Flask) -> tuple[Any, ...]:
    """What a test could change on an app besides its config, as comparable values."""
    environment = application.jinja_env
    lazy = {
        name
        for name in dir(type(application))
        if isinstance(getattr(type(application), name, None), LAZY_ATTRIBUTES)
    }
    return (
        sorted(
            (name, id(value))
            for name, value in vars(application).items()
            if name != "_got_first_request" and name not in lazy
        ),
        len(list(application.url_map.iter_rules())),
        len(application.view_functions),
        sum(len(v) for v in application.before_request_funcs.values()),
        sum(len(v) for v in application.after_request_funcs.values()),
        sum(len(v) for v in application.teardown_request_funcs.values()),
        sum(len(v) for v in application.template_context_processors.values()),
        sorted(application.error_handler_spec.get(None, {}).keys(), key=repr),
        sorted(application.extensions),
        len(environment.globals),
        len(environment.filters),
        len(environment.tests),
        _engine_listeners(application),
    )


def _engine_listeners(application: Flask) -> tuple[int, ...]:
    """How many listeners each event of the app's engines and pools has: a test that adds
    one ("PRAGMA query_only" on connect) must not pass it on."""
    with application.app_context():
        engines = list(db.engines.values())
    return tuple(
        len(getattr(target.dispatch, name))
        for engine in engines
        for target, events in ((engine, ConnectionEvents), (engine.pool, PoolEvents))
        for name in dir(events)
        if not name.startswith("_") and hasattr(target.dispatch, name)
    )


def _pool_key(config: dict[str, Any]) -> str:
    """The pool's key for a test configuration."""
    return repr(sorted((name, repr(value)) for name, value in config.items()))


def _pooled_app(config: dict[str, Any], *, reuse: bool) -> tuple[Flask, _Pooled | None]:
    """A new app for `config`, or this worker's pooled one (its task queue pointed back at
    it: another app made since may have moved the shared queue)."""
    pooled = _POOL.pop(_pool_key(config), None) if reuse else None
    if pooled is None:
        application = create_app(config)
        pooled = _Pooled(application, dict(application.config), _shape(application))
    else:
        from app.tasks.queue import configure_tasks

        configure_tasks(pooled.app)
    return pooled.app, (pooled if reuse else None)


def _release(pooled: _Pooled, config: dict[str, Any]) -> None:
    """Put the app back for the next test, its config as it was made, unless the test
    changed it in another way (a route added, an extension replaced, …)."""
    application = pooled.app
    application.config.clear()
    application.config.update(pooled.config)
    if _shape(application) == pooled.shape:
        _POOL[_pool_key(config)] = pooled


@pytest.fixture
def app(
    app_config: dict[str, Any], postgres_schema: str | None, request: pytest.FixtureRequest
) -> Iterator[Flask]:
    """An app on an empty database with the full schema. No app context is pushed.

    On SQLite the database is a copy of a file made once per worker (with the reference
    registry when the test asks for `seeded`, which then has nothing left to do). The app
    itself is this worker's app for the same configuration when a test before has left
    one unchanged (config restored after each test), else a new one."""
    path = sqlite_file(app_config["SQLALCHEMY_DATABASE_URI"])
    worker_database = request.getfixturevalue("worker_directory") / WORKER_DATABASE
    fresh = path is not None and (path == worker_database or not path.exists())
    with_registry = fresh and "seeded" in request.fixturenames
    if fresh:
        assert path is not None
        for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            stale.unlink(missing_ok=True)
        template = "sqlite_seeded" if with_registry else "sqlite_schema"
        shutil.copyfile(request.getfixturevalue(template), path)
    reuse = not ALTERS_APP.intersection(request.fixturenames) and not list(
        request.node.iter_markers("fresh_app")
    )
    application, pooled = _pooled_app(app_config, reuse=reuse)
    SEEDED_APPS.discard(application)
    if with_registry:
        SEEDED_APPS.add(application)
    if postgres_schema is None and not fresh:
        with application.app_context():
            db.create_all()
    yield application
    with application.app_context():
        db.session.remove()
        if postgres_schema is not None:
            truncate_all()
        db.engine.dispose()
    if pooled is not None:
        _release(pooled, app_config)


@pytest.fixture
def make_app(app_config: dict[str, Any], postgres_schema: str | None):
    """`make_app(**settings)`: one more app on the test database, with `settings` on top of
    the test configuration; its connections are closed after the test."""
    made: list[Flask] = []

    def make(**settings: Any) -> Flask:
        made.append(create_app({**app_config, **settings}))
        return made[-1]

    yield make
    for application in made:
        with application.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def ctx(app: Flask) -> Iterator[Flask]:
    """An app context for tests that call services directly."""
    with app.app_context():
        yield app
        db.session.rollback()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture(scope="session")
def postgres_registry(postgres_schema: str | None) -> dict[str, list[dict[str, Any]]]:
    """The rows loading the reference registry writes (counties, organisations), by table,
    read once per worker on PostgreSQL: `seeded` inserts them in two statements instead of
    loading the registry through the services again for each test."""
    from app.organisations.reference import seed_reference_data

    assert postgres_schema is not None
    application = create_app(
        {
            "SECRET_KEY": "schema",
            "SQLALCHEMY_DATABASE_URI": TEST_DATABASE_URL,
            "SQLALCHEMY_ENGINE_OPTIONS": postgres_options(postgres_schema),
        }
    )
    with application.app_context():
        seed_reference_data()
        db.session.commit()
        rows = {
            table.name: [dict(row._mapping) for row in db.session.execute(select(table))]
            for table in db.metadata.sorted_tables
        }
        truncate_all()
        db.engine.dispose()
    return {name: table_rows for name, table_rows in rows.items() if table_rows}


def insert_registry(registry: dict[str, list[dict[str, Any]]]) -> bool:
    """Insert `postgres_registry`'s rows into empty tables and move their id sequences past
    them; False (nothing done) if one of the tables already holds rows."""
    tables = [t for t in db.metadata.sorted_tables if t.name in registry]
    if any(db.session.scalar(select(literal(1)).select_from(t).limit(1)) for t in tables):
        return False
    for table in tables:
        db.session.execute(table.insert(), registry[table.name])
        if "id" in table.c:
            sequence = f"pg_get_serial_sequence('{table.name}', 'id')"
            db.session.execute(text(f'SELECT setval({sequence}, max(id)) FROM "{table.name}"'))
    db.session.commit()
    return True


@pytest.fixture
def seeded(app: Flask, postgres_schema: str | None, request: pytest.FixtureRequest) -> Flask:
    """The app with the reference registry loaded: on SQLite its database was copied from
    `sqlite_seeded` (see `app`); on PostgreSQL the rows are inserted (`insert_registry`),
    or loaded through the services when a fixture before this one has made organisations."""
    if app in SEEDED_APPS:
        return app
    from app.organisations.reference import seed_reference_data

    with app.app_context():
        if postgres_schema is not None and insert_registry(
            request.getfixturevalue("postgres_registry")
        ):
            return app
        seed_reference_data()
        db.session.commit()
    return app


def login(client: FlaskClient, email: str, password: str = DEFAULT_PASSWORD, **extra: Any):
    """Log in through the form; returns the response."""
    return client.post("/logga-in", data={"email": email, "password": password, **extra})


@pytest.fixture
def users(app: Flask) -> dict[str, str]:
    """One user per role; maps role name to e-mail address."""
    from app.auth.models import Role

    from .factories import make_user

    with app.app_context():
        emails = {role.value: make_user(role=role).email for role in Role}
        db.session.commit()
    return emails


@pytest.fixture
def as_role(client: FlaskClient, users: dict[str, str]):
    """`as_role("reader")` logs the client in with that role and returns the client."""

    def log_in_as(role: str) -> FlaskClient:
        response = login(client, users[role])
        assert response.status_code == 302, response.text
        return client

    return log_in_as


class StatementCounter:
    """Counts the SQL statements the app's engine runs while active."""

    def __init__(self) -> None:
        self.statements: list[str] = []

    def __call__(self, _conn, _cursor, statement, *_args) -> None:
        if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK", "PRAGMA")):
            self.statements.append(statement)

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_statements(app: Flask):
    """`with count_statements() as counter: client.get(...)`, then `counter.count`."""
    from contextlib import contextmanager

    from sqlalchemy import event

    @contextmanager
    def counting():
        with app.app_context():
            engine = db.engine
        counter = StatementCounter()
        event.listen(engine, "before_cursor_execute", counter)
        try:
            yield counter
        finally:
            event.remove(engine, "before_cursor_execute", counter)

    return counting
