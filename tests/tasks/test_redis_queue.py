"""Huey's Redis storage: Debian's redis-server started here (a free 127.0.0.1 port, no
persistence, a temporary folder), a mailing queued by this process and sent by a real
worker process. Without /usr/bin/redis-server the test is skipped, except under CI where a
missing service is an error."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ..served import free_port
from .shared_queue import send_mailing_through_worker

REDIS_SERVER = shutil.which("redis-server")


@pytest.fixture
def redis_url() -> Iterator[str]:
    if REDIS_SERVER is None:
        if os.environ.get("CI"):
            pytest.fail("redis-server is missing (apt-get install redis-server)")
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    folder = Path(tempfile.mkdtemp(prefix="redis-"))
    port = free_port()
    command = [REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(folder)]
    command += ["--save", "", "--appendonly", "no", "--protected-mode", "yes"]
    with (folder / "redis.log").open("w") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                assert process.poll() is None, (folder / "redis.log").read_text()
                assert time.monotonic() < deadline, "redis-server did not start within 10 s"
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


def test_a_mailing_queued_in_redis_is_sent_by_a_worker(redis_url):
    send_mailing_through_worker(redis_url, "RedisStorage")
