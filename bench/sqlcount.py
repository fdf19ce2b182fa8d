"""SQL statements per page, counted in-process with a SQLAlchemy event listener.

The app runs in this process on the same database, logged in through its login form with
the test client; each page is requested once to warm up and once counted. Transaction
control (BEGIN, COMMIT, ROLLBACK, SAVEPOINT) is not counted: SQLite issues BEGIN through
SQLAlchemy while psycopg does it implicitly, and the figure should mean the same on both.
Every statement of the counted request is kept with its duration, and the slow ones with
their query plan, for the SQL log (instance/bench/sql-<database>-scale-<N>.log).

Each page is counted twice: in steady state (the second request of the page in a row), and
right after a write (a held meeting logged through the new-meeting form, as the team does:
bench/team.py), so a figure kept until the next write cannot hide what the page costs then.
The steady requests also give an in-process render time (median of `RENDERS`), kept in the
results next to the served times.
"""

from __future__ import annotations

import random
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import event

from .client import CSRF_FIELD, Response
from .team import log_meeting

#: The host the served app answers to (TRUSTED_HOSTS), used by the test client too.
BASE_URL = "http://127.0.0.1/"
#: Statements slower than this get their query plan in the SQL log.
EXPLAIN_MS = 5.0
#: Uncached requests per page timed in-process (after the warm-up).
RENDERS = 3
CONTROL = re.compile(r"^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)\b", re.IGNORECASE)


@dataclass
class Statement:
    sql: str
    parameters: Any
    milliseconds: float
    plan: str = ""  # the database's query plan, for the slow ones


@dataclass
class PageQueries:
    """The statements one request of a page ran."""

    path: str
    status: int
    statements: list[Statement] = field(default_factory=list)
    render_ms: float = 0.0  # median uncached request time, in-process
    #: The statements of the first request of the page after a write.
    after_write: list[Statement] = field(default_factory=list)
    after_write_status: int = 0

    @property
    def count(self) -> int:
        return len(self.statements)

    @property
    def after_write_count(self) -> int:
        return len(self.after_write)

    @property
    def milliseconds(self) -> float:
        return sum(s.milliseconds for s in self.statements)


class Recorder:
    """Collects the statements the engine runs while `active`."""

    def __init__(self) -> None:
        self.active = False
        self.statements: list[Statement] = []
        self._started: list[float] = []

    def before(self, _conn, _cursor, statement, parameters, _context, _many) -> None:
        self._started.append(time.perf_counter())

    def after(self, _conn, _cursor, statement, parameters, _context, _many) -> None:
        began = self._started.pop() if self._started else time.perf_counter()
        if self.active and not CONTROL.match(statement):
            elapsed = (time.perf_counter() - began) * 1000
            self.statements.append(Statement(statement, parameters, elapsed))


def count_statements(
    app: Flask, pages: dict[str, str], *, email: str, password: str
) -> dict[str, PageQueries]:
    """For each page name → path: the statements of one request after a warm-up."""
    from app.extensions import db

    recorder = Recorder()
    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", recorder.before)
    event.listen(engine, "after_cursor_execute", recorder.after)
    try:
        client = app.test_client()
        form = client.get("/logga-in", base_url=BASE_URL).get_data(as_text=True)
        match = CSRF_FIELD.search(form)
        token = (match.group(1) or match.group(2)) if match else ""
        answer = client.post(
            "/logga-in",
            base_url=BASE_URL,
            data={"email": email, "password": password, "csrf_token": token},
        )
        if answer.status_code != 302:
            raise RuntimeError(f"in-process login failed: HTTP {answer.status_code}")
        results = {}
        for name, path in pages.items():
            client.get(path, base_url=BASE_URL)
            recorder.statements = []
            recorder.active = True
            started = time.perf_counter()
            response = client.get(path, base_url=BASE_URL)
            times = [time.perf_counter() - started]
            recorder.active = False
            results[name] = PageQueries(path, response.status_code, recorder.statements)
            for _ in range(RENDERS - 1):
                started = time.perf_counter()
                client.get(path, base_url=BASE_URL)
                times.append(time.perf_counter() - started)
            results[name].render_ms = round(1000 * sorted(times)[len(times) // 2], 1)
        browser = InProcessBrowser(client)
        rng = random.Random("samverkan-bench-sqlcount")
        for name, path in pages.items():
            log_meeting(browser, rng, label="sql ")
            recorder.statements = []
            recorder.active = True
            response = client.get(path, base_url=BASE_URL)
            recorder.active = False
            results[name].after_write = recorder.statements
            results[name].after_write_status = response.status_code
        explain_slow(engine, results)
        return results
    finally:
        event.remove(engine, "before_cursor_execute", recorder.before)
        event.remove(engine, "after_cursor_execute", recorder.after)


class InProcessBrowser:
    """The test client as bench/team.py's Browser (for the writes)."""

    def __init__(self, client) -> None:
        self.client = client

    def _response(self, answer) -> Response:
        return Response(answer.status_code, dict(answer.headers.items()), answer.get_data(), 0.0)

    def get(self, path: str) -> Response:
        return self._response(self.client.get(path, base_url=BASE_URL))

    def post_form(self, path: str, fields: list[tuple[str, str]]) -> Response:
        from werkzeug.datastructures import MultiDict

        return self._response(self.client.post(path, base_url=BASE_URL, data=MultiDict(fields)))


def explain_slow(engine, results: dict[str, PageQueries]) -> None:
    """Attach the query plan (EXPLAIN QUERY PLAN on SQLite, EXPLAIN on PostgreSQL) to every
    statement that took EXPLAIN_MS or more, run with the same parameters."""
    prefix = "EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite" else "EXPLAIN "
    connection = engine.raw_connection()
    try:
        for page in results.values():
            for statement in [*page.statements, *page.after_write]:
                if statement.milliseconds < EXPLAIN_MS:
                    continue
                cursor = connection.cursor()
                try:
                    cursor.execute(prefix + statement.sql, statement.parameters)
                    rows = cursor.fetchall()
                except Exception as error:  # a plan is a nicety: never fail the run for it
                    connection.rollback()
                    statement.plan = f"(no plan: {error})"
                else:
                    statement.plan = "\n".join(" | ".join(str(c) for c in row) for row in rows)
                finally:
                    cursor.close()
        connection.rollback()
    finally:
        connection.close()


def write_log(path: Path, results: dict[str, PageQueries]) -> None:
    """Every page's statements, slowest first, with durations and parameters."""
    lines = []
    for name, page in results.items():
        lines.append(
            f"=== {name}  {page.path}  HTTP {page.status}  "
            f"{page.count} statements, {page.milliseconds:.1f} ms in the database"
        )
        for statement in sorted(page.statements, key=lambda s: -s.milliseconds):
            lines.append(_statement_text(statement))
        lines.append(
            f"=== {name} right after a write  HTTP {page.after_write_status}  "
            f"{page.after_write_count} statements"
        )
        for statement in sorted(page.after_write, key=lambda s: -s.milliseconds):
            lines.append(_statement_text(statement))
        lines.append("")
    path.write_text("\n".join(lines))


def _statement_text(statement: Statement) -> str:
    """One statement for the log: duration, parameters, SQL and its plan if it has one."""
    sql = " ".join(statement.sql.split())
    parameters = repr(statement.parameters)
    if len(parameters) > 300:
        parameters = parameters[:300] + "…"
    text = f"--- {statement.milliseconds:8.2f} ms  {parameters}\n{sql}"
    if statement.plan:
        text += "\nplan:\n" + statement.plan
    return text
