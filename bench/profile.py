"""`python -m bench.profile`: the CPU one request of a page costs, in-process, and where it
goes. On the database DATABASE_URL names (a copy of a demo database built by `make bench`,
e.g. instance/bench/scale-100.sqlite), with the app as wsgi.py builds it for gunicorn,
signed in as the demo's head of secretariat through the login form, CSRF on, as production
runs. No server: Flask's test client.

For each page it prints the process CPU time per request (mean, which throughput
follows, garbage collection included, and median) and the wall time (median) over
REQUESTS requests after a warm-up, and the SQL statements of one request; with `--profile N` it also
prints the N functions with the most cumulative time under cProfile, over the same requests;
with `--statements`, each statement of a request with its median wall time.

    cp instance/bench/scale-100.sqlite /tmp/s100.sqlite
    DATABASE_URL=sqlite:////tmp/s100.sqlite SECRET_KEY=x .venv/bin/python -m bench.profile \
        [--requests 50] [--profile 30] [/ /kontakter …]
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import re
import statistics
import sys
import time

from sqlalchemy import event

from app.demo.registry import team_email
from app.extensions import db

from .databases import PASSWORD
from .scenario import LOGIN_NAME

PAGES = ("/", "/kontakter")
CSRF = re.compile(rb'name="csrf_token"[^>]*value="([^"]+)"')


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile")
    parser.add_argument("paths", nargs="*", default=list(PAGES))
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--profile", type=int, default=0, metavar="N")
    parser.add_argument("--dump", metavar="FILE", help="write the profile (with --profile)")
    parser.add_argument("--callers", metavar="FUNCTION", help="who calls it (with --profile)")
    parser.add_argument(
        "--statements",
        action="store_true",
        help="each statement of a request with its median time over the requests",
    )
    args = parser.parse_args(argv)
    from wsgi import app  # as gunicorn serves it (wsgi.py's set-up included)

    statements = [0]
    timings: list[tuple[str, float]] = []  # this request's (statement, seconds)
    started_at: list[float] = [0.0]

    def before(_conn, _cursor, statement, *_args):
        statements[0] += 1
        started_at[0] = time.perf_counter()

    def after(_conn, _cursor, statement, *_args):
        timings.append((statement, time.perf_counter() - started_at[0]))

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", before)
        event.listen(db.engine, "after_cursor_execute", after)
    client = app.test_client()
    login = client.get("/logga-in")
    token = CSRF.search(login.data)
    response = client.post(
        "/logga-in",
        data={
            "email": team_email(LOGIN_NAME),
            "password": PASSWORD,
            "csrf_token": token.group(1).decode() if token else "",
        },
    )
    if response.status_code != 302:
        print(f"login failed: HTTP {response.status_code}")
        return 1
    print(f"{'page':32s} {'CPU mean':>9s} {'CPU p50':>8s} {'wall p50':>9s} {'SQL':>4s}")
    for path in args.paths:
        for _ in range(3):
            status = client.get(path).status_code
        if status != 200:
            print(f"{path}: HTTP {status}")
            return 1
        cpu, wall = [], []
        per_statement: list[list[float]] = []
        texts: list[str] = []
        profiler = cProfile.Profile() if args.profile else None
        for _ in range(args.requests):
            statements[0] = 0
            timings.clear()
            started_cpu, started = time.process_time(), time.perf_counter()
            if profiler:
                profiler.enable()
            client.get(path)
            if profiler:
                profiler.disable()
            cpu.append((time.process_time() - started_cpu) * 1000)
            wall.append((time.perf_counter() - started) * 1000)
            for index, (text, seconds) in enumerate(timings):
                if index == len(per_statement):
                    per_statement.append([])
                    texts.append(" ".join(text.split()))
                per_statement[index].append(seconds * 1000)
        print(
            f"{path:32s} {statistics.mean(cpu):9.2f} {statistics.median(cpu):8.2f} "
            f"{statistics.median(wall):9.2f} {statements[0]:4d}"
        )
        if args.statements:
            for text, times in zip(texts, per_statement, strict=False):
                print(f"  {statistics.median(times):7.2f} ms  {text[:150]}")
        if profiler:
            stats = pstats.Stats(profiler).sort_stats("cumulative")
            stats.print_stats(args.profile)
            if args.dump:
                stats.dump_stats(args.dump)
            if args.callers:
                stats.print_callers(args.callers)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
