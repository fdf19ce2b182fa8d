"""`python -m bench.exports`: the team's reads while twenty people export the whole contact
list at once (issue 18, item 3: the team's read p95 with the exports at most 2× without).

On the cached demo database of one scale (bench/databases.py; 10 by default: 30,000
contacts), served by gunicorn exactly as production is (the repository's gunicorn.conf.py,
bench/server.py), it runs the team workload (bench/team.py, the same pages as `make bench`)
twice for the same length:

1. alone;
2. while 20 clients, all started at once, each ask for the full contact CSV
   (`/kontakter/export.csv`, no filter) and read it to the end, again and again. The app
   lets HEAVY_WORK_LIMIT of them run at once (default 2) and answers the others 429 with
   Retry-After; such a client asks again after a second (an impatient user), not after the
   Retry-After, so the refusals keep coming all through the run.

It prints the reads' p50/p95/p99 both ways, the ratio of the p95s against the target (2×),
how many exports finished and how many were refused, and the other processes' share of the
CPU during each phase (above 10 % the timings are flagged: the machine is shared). It writes
bench/results-exports.json and exits 1 if the target is missed.

Runs on SQLite; on PostgreSQL when DATABASE_URL points at a PostgreSQL server (as
`make bench`: only its server and credentials are used).

Options: --scale 10, --seconds 60 (each phase), --exports 20, --output PATH.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from . import databases, machine, scenario
from .__main__ import bench_environment, stop_on_sigterm
from .client import Client
from .machine import OtherLoad
from .run import Settings, backend_marker, dispose, measure_team, say
from .server import Server

EXPORT = "/kontakter/export.csv"
#: The team's read p95 with the exports may be at most this many times the p95 without.
TARGET_RATIO = 2.0
#: Seconds a refused exporter waits before asking again.
ASK_AGAIN = 1.0


class Exporters:
    """`count` clients exporting the contact list over and over until stopped."""

    def __init__(self, port: int, cookies: dict[str, str], count: int) -> None:
        self.port, self.cookies, self.count = port, cookies, count
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.statuses: dict[int, int] = {}
        self.seconds: list[float] = []  # of finished exports
        self.bytes = 0
        self.errors: list[str] = []
        self.threads: list[threading.Thread] = []

    def _work(self, start: threading.Barrier) -> None:
        client = Client(self.port, dict(self.cookies))
        start.wait()
        while not self.stop.is_set():
            try:
                response = client.request("GET", EXPORT, keep_cookies=False)
            except OSError as error:
                with self.lock:
                    self.errors.append(str(error))
                continue
            with self.lock:
                self.statuses[response.status] = self.statuses.get(response.status, 0) + 1
                if response.status == 200:
                    self.seconds.append(response.seconds)
                    self.bytes += len(response.body)
            if response.status != 200:
                self.stop.wait(ASK_AGAIN)

    def start(self) -> None:
        start = threading.Barrier(self.count + 1)
        self.threads = [
            threading.Thread(target=self._work, args=(start,), daemon=True)
            for _ in range(self.count)
        ]
        for thread in self.threads:
            thread.start()
        start.wait()

    def finish(self) -> dict[str, Any]:
        """Stop asking; wait for the exports under way (they finish as they are read)."""
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=600)
        return {
            "clients": self.count,
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            "finished": len(self.seconds),
            "seconds_median": round(sorted(self.seconds)[len(self.seconds) // 2], 1)
            if self.seconds
            else None,
            "mb": round(self.bytes / 1e6, 1),
            "errors": self.errors[:5],
        }


def run(scale: float, *, seconds: float, exports: int) -> dict[str, Any]:
    server_url = os.environ.get("DATABASE_URL") or None
    if server_url and not databases.is_postgres(server_url):
        server_url = None
    env = bench_environment()
    os.environ.clear()
    os.environ.update(env)
    logs = databases.CACHE
    logs.mkdir(parents=True, exist_ok=True)
    say(f"scale {scale:g}: preparing the database …")
    database = databases.prepare(scale, server_url=server_url, env=env, rebuild=False)
    result: dict[str, Any] = {
        "timestamp": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": "postgresql" if server_url else "sqlite",
        "machine": machine.describe(),
        "scale": scale,
        "demo": database.summary,
        "seconds": seconds,
        "errors": [],
    }
    app = scenario.make_app(database.url)
    try:
        plan = scenario.prepare(app)
        dispose(app)
        settings = Settings(team_seconds=seconds)
        with Server(
            "wsgi:app",
            env={**env, "DATABASE_URL": database.url},
            log=logs / f"gunicorn-exports-{databases.label(scale)}.log",
            ready_path="/healthz",
        ) as server:
            result["gunicorn"] = {
                k: server.settings[k]
                for k in ("workers", "threads", "worker_connections", "keepalive", "timeout")
                if k in server.settings
            }
            marker = backend_marker(database.url)
            say(f"  gunicorn: {result['gunicorn']}")
            say(f"  the team alone for {seconds:g} s …")
            others = OtherLoad()
            others.start([server.pid, *server.workers()], marker=marker)
            alone = measure_team(server.port, plan, settings, result["errors"])
            result["alone"] = {**alone, "others_cpu_percent": round(others.stop(), 1)}

            exporter = Client(server.port)
            exporter.login(plan.login_email, databases.PASSWORD)
            say(f"  the team with {exports} clients exporting the contact list …")
            others = OtherLoad()
            others.start([server.pid, *server.workers()], marker=marker)
            running = Exporters(server.port, exporter.cookies, exports)
            running.start()
            try:
                loaded = measure_team(server.port, plan, settings, result["errors"])
            finally:
                result["exports"] = running.finish()
            result["with_exports"] = {**loaded, "others_cpu_percent": round(others.stop(), 1)}
            result["workers_restarted"] = server.restarted_workers()
    finally:
        dispose(app)
        databases.discard(database, server_url=server_url)
    p95_alone = result["alone"].get("reads", {}).get("p95")
    p95_loaded = result["with_exports"].get("reads", {}).get("p95")
    result["ratio"] = round(p95_loaded / p95_alone, 2) if p95_alone and p95_loaded else None
    return result


def report(result: dict[str, Any]) -> bool:
    """Print the table; True when the target is met."""
    say("")
    say(f"Team reads, scale {result['scale']:g} on {result['database']}, "
        f"{result['seconds']:g} s each ({result['gunicorn']})")  # fmt: skip
    say(f"{'':24} {'reads':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'others CPU':>11}")
    for label, key in (
        ("alone", "alone"),
        (f"{result['exports']['clients']} exports", "with_exports"),
    ):
        phase = result[key]
        reads = phase.get("reads", {})
        flag = " (unreliable)" if phase["others_cpu_percent"] > 10 else ""
        say(
            f"{label:24} {reads.get('count', 0):>6} {reads.get('p50', 0):>8.0f} "
            f"{reads.get('p95', 0):>8.0f} {reads.get('p99', 0):>8.0f} "
            f"{phase['others_cpu_percent']:>10.0f}%{flag}"
        )
    exports = result["exports"]
    say(
        f"exports: {exports['finished']} finished (median {exports['seconds_median']} s, "
        f"{exports['mb']} MB), answers {exports['statuses']}, errors {len(exports['errors'])}"
    )
    ratio = result["ratio"]
    met = ratio is not None and ratio <= TARGET_RATIO and not result["errors"]
    say(f"p95 with exports / without: {ratio}× (target ≤ {TARGET_RATIO:g}×): "
        f"{'met' if met else 'MISSED'}")  # fmt: skip
    for error in result["errors"]:
        say(f"  error: {error}")
    return met


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.exports", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--scale", type=float, default=10.0)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--exports", type=int, default=20)
    parser.add_argument(
        "--output", type=Path, default=databases.ROOT / "bench" / "results-exports.json"
    )
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, stop_on_sigterm)
    result = run(args.scale, seconds=args.seconds, exports=args.exports)
    met = report(result)
    args.output.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    say(f"(written to {args.output})")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
