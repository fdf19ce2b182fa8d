"""Timing: sequential page requests (p50/p95), throughput under concurrent connections,
and the one-off heavy operations (exports, reports, feeds)."""

from __future__ import annotations

import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass

from .client import Client, Response, expect

#: Discarded requests before a page is timed (template compilation, caches, first query).
WARMUP = 3
#: Requests a page gets even when it is over its time budget.
MIN_REQUESTS = 5


@dataclass
class Timings:
    """Sequential timings of one page, in milliseconds."""

    requests: int
    p50: float
    p95: float
    mean: float
    fastest: float
    slowest: float
    bytes: int

    def as_dict(self) -> dict[str, float | int]:
        return {k: round(v, 2) if isinstance(v, float) else v for k, v in asdict(self).items()}


def percentile(values: list[float], share: float) -> float:
    """The `share` (0–1) percentile, interpolated between the nearest ranks."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    position = share * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def time_page(client: Client, path: str, *, requests: int, budget: float) -> Timings:
    """GET `path` `requests` times one after the other (after a warm-up); all must be 200.

    A page that has used up `budget` seconds stops early (after at least MIN_REQUESTS):
    at that speed it misses a 30 ms target by far, and 50 requests would take many minutes.
    """
    for _ in range(WARMUP):
        expect(client.get(path), 200, f"GET {path}")
    samples, size = [], 0
    deadline = time.perf_counter() + budget
    for _ in range(requests):
        response = expect(client.get(path), 200, f"GET {path}")
        samples.append(response.seconds * 1000)
        size = len(response.body)
        if len(samples) >= MIN_REQUESTS and time.perf_counter() > deadline:
            break
    return Timings(
        requests=len(samples),
        p50=percentile(samples, 0.50),
        p95=percentile(samples, 0.95),
        mean=statistics.fmean(samples),
        fastest=min(samples),
        slowest=max(samples),
        bytes=size,
    )


@dataclass
class Throughput:
    """Completed requests per second with `connections` clients requesting without pause."""

    connections: int
    seconds: float
    requests: int
    errors: int
    per_second: float

    def as_dict(self) -> dict[str, float | int]:
        return {k: round(v, 2) if isinstance(v, float) else v for k, v in asdict(self).items()}


def throughput(
    port: int, path: str, *, cookies: dict[str, str], connections: int = 8, seconds: float = 10
) -> Throughput:
    """`connections` threads each GET `path` in a loop for `seconds`; count the answers.

    A request that is still running when the time is up is not counted. Any status but
    200 counts as an error (and the figure is then not to be trusted).
    """
    expect(Client(port, cookies).get(path), 200, f"GET {path}")
    start = threading.Barrier(connections + 1)
    counts = [0] * connections
    errors = [0] * connections
    deadline = 0.0

    def hammer(slot: int) -> None:
        client = Client(port, cookies)
        start.wait()
        while time.perf_counter() < deadline:
            try:
                response = client.request("GET", path, keep_cookies=False)
            except OSError:
                errors[slot] += 1
                continue
            if time.perf_counter() > deadline:
                return
            if response.status == 200:
                counts[slot] += 1
            else:
                errors[slot] += 1

    threads = [threading.Thread(target=hammer, args=(n,), daemon=True) for n in range(connections)]
    for thread in threads:
        thread.start()
    began = time.perf_counter()
    deadline = began + seconds
    start.wait()
    for thread in threads:
        thread.join()
    total = sum(counts)
    return Throughput(connections, seconds, total, sum(errors), total / seconds)


def time_operation(
    run: Callable[[], Response | float], *, repeats: int, give_up_after: float
) -> dict[str, float | int]:
    """Run a heavy operation up to `repeats` times; its time is the median of the runs.

    `run` returns the Response it timed (or a number of seconds). Repeats stop early once
    the runs so far took `give_up_after` seconds, so a very slow operation is measured
    once instead of holding the run up.
    """
    samples: list[float] = []
    for _ in range(repeats):
        result = run()
        samples.append(result if isinstance(result, float) else result.seconds)
        if sum(samples) >= give_up_after:
            break
    return {
        "seconds": round(statistics.median(samples), 3),
        "runs": len(samples),
        "fastest": round(min(samples), 3),
        "slowest": round(max(samples), 3),
    }
