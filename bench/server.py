"""Serving an app with gunicorn for the benchmark, and reading its workers' peak memory.

The app runs as in production: gunicorn with the repository's gunicorn.conf.py (gthread
workers and threads, timeouts, preloading), overriding only where it listens (a free
127.0.0.1 port), where it logs (the bench's log file, no access log) and gunicorn's control
socket (off, so parallel runs do not take each other's). A worker that died (timeout,
crash, out of memory) is reported.
"""

from __future__ import annotations

import http.client
import os
import runpy
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from .databases import ROOT

GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
CONFIG = ROOT / "gunicorn.conf.py"


def production_settings(env: dict[str, str]) -> dict[str, object]:
    """What gunicorn.conf.py sets under `env` (workers, threads, timeouts …)."""
    saved = dict(os.environ)
    try:
        os.environ.clear()
        os.environ.update(env)
        settings = runpy.run_path(str(CONFIG))
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return {k: v for k, v in settings.items() if not k.startswith("_") and
            isinstance(v, (int, str, bool, list, type(None)))}  # fmt: skip


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """One gunicorn master with its workers; `with Server(...) as server:` starts and stops."""

    def __init__(self, app: str, *, env: dict[str, str], log: Path, ready_path: str) -> None:
        self.app = app
        # No access log, whatever the caller's environment asks for (gunicorn.conf.py).
        self.env = {k: v for k, v in env.items() if k != "GUNICORN_ACCESS_LOG"}
        self.log = log
        self.ready_path = ready_path
        self.port = 0
        self.settings = production_settings(self.env)
        self.process: subprocess.Popen[bytes] | None = None
        self.first_workers: set[int] = set()

    def __enter__(self) -> Server:
        self.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def start(self) -> None:
        """Start gunicorn and wait until `ready_path` answers 200 (at most a minute)."""
        if not Path(GUNICORN).exists():
            raise RuntimeError(f"gunicorn is not installed in the venv ({GUNICORN})")
        self.port = free_port()
        command = [
            GUNICORN,
            "--config", str(CONFIG),
            "--bind", f"127.0.0.1:{self.port}",
            "--error-logfile", "-",  # to self.log
            "--log-level", "warning",
            "--no-control-socket",
            self.app,
        ]  # fmt: skip
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with self.log.open("wb") as output:  # this run only
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=self.env, stdout=output, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited at start; see {self.log}:\n{self.log_tail()}")
            if self._answers() and len(self.workers()) == self.settings["workers"]:
                self.first_workers = set(self.workers())
                return
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer within a minute; see {self.log}")

    def _answers(self) -> bool:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        try:
            connection.request("GET", self.ready_path)
            return connection.getresponse().status == 200
        except OSError:
            return False
        finally:
            connection.close()

    @property
    def pid(self) -> int:
        """The master's process id."""
        assert self.process is not None
        return self.process.pid

    def workers(self) -> list[int]:
        """Process ids of the master's workers (its child processes)."""
        if self.process is None:
            return []
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in path.read_text().split()]
        except OSError:
            return []

    def restarted_workers(self) -> bool:
        """True if a worker died (timeout, crash, out of memory) and was replaced."""
        return set(self.workers()) != self.first_workers

    def peak_memory_mb(self) -> float:
        """The largest peak resident set size (VmHWM) of the current workers, in MB."""
        peaks = []
        for pid in self.workers():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            for line in status.splitlines():
                if line.startswith("VmHWM:"):
                    peaks.append(int(line.split()[1]) / 1024)
        return max(peaks, default=0.0)

    def stop(self) -> None:
        """Stop gunicorn gracefully; kill it if it does not go within its graceful timeout."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=15 + int(self.settings.get("graceful_timeout") or 30))
        except subprocess.TimeoutExpired:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""
