"""The machine the bench runs on, and whether something else was using it meanwhile.

Timings on a 2-core machine mean little if a test suite runs beside them. `OtherLoad`
compares the CPU time the whole machine spent (from /proc/stat) with what the bench and its
gunicorn processes spent (from /proc/<pid>/stat), and reports the rest as a share of the
machine: a share of more than a few percent makes the timings of that run suspect.
"""

from __future__ import annotations

import contextlib
import os
import platform
import time
from pathlib import Path
from typing import Any

TICKS = os.sysconf("SC_CLK_TCK")


def describe() -> dict[str, Any]:
    """CPU count, processor, memory, system and Python version."""
    memory = ""
    with contextlib.suppress(OSError, IndexError):
        memory = Path("/proc/meminfo").read_text().splitlines()[0].split(":")[1].strip()
    return {
        "cpus": os.cpu_count(),
        "processor": platform.processor() or platform.machine(),
        "memory": memory,
        "system": platform.platform(),
        "python": platform.python_version(),
    }


def busy_seconds() -> float:
    """CPU seconds the machine has spent on anything but idling, since boot."""
    with contextlib.suppress(OSError):
        fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
        values = [int(v) for v in fields]
        idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
        guest = sum(values[8:10]) if len(values) > 9 else 0  # already counted in user/nice
        return (sum(values) - idle - guest) / TICKS
    return 0.0


def process_seconds(pid: int) -> float:
    """CPU seconds (user + system) process `pid` has used; 0 if it is gone."""
    with contextlib.suppress(OSError, IndexError, ValueError):
        after_name = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(after_name[11]) + int(after_name[12])) / TICKS
    return 0.0


def matching_processes(marker: str) -> set[int]:
    """Processes whose command line contains `marker` (PostgreSQL backends show their
    database name there: "postgres: 15/main: postgres samverkan_bench_1_run …")."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if marker.encode() in (entry / "cmdline").read_bytes():
                    found.add(int(entry.name))
    return found


class OtherLoad:
    """Share of the machine used by processes other than ours between start() and stop().

    Ours: this process, the given pids (gunicorn), and any process whose command line holds
    `marker` (the database server's backends for our database, counted from when they are
    first seen; on PostgreSQL they do part of the work of every request).
    """

    def __init__(self) -> None:
        self.started = 0.0
        self.busy = 0.0
        self.pids: set[int] = set()
        self.marker = ""
        self.baseline: dict[int, float] = {}
        self.own_start = 0.0

    def _ours(self) -> float:
        times = os.times()
        total = times.user + times.system - self.own_start
        pids = self.pids | (matching_processes(self.marker) if self.marker else set())
        for pid in pids:
            total += process_seconds(pid) - self.baseline.get(pid, 0.0)
        return total

    def start(self, pids: list[int], *, marker: str = "") -> None:
        self.pids, self.marker = set(pids), marker
        self.started = time.monotonic()
        self.busy = busy_seconds()
        times = os.times()
        self.own_start = times.user + times.system
        watched = self.pids | (matching_processes(marker) if marker else set())
        self.baseline = {pid: process_seconds(pid) for pid in watched}

    def stop(self) -> float:
        """The others' share in percent of all CPUs (call while our processes still run)."""
        wall = time.monotonic() - self.started
        others = (busy_seconds() - self.busy) - self._ours()
        capacity = wall * (os.cpu_count() or 1)
        return max(0.0, 100 * others / capacity) if capacity else 0.0
