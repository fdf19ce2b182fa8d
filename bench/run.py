"""One scale's measurements: prepare the database, count statements, serve, time, tidy up."""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, make_url, select

from . import databases, scenario, sqlcount
from .client import Client, expect, local_path
from .machine import OtherLoad
from .measure import throughput, time_operation, time_page
from .server import Server
from .team import HttpBrowser, log_meeting, run_team

SKIPPABLE = ("team", "pages", "throughput", "operations", "import")


@dataclass
class Settings:
    """How much to measure (see the options in bench/__main__.py)."""

    requests: int = 200
    seconds: float = 10.0
    team_seconds: float = 60.0
    repeats: int = 3
    connections: int = 8
    page_budget: float = 60.0  # seconds of sequential requests per page at most
    skip: frozenset[str] = frozenset()  # of SKIPPABLE


def say(message: str) -> None:
    print(message, flush=True)


def run_hello(settings: Settings, *, env: dict[str, str], logs: Path) -> dict[str, Any]:
    """Throughput of the hello-world app, served like Samverkan."""
    say("hello-world: serving with gunicorn …")
    with Server("bench.hello:app", env=env, log=logs / "gunicorn-hello.log", ready_path="/") as s:
        others = OtherLoad()
        others.start([s.pid, *s.workers()])
        result = throughput(
            s.port, "/", cookies={}, connections=settings.connections, seconds=settings.seconds
        )
        memory = s.peak_memory_mb()
        share = others.stop()
    say(f"  {result.per_second:.0f} req/s")
    return {
        **result.as_dict(),
        "memory_mb": round(memory, 1),
        "others_cpu_percent": round(share, 1),
    }


def run_scale(
    scale: float,
    settings: Settings,
    *,
    server_url: str | None,
    env: dict[str, str],
    rebuild: bool,
    logs: Path,
) -> dict[str, Any]:
    """Everything measured on one scale; errors are recorded, not raised, after set-up."""
    say(f"scale {scale:g}: preparing the database …")
    database = databases.prepare(scale, server_url=server_url, env=env, rebuild=rebuild)
    result: dict[str, Any] = {
        "scale": scale,
        "built_on": database.built_on,
        "build_seconds": database.build_seconds and round(database.build_seconds, 1),
        "demo": database.summary,
        "cache_key": database.key,
        "errors": [],
    }
    app = scenario.make_app(database.url)
    try:
        plan = scenario.prepare(app)
        result["chosen"] = plan.chosen
        say("  counting SQL statements per page (in-process) …")
        queries = sqlcount.count_statements(
            app, plan.pages, email=plan.login_email, password=databases.PASSWORD
        )
        backend = make_url(database.url).get_backend_name()
        sql_log = logs / f"sql-{backend}-scale-{databases.label(scale)}.log"
        sqlcount.write_log(sql_log, queries)
        result["sql_log"] = str(sql_log)
        for name, page in queries.items():
            if page.status != 200:
                result["errors"].append(f"{name}: HTTP {page.status} in-process")
            if page.after_write_status != 200:
                result["errors"].append(
                    f"{name}: HTTP {page.after_write_status} in-process after a write"
                )
        contacts_before = count_contacts(app)
        dispose(app)
        with Server(
            "wsgi:app",
            env={**env, "DATABASE_URL": database.url},
            log=logs / f"gunicorn-scale-{databases.label(scale)}.log",
            ready_path="/healthz",
        ) as server:
            client = Client(server.port)
            client.login(plan.login_email, databases.PASSWORD)
            others = OtherLoad()
            others.start([server.pid, *server.workers()], marker=backend_marker(database.url))
            if "pages" not in settings.skip:
                result["pages"] = measure_pages(client, plan, queries, settings, result["errors"])
                measure_after_write(client, plan, result["pages"], result["errors"])
            if "team" not in settings.skip:
                result["team"] = measure_team(server.port, plan, settings, result["errors"])
            if "throughput" not in settings.skip:
                result["throughput"] = measure_throughput(server.port, client, settings, result)
            result["operations"] = measure_operations(server.port, client, plan, settings, result)
            result["others_cpu_percent"] = round(others.stop(), 1)
            result["memory_mb"] = round(server.peak_memory_mb(), 1)
            result["workers_restarted"] = server.restarted_workers()
        result["import_created"] = count_contacts(app) - contacts_before
    finally:
        dispose(app)
        databases.discard(database, server_url=server_url)
    return result


def backend_marker(url: str) -> str:
    """How our database's server processes show in `ps` (PostgreSQL: the database name);
    empty for SQLite, which runs inside the workers."""
    parsed = make_url(url)
    return "" if parsed.get_backend_name() == "sqlite" else f" {parsed.database} "


