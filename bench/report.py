"""The targets of issue "Step 9", the results table and bench/results.json.

Targets apply to the last scale measured (100 in `make bench`); where a target compares
with scale 1 ("≤ 1.5× its own scale-1 time", "equal at every scale", the team at scale 1)
the first scale is the reference. A measurement that failed or was left out (an error
instead of a number) misses its target. The team workload is the headline, first in the
table.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: Team p95 in ms: (at the first scale, at the last scale), for reads and for writes.
TEAM_P95_MS = (60.0, 100.0)
#: A main page's uncached render (median of sequential requests, served) at the last scale.
PAGE_RENDER_MS = {"sqlite": 50.0, "postgresql": 80.0}
PAGE_GROWTH = 1.5
PAGE_STATEMENTS = 15
THROUGHPUT_SHARE = 5.0  # percent of hello-world
OPERATION_SECONDS = {
    "monthly XLSX": 2.0,
    "whole-period XLSX": 2.0,
    "team feed": 0.3,
    "import total": 10.0,
    "duplicate scan": 10.0,
}
#: Shown, without a target.
OTHER_OPERATIONS = ("calendar feed", "whole-period report", "import preview", "import commit")
CSV_ROWS_PER_SECOND = 30_000
WORKER_MEMORY_MB = 200.0
#: Percent of the machine's CPU used by other processes during a measurement above which its
#: timings are flagged as unreliable (see bench/machine.py).
BUSY_SHARE = 10.0


@dataclass
class Row:
    """One line of the table: a measurement at every scale and its target."""

    name: str
    values: list[float | None]  # the figure the growth is computed from, per scale
    texts: list[str]  # what the table shows per scale
    target: str = ""
    ok: bool | None = None  # None: no target

    @property
    def growth(self) -> str:
        first, last = self.values[0], self.values[-1]
        if len(self.values) > 1 and first and last is not None:
            return f"{last / first:.1f}×"
        return ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "values": self.values,
            "shown": self.texts,
            "target": self.target,
            "ok": self.ok,
        }


def number(value: float | None, digits: int = 1) -> str:
    return "error" if value is None else f"{value:,.{digits}f}".replace(",", " ")


def _get(result: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(result, dict) or key not in result:
            return None
        result = result[key]
    return result


def _row(
    name: str,
    scales: list[dict[str, Any]],
    value: Callable[[dict[str, Any]], float | None],
    text: Callable[[dict[str, Any]], str] | None = None,
    *,
    digits: int = 1,
    target: str = "",
    ok: bool | None = None,
) -> Row:
    values = [value(s) for s in scales]
    texts = [text(s) for s in scales] if text else [number(v, digits) for v in values]
    return Row(name, values, texts, target, ok)


def team_rows(scales: list[dict[str, Any]]) -> list[Row]:
    """The headline: the team's reads and writes."""
    first_limit, last_limit = TEAM_P95_MS
    rows = []
    for kind in ("reads", "writes"):

        def p95(s: dict[str, Any], kind: str = kind) -> float | None:
            return _get(s, "team", kind, "p95")

        def text(s: dict[str, Any], kind: str = kind) -> str:
            figures = _get(s, "team", kind) or {}
            if not figures.get("count"):
                return "error"
            return " / ".join(number(figures.get(p)) for p in ("p50", "p95", "p99"))

        first, last = p95(scales[0]), p95(scales[-1])
        ok = first is not None and last is not None and first <= first_limit
        ok = ok and last <= last_limit  # type: ignore[operator]
        rows.append(
            _row(f"team {kind}: p50 / p95 / p99 ms", scales, p95, text,
                 target=f"p95 ≤ {first_limit:g} at first, ≤ {last_limit:g} at last scale",
                 ok=bool(ok))
        )  # fmt: skip

    def counts(s: dict[str, Any]) -> str:
        team = s.get("team") or {}
        reads, writes = _get(team, "reads", "count"), _get(team, "writes", "count")
        if reads is None:
            return "error"
        return f"{reads} / {writes or 0} / {team.get('error_count', 0)}"

    rows.append(
        _row("team: reads / writes / failed", scales,
             lambda s: _get(s, "team", "error_count"), counts,
             target="0 failed", ok=all(_get(s, "team", "error_count") == 0 for s in scales))
    )  # fmt: skip
    return rows


