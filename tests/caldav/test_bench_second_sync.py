"""Measurement, not a check (skipped unless BENCH_CALDAV=1): the first sync of N meetings
(BENCH_CALDAV_MEETINGS, default 300) and three syncs after it with nothing changed, against
the tests' real Radicale.

    BENCH_CALDAV=1 BENCH_CALDAV_MEETINGS=5000 .venv/bin/python -m pytest -q -s \\
        -p no:cacheprovider tests/caldav/test_bench_second_sync.py
"""

from __future__ import annotations

import os
import time

import pytest

from .test_sync import schedule, sync, team  # noqa: F401 (a fixture)


@pytest.mark.skipif(not os.environ.get("BENCH_CALDAV"), reason="a measurement: BENCH_CALDAV=1")
def test_second_sync_of_unchanged_meetings(app, team):  # noqa: F811
    meetings = int(os.environ.get("BENCH_CALDAV_MEETINGS") or 300)
    for n in range(meetings):
        schedule(app, team, title=f"Möte {n}", days=2 + n % 200)
    started = time.perf_counter()
    sync(app)
    first = time.perf_counter() - started
    again = []
    for _ in range(3):
        started = time.perf_counter()
        output = sync(app)
        again.append(time.perf_counter() - started)
    assert f"{meetings} unchanged" in output, output
    print(
        f"\n{meetings} meetings: first sync {first:.2f} s; syncs with nothing changed "
        + ", ".join(f"{s:.2f} s" for s in again)
    )