def count_contacts(app) -> int:
    from app.contacts.models import Contact
    from app.extensions import db

    with app.app_context():
        count = db.session.scalar(select(func.count()).select_from(Contact)) or 0
        db.session.remove()
        return count


def dispose(app) -> None:
    """Close the in-process app's connections (a PostgreSQL copy cannot be dropped else)."""
    from app.extensions import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def measure_pages(client, plan, queries, settings: Settings, errors: list[str]) -> dict:
    pages = {}
    for name, path in plan.pages.items():
        entry: dict[str, Any] = {
            "path": path,
            "sql": queries[name].count,
            "sql_after_write": queries[name].after_write_count,
            "in_process_ms": queries[name].render_ms,
        }
        try:
            timings = time_page(
                client, path, requests=settings.requests, budget=settings.page_budget
            )
            entry.update(timings.as_dict())
            say(f"  {name:<18} p50 {timings.p50:8.1f} ms  p95 {timings.p95:8.1f} ms  "
                f"{queries[name].count:3d} statements, {queries[name].after_write_count:3d} "
                f"after a write  ({timings.requests} requests)")  # fmt: skip
        except Exception as error:
            errors.append(f"{name}: {error}")
            say(f"  {name}: ERROR {error}")
        pages[name] = entry
    return pages


def measure_after_write(client: Client, plan, pages: dict, errors: list[str]) -> None:
    """For each page: open it once (timed: the first render after the other pages' runs),
    log a held meeting (as the team does), then time the page's next GET: what the first
    person to open it after a write waits. The render just before the write keeps the
    figure about the write, not about coming back to a page after thousands of requests
    for others (the start page was measured first, and came back 3,800 requests later)."""
    browser = HttpBrowser(client)
    rng = random.Random("samverkan-bench-after-write")
    say("  first render after a write (and just before it):")
    for name, path in plan.pages.items():
        try:
            before = expect(client.get(path), 200, f"GET {path} before a write")
            log_meeting(browser, rng, label="efter ")
            response = expect(client.get(path), 200, f"GET {path} after a write")
            entry = pages.setdefault(name, {"path": path})
            entry["before_write_ms"] = round(1000 * before.seconds, 1)
            entry["after_write_ms"] = round(1000 * response.seconds, 1)
            say(f"  {name:<18} {1000 * response.seconds:8.1f} ms  "
                f"(before the write {1000 * before.seconds:.1f} ms)")  # fmt: skip
        except Exception as error:
            errors.append(f"{name} after a write: {error}")
            say(f"  {name} after a write: ERROR {error}")


def measure_team(port: int, plan, settings: Settings, errors: list[str]) -> dict:
    """The team workload (bench/team.py) on this server."""
    summary = f"/rapporter/sammanstallning?manad={plan.chosen['month']}"
    pages = [
        ("start page", lambda _rng: "/"),
        ("contact list", lambda _rng: "/kontakter"),
        ("detail page", lambda rng: rng.choice(plan.detail_pages)),
        ("lägesbild", lambda _rng: "/rapporter/lagesbild"),
        ("monthly summary", lambda _rng: summary),
    ]
    try:
        result = run_team(
            port, emails=plan.team_emails, password=databases.PASSWORD, pages=pages,
            seconds=settings.team_seconds, progress=say,
        )  # fmt: skip
    except Exception as error:
        errors.append(f"team: {error}")
        say(f"  team: ERROR {error}")
        return {}
    if result["error_count"]:
        errors.append(f"team: {result['error_count']} failed actions, e.g. {result['errors'][0]}")
    return result


def measure_throughput(port: int, client: Client, settings: Settings, result: dict) -> dict:
    figures = {}
    for name, path in (("start page", "/"), ("contact list", "/kontakter")):
        try:
            figure = throughput(
                port, path, cookies=client.cookies,
                connections=settings.connections, seconds=settings.seconds,
            )  # fmt: skip
            figures[name] = figure.as_dict()
            say(f"  {name} throughput: {figure.per_second:.1f} req/s ({figure.errors} errors)")
            if figure.errors:
                result["errors"].append(f"{name} throughput: {figure.errors} failed requests")
        except Exception as error:
            result["errors"].append(f"{name} throughput: {error}")
    return figures