def page_rows(scales: list[dict[str, Any]], database: str) -> list[Row]:
    """Every main page: uncached render, first render after a write, SQL statements."""
    limit = PAGE_RENDER_MS.get(database, PAGE_RENDER_MS["sqlite"])
    rows = []
    names = list(dict.fromkeys(n for s in scales for n in (s.get("pages") or {})))
    for name in names:
        first = _get(scales[0], "pages", name, "p50")
        last = _get(scales[-1], "pages", name, "p50")
        ok = last is not None and last <= limit and (first is None or last <= PAGE_GROWTH * first)
        rows.append(
            _row(f"{name}: uncached p50 / p95 ms", scales,
                 lambda s, n=name: _get(s, "pages", n, "p50"),
                 lambda s, n=name: f"{number(_get(s, 'pages', n, 'p50'))} / "
                                   f"{number(_get(s, 'pages', n, 'p95'))}",
                 target=f"p50 ≤ {limit:g}, ≤ {PAGE_GROWTH:g}× first", ok=bool(ok))
        )  # fmt: skip
        rows.append(
            _row(f"{name}: first after a write ms (just before it)", scales,
                 lambda s, n=name: _get(s, "pages", n, "after_write_ms"),
                 lambda s, n=name: f"{number(_get(s, 'pages', n, 'after_write_ms'))} "
                                   f"({number(_get(s, 'pages', n, 'before_write_ms'))})")
        )  # fmt: skip
        steady = [_get(s, "pages", name, "sql") for s in scales]
        after = [_get(s, "pages", name, "sql_after_write") for s in scales]
        sql_ok = (
            None not in steady
            and None not in after
            and len(set(steady)) == 1
            and len(set(after)) == 1
            and max(steady + after) <= PAGE_STATEMENTS  # type: ignore[type-var]
        )
        rows.append(
            _row(f"{name}: SQL statements / after write", scales,
                 lambda s, n=name: _get(s, "pages", n, "sql"),
                 lambda s, n=name: f"{number(_get(s, 'pages', n, 'sql'), 0)} / "
                                   f"{number(_get(s, 'pages', n, 'sql_after_write'), 0)}",
                 target=f"≤ {PAGE_STATEMENTS}, equal at every scale", ok=sql_ok)
        )  # fmt: skip
    return rows


def other_rows(scales: list[dict[str, Any]], hello: dict[str, Any]) -> list[Row]:
    """Throughput, heavy operations and memory."""
    hello_rps = hello.get("per_second")
    rows = [Row("hello-world: req/s (8 conn.)", [hello_rps] * len(scales),
                [number(hello_rps)] * len(scales))]  # fmt: skip
    for name in ("start page", "contact list"):

        def rps(s: dict[str, Any], name: str = name) -> float | None:
            return _get(s, "throughput", name, "per_second")

        def share(s: dict[str, Any], name: str = name) -> float | None:
            value = rps(s, name)
            return 100 * value / hello_rps if value is not None and hello_rps else None

        rows.append(_row(f"{name}: req/s (8 conn.)", scales, rps))
        last = share(scales[-1])
        rows.append(
            _row(f"{name}: % of hello-world", scales, share,
                 target=f"≥ {THROUGHPUT_SHARE:g} %",
                 ok=last is not None and last >= THROUGHPUT_SHARE)
        )  # fmt: skip
    for name, limit in OPERATION_SECONDS.items():
        last = _get(scales[-1], "operations", name, "seconds")
        rows.append(
            _row(f"{name}: s", scales, lambda s, n=name: _get(s, "operations", n, "seconds"),
                 digits=2, target=f"≤ {limit:g} s", ok=last is not None and last <= limit)
        )  # fmt: skip
    csv_rate = _get(scales[-1], "operations", "meeting-list CSV", "rows_per_second")
    rows.append(
        _row("meeting-list CSV: rows/s", scales,
             lambda s: _get(s, "operations", "meeting-list CSV", "rows_per_second"),
             lambda s: f"{number(_get(s, 'operations', 'meeting-list CSV', 'rows_per_second'), 0)}"
                       f" ({number(_get(s, 'operations', 'meeting-list CSV', 'rows'), 0)} rows)",
             target=f"≥ {CSV_ROWS_PER_SECOND:,} rows/s".replace(",", " "),
             ok=csv_rate is not None and csv_rate >= CSV_ROWS_PER_SECOND)
    )  # fmt: skip
    for name in OTHER_OPERATIONS:
        rows.append(
            _row(f"{name}: s", scales, lambda s, n=name: _get(s, "operations", n, "seconds"),
                 digits=2)
        )  # fmt: skip
    rows.append(
        _row("calendar feed: events", scales,
             lambda s: _get(s, "operations", "calendar feed", "events"), digits=0)
    )  # fmt: skip
    last_mem = scales[-1].get("memory_mb")
    rows.append(
        _row("worker peak memory: MB", scales, lambda s: s.get("memory_mb"),
             target=f"≤ {WORKER_MEMORY_MB:g} MB",
             ok=last_mem is not None and last_mem <= WORKER_MEMORY_MB)
    )  # fmt: skip
    rows.append(
        _row("other processes: % of CPU", scales, lambda s: s.get("others_cpu_percent"),
             target=f"≤ {BUSY_SHARE:g} % (else unreliable)")
    )  # fmt: skip
    return rows


