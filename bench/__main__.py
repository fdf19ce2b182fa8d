"""`python -m bench` (`make bench`): Samverkan's speed and scale, measured in one run.

For each scale (1, 10 and 100 by default) it takes the cached demo database (building it the
first time, or when the migrations or the demo generator change), copies it, serves the copy
with gunicorn as production does (the repository's gunicorn.conf.py: gthread workers, only
the address and the logs changed) on 127.0.0.1, and measures:

- the headline, a working team (bench/team.py): the first five coordinators of the demo
  team, each in their own thread and logged-in session, for 60 s, going round the start
  page, the contact list, an organisation or contact page, the lägesbild and the monthly
  summary with 0.5–1.5 s think time, one action in ten a real write through the forms
  (a follow-up ticked done from the start page, or a held meeting logged); read and write
  p50/p95/p99;
- every main page uncached: p50/p95 over sequential requests, and the first request after
  a write (a meeting logged just before it);
- SQL statements per page, in steady state and right after a write (in-process);
- start page and contact list throughput under 8 connections, as a share of a hello-world
  Flask app served the same way in the same run;
- the monthly and whole-period XLSX downloads, the meeting-list CSV of every held meeting
  (rows/s), the team's and a personal calendar feed, the whole-period report page, a
  10,000-row contact import (preview and commit) and the duplicate scan;
- the peak memory of a gunicorn worker.

It prints one table (the scales side by side, the growth from the first to the last, and
the targets), writes bench/results.json, and exits 1 if a target is missed (targets:
bench/report.py; they apply to the last scale, and where they compare, to the first).

What exactly (bench/scenario.py): pages as the demo's head of secretariat, the busiest
contact and meeting, Malmö, search "malmö", last month's summary; the team's detail pages are
25 municipalities and 25 contacts spread over the registry; the feeds are those of a bench
user put on the team of the first 5,000 meetings in the feed's window (scale 1 has fewer);
the import is a 10,000-row CSV (8,000 new people, 2,000 existing by e-mail) through upload,
column mapping, preview and confirmation over HTTP. Statements are counted in-process
(bench/sqlcount.py). Other processes' share of the CPU during each measurement is
reported: above 10 % the timings are flagged as unreliable.

Runs on SQLite; on PostgreSQL when DATABASE_URL points at a PostgreSQL server (only its
server and credentials are used: the bench creates and drops its own `samverkan_bench_*`
databases). Files go to instance/bench/: the cached databases and their build logs,
gunicorn logs, and sql-<database>-scale-<N>.log with every statement of every page.

Options (`make bench BENCH_ARGS="--quick"`):
  --scales 1,10,100  scales to run (the first is the reference, targets apply to the last)
  --team-seconds 60  how long the team works at each scale
  --requests 200     sequential requests per page (at least 50; more make the p95 steadier)
  --seconds 10       length of each throughput measurement
  --page-budget 60   seconds a page may take for its requests; a slower page stops early
                     (after at least 5) and reports how many it got
  --repeats 3        runs of each heavy operation (the median is reported)
  --quick            --requests 10 --seconds 3 --repeats 1 --team-seconds 15, for iterating
  --rebuild          rebuild the cached databases even if they are current
  --skip LIST        leave out some of: team,pages,throughput,operations,import (for
                     iterating; what is left out counts as a missed target)
  --output PATH      where to write the results (default bench/results.json)
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from . import databases, machine, report
from .run import SKIPPABLE, Settings, run_hello, run_scale, say

#: Environment the app is served with: production-like, plain http on 127.0.0.1.
APP_SETTINGS = {
    "TRUSTED_HOSTS": "127.0.0.1",
    "SAMVERKAN_HTTPS": "0",  # session cookies must travel over plain http here
    "SAMVERKAN_PROXY_COUNT": "0",
}


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--scales", default="1,10,100")
    parser.add_argument("--team-seconds", type=float, default=60.0)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--page-budget", type=float, default=60.0)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--skip", default="")
    parser.add_argument("--output", type=Path, default=databases.ROOT / "bench" / "results.json")
    args = parser.parse_args(argv)
    if args.quick:
        args.requests, args.seconds, args.repeats, args.team_seconds = 10, 3.0, 1, 15.0
    return args


def bench_environment() -> dict[str, str]:
    """The environment for the app (served and in-process) and the build commands: the
    caller's, without any Samverkan settings of its own, plus a bench instance folder and
    a fresh secret key (shared by both workers, as production requires)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("SAMVERKAN_") and k not in {"DATABASE_URL", "SECRET_KEY"}
    }
    env.update(APP_SETTINGS)
    env["SAMVERKAN_INSTANCE_PATH"] = str(databases.CACHE / "instance")
    env["SECRET_KEY"] = secrets.token_hex(32)
    return env


def stop_on_sigterm(_signum: int, _frame: object) -> None:
    """Turn SIGTERM into SystemExit, so gunicorn is stopped and the run's copies deleted."""
    raise SystemExit(143)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, stop_on_sigterm)
    scales = [float(s) for s in args.scales.split(",") if s.strip()]
    server_url = os.environ.get("DATABASE_URL") or None
    if server_url and not databases.is_postgres(server_url):
        server_url = None  # an SQLite DATABASE_URL is the user's own file: not used here
    env = bench_environment()
    os.environ.clear()
    os.environ.update(env)  # the in-process app reads the same settings
    logs = databases.CACHE
    logs.mkdir(parents=True, exist_ok=True)
    skip = frozenset(s.strip() for s in args.skip.split(",") if s.strip())
    unknown = skip - set(SKIPPABLE)
    if unknown:
        raise SystemExit(f"--skip: unknown {', '.join(sorted(unknown))}")
    settings = Settings(
        requests=args.requests,
        seconds=args.seconds,
        team_seconds=args.team_seconds,
        repeats=args.repeats,
        page_budget=args.page_budget,
        skip=skip,
    )
    started = time.perf_counter()
    results: dict[str, Any] = {
        "timestamp": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": "postgresql" if server_url else "sqlite",
        "machine": machine.describe(),
        "settings": {**vars(settings), "skip": sorted(skip)},
        "hello": run_hello(settings, env=env, logs=logs),
        "scales": {},
    }
    for scale in scales:
        result = run_scale(
            scale, settings, server_url=server_url, env=env, rebuild=args.rebuild, logs=logs
        )
        results["scales"][f"{scale:g}"] = result
    results["seconds"] = round(time.perf_counter() - started, 1)
    say(f"(bench took {results['seconds']:.0f} s)")
    return report.finish(results, output=args.output)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