def measure_operations(port: int, client: Client, plan, settings: Settings, result: dict) -> dict:
    """Monthly and whole-period XLSX, the meeting-list CSV, the whole-period report page, the
    calendar feeds, the duplicate scan, then the import."""
    operations: dict[str, Any] = {}
    anonymous = Client(port)
    feed_events: list[int] = []

    def feed():
        response = expect(anonymous.get(plan.feed), 200, "calendar feed")
        feed_events.append(response.body.count(b"BEGIN:VEVENT"))
        return response

    csv_rows: list[int] = []

    def meeting_csv():
        response = expect(client.get(plan.meeting_csv), 200, "meeting-list CSV")
        text = response.body.decode("utf-8-sig")
        csv_rows.append(sum(1 for _row in csv.reader(io.StringIO(text), delimiter=";")) - 1)
        return response

    heavy = {
        "monthly XLSX": lambda: expect(client.get(plan.summary_xlsx), 200, "monthly XLSX"),
        "whole-period XLSX": lambda: expect(client.get(plan.final_xlsx), 200, "period XLSX"),
        "questionnaire XLSX": lambda: expect(client.get("/enkater/1/resultat.xlsx"), 200, "XLSX"),
        "questionnaire CSV": lambda: expect(client.get("/enkater/1/resultat.csv"), 200, "CSV"),
        "meeting-list CSV": meeting_csv,
        "team feed": lambda: expect(anonymous.get(plan.team_feed), 200, "team feed"),
        "calendar feed": feed,
        "whole-period report": lambda: expect(client.get(plan.final_report), 200, "report"),
        "duplicate scan": lambda: expect(client.get(plan.duplicates), 200, "duplicate scan"),
    }
    if "operations" in settings.skip:
        heavy = {}
    for name, operation in heavy.items():
        try:
            operations[name] = time_operation(operation, repeats=settings.repeats, give_up_after=30)
            say(f"  {name:<20} {operations[name]['seconds']:8.3f} s")
        except Exception as error:
            result["errors"].append(f"{name}: {error}")
            say(f"  {name}: ERROR {error}")
    if feed_events and "calendar feed" in operations:
        operations["calendar feed"]["events"] = feed_events[0]
        operations["calendar feed"]["meetings_assigned"] = plan.feed_meetings
    if csv_rows and "meeting-list CSV" in operations:
        entry = operations["meeting-list CSV"]
        entry["rows"] = csv_rows[0]
        entry["rows_per_second"] = round(csv_rows[0] / entry["seconds"]) if entry["seconds"] else 0
        say(f"  meeting-list CSV: {csv_rows[0]} rows, {entry['rows_per_second']} rows/s")
    if "import" in settings.skip:
        return operations
    try:
        preview, commit = import_contacts(client, plan)
        operations["import preview"] = {"seconds": round(preview, 3), "runs": 1}
        operations["import commit"] = {"seconds": round(commit, 3), "runs": 1}
        operations["import total"] = {"seconds": round(preview + commit, 3), "runs": 1}
        say(f"  import of {plan.import_rows} rows: preview {preview:.2f} s, commit {commit:.2f} s")
    except Exception as error:
        result["errors"].append(f"import: {error}")
        say(f"  import: ERROR {error}")
    return operations


#: The importer's field for each column of scenario.HEADER, in order.
IMPORT_COLUMNS = ("first_name", "last_name", "email", "phone", "organisation",
                  "municipality_code", "title", "tags")  # fmt: skip


def import_contacts(client: Client, plan) -> tuple[float, float]:
    """Upload, map the columns, preview, confirm; return (preview seconds, commit seconds).

    Preview is upload + column mapping + the preview page; commit is the confirmation and
    the result page it leads to. The upload form itself is not timed.
    """
    form = expect(client.get("/kontakter/import"), 200, "import form")
    upload = client.post_file(
        "/kontakter/import", {"csrf_token": form.csrf_token()},
        name="file", filename="kontakter.csv", data=plan.import_csv,
    )  # fmt: skip
    expect(upload, 302, "import upload")
    mapping_path = local_path(upload.headers["Location"])
    mapping_page = expect(client.get(mapping_path), 200, "import mapping")
    columns = {name: str(n) for n, name in enumerate(IMPORT_COLUMNS)}
    mapped = expect(
        client.post_form(mapping_path, {"csrf_token": mapping_page.csrf_token(), **columns}),
        302,
        "import mapping",
    )
    preview_path = mapping_path.removesuffix("/kolumner")
    preview = expect(client.get(preview_path), 200, "import preview")
    preview_seconds = upload.seconds + mapping_page.seconds + mapped.seconds + preview.seconds
    confirm = client.post_form(
        f"{preview_path}/bekrafta",
        {
            "csrf_token": preview.csrf_token(),
            "fingerprint": preview.field("fingerprint"),
            "skip_errors": "y",
        },
    )
    expect(confirm, 302, "import confirm")
    done = expect(client.get(preview_path), 200, "import result")
    return preview_seconds, confirm.seconds + done.seconds