def table(rows: list[Row], labels: list[str]) -> str:
    """A plain-text table: measurement, every scale, growth, target, ok/FAIL."""
    header = ["measurement", *labels, "growth", "target", ""]
    lines = [
        [r.name, *r.texts, r.growth, r.target, "" if r.ok is None else ("ok" if r.ok else "FAIL")]
        for r in rows
    ]
    widths = [max(len(str(line[i])) for line in [header, *lines]) for i in range(len(header))]
    right = range(1, len(labels) + 2)

    def render(cells: list[str]) -> str:
        out = [
            cells[i].rjust(widths[i]) if i in right else cells[i].ljust(widths[i])
            for i in range(len(cells))
        ]
        return "  ".join(out).rstrip()

    rule = "-" * len(render(header))
    return "\n".join([render(header), rule, *(render(line) for line in lines), rule])


def databases_log(scale: str) -> str:
    """The gunicorn log of a scale's run (bench/run.py names it)."""
    return f"instance/bench/gunicorn-scale-{scale.replace('.', '_')}.log"


def finish(results: dict[str, Any], *, output: Path) -> int:
    """Print the table, write results.json, and return the exit status (1: a target missed)."""
    scales = results["scales"]
    labels = list(scales)
    measured = [scales[label] for label in labels]
    rows = (
        team_rows(measured)
        + page_rows(measured, results.get("database", "sqlite"))
        + other_rows(measured, results.get("hello", {}))
    )
    failed = [r.name for r in rows if r.ok is False]
    errors = [f"scale {k}: {e}" for k, v in scales.items() for e in v.get("errors", [])]
    errors += [
        f"scale {k}: a gunicorn worker died and was replaced (crash, timeout or out of "
        f"memory; see {databases_log(k)})"
        for k, v in scales.items()
        if v.get("workers_restarted")
    ]
    results["rows"] = [r.as_dict() for r in rows]
    results["failed"] = failed
    results["passed"] = not failed and not errors
    output.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")

    print()
    print(f"Samverkan bench — {results['database']}, {results['timestamp']}")
    print(table(rows, [f"scale {label}" for label in labels]))
    for error in errors:
        print(f"ERROR {error}")
    watched = {"hello-world": results.get("hello", {})}
    watched |= {f"scale {k}": v for k, v in scales.items()}
    for what, result in watched.items():
        share = result.get("others_cpu_percent", 0)
        if share > BUSY_SHARE:
            print(
                f"WARNING {what}: other processes used {share:.0f} % of the machine's CPU "
                "meanwhile; these timings are not reliable"
            )
    versions = {result.get("cache_key", "").split(" scale=")[0] for result in scales.values()}
    if len(versions) > 1:
        print(
            "WARNING the migrations or the demo generator changed during the run: "
            "the scales are not strictly comparable"
        )
    print(f"Results: {output}")
    if failed or errors:
        print(f"{len(failed)} target(s) missed" + (f", {len(errors)} error(s)" if errors else ""))
        return 1
    print("All targets met.")
    return 0
