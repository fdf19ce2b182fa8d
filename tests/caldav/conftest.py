"""A real Radicale server for the CalDAV tests: started once per session on 127.0.0.1 on a
free port with its storage in a temporary folder and no authentication; each test gets a
calendar of its own on it, so tests do not see each other's events."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import caldav
import pytest


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_up(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"Radicale stopped: {log.read_text()[-2000:]}")
        try:
            urllib.request.urlopen(url, timeout=1).close()
            return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("Radicale did not start within 20 s")


@pytest.fixture(scope="session")
def radicale(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The URL of a Radicale server that lives for the test session."""
    folder = tmp_path_factory.mktemp("radicale")
    port = _free_port()
    config = folder / "config"
    config.write_text(
        "[server]\n"
        f"hosts = 127.0.0.1:{port}\n"
        "[auth]\n"
        "type = none\n"
        "[rights]\n"
        "type = owner_only\n"
        "[storage]\n"
        f"filesystem_folder = {folder / 'collections'}\n"
        "[logging]\n"
        "level = warning\n"
    )
    log = folder / "radicale.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "radicale", "--config", str(config)],
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}/"
    try:
        _wait_until_up(url, process, log)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def app_config(app_config: dict[str, Any], radicale: str) -> dict[str, Any]:
    """The test configuration with the sync on, into a calendar of this test's own."""
    return {
        **app_config,
        "CALDAV_URL": radicale,
        "CALDAV_USERNAME": "team",
        "CALDAV_PASSWORD": "x",
        "CALDAV_CALENDAR": f"test-{uuid.uuid4().hex[:10]}",
        "CALDAV_APP_URL": "https://samverkan.example.se/",
    }


class OtherClient:
    """Another calendar program on the same calendar, using the caldav library directly."""

    def __init__(self, url: str, calendar: str) -> None:
        self.client = caldav.DAVClient(url=url, username="team", password="x")
        self.calendar = self.client.principal().calendar(name=calendar)

    def events(self) -> list[Any]:
        return list(self.calendar.events())

    def event(self, uid: str) -> Any:
        return self.calendar.event_by_uid(uid)

    def etags(self) -> dict[str, str]:
        return {str(o.url): o.etag for o in self.calendar.objects_by_sync_token(load_objects=False)}


@pytest.fixture
def other_client(app_config: dict[str, Any]):
    """`other_client()`: the test's calendar as another client sees it (call it after the
    first sync, which creates the calendar)."""
    return lambda: OtherClient(app_config["CALDAV_URL"], app_config["CALDAV_CALENDAR"])
