"""The CalDAV proposals page in Chromium, against the real Radicale the CalDAV tests start:
two meetings are published, both are moved on the server by another calendar program, the
sync turns the moves into proposals, and a coordinator finds the page in the menu, confirms
one and rejects the other by clicking."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.caldav.conftest import OtherClient, radicale  # noqa: F401 (a fixture)
from tests.caldav.test_sync import move_on_server
from tests.served import ROOT, database_url, drop_schema, served_app

from .caldav_world import TITLES
from .conftest import log_in, screenshot


@pytest.fixture(scope="module")
def caldav_server(radicale):  # noqa: F811
    """The app served with CalDAV on, its database's address and environment."""
    calendar = f"e2e-{uuid.uuid4().hex[:10]}"
    directory = Path(tempfile.mkdtemp(prefix="samverkan-caldav-e2e-"))
    url, schema = database_url(directory)
    env = {
        "DATABASE_URL": url,
        "SAMVERKAN_CALDAV_URL": radicale,
        "SAMVERKAN_CALDAV_USERNAME": "team",
        "SAMVERKAN_CALDAV_PASSWORD": "x",
        "SAMVERKAN_CALDAV_CALENDAR": calendar,
    }
    try:
        with served_app(world="tests.e2e.caldav_world", prefix="samverkan-caldav-", env=env) as s:
            yield {"base": s.base, "url": url, "env": env, "calendar": calendar}
    finally:
        if schema:
            drop_schema(schema)


def run_sync(server) -> str:
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "LANG": "C.UTF-8",
        "PYTHONPATH": str(ROOT),
        "SECRET_KEY": "caldav-e2e",
        "SAMVERKAN_INSTANCE_PATH": tempfile.mkdtemp(prefix="samverkan-caldav-cli-"),
        **server["env"],
    }
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "caldav", "sync"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def meetings(server) -> dict[str, tuple[str, object]]:
    engine = create_engine(server["url"])
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT title, uid, starts_at FROM meetings")).all()
    engine.dispose()
    return {title: (uid, starts_at) for title, uid, starts_at in rows}


def test_a_coordinator_confirms_one_proposal_and_rejects_another(browser, caldav_server):
    assert "2 created" in run_sync(caldav_server)
    before = meetings(caldav_server)
    other = OtherClient(caldav_server["env"]["SAMVERKAN_CALDAV_URL"], caldav_server["calendar"])
    move_on_server(other, before[TITLES[0]][0], hours=2, location="Kommunhuset, sal 3")
    move_on_server(other, before[TITLES[1]][0], hours=-1)
    assert "2 proposals" in run_sync(caldav_server)

    context = browser.new_context(
        base_url=caldav_server["base"], locale="sv-SE", timezone_id="Europe/Stockholm"
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        log_in(page, "coordinator")
        page.get_by_role("navigation", name="Huvudmeny").get_by_role(
            "link", name="Kalenderändringar"
        ).click()
        page.wait_for_url("**/kalender/caldav")
        assert page.get_by_role("heading", name="Att hantera (2)").is_visible()
        page.get_by_role("button", name=f"Bekräfta {TITLES[0]}").click()
        page.get_by_text("Ändringen är införd i mötet.").wait_for()
        page.get_by_role("button", name=f"Avvisa {TITLES[1]}").click()
        page.get_by_text("Förslaget är avvisat").wait_for()
        assert page.get_by_role("heading", name="Att hantera (0)").is_visible()
        decided = page.get_by_role("table", name="Senast hanterade förslag")
        assert decided.get_by_role("row").count() == 3  # the heading and the two decisions
        screenshot(page, "caldav-proposals-decided")
    finally:
        context.close()

    after = meetings(caldav_server)

    def hour(value) -> int:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else value
        return moment.replace(tzinfo=moment.tzinfo or UTC).astimezone(UTC).hour

    assert hour(after[TITLES[0]][1]) == (hour(before[TITLES[0]][1]) + 2) % 24  # confirmed
    assert hour(after[TITLES[1]][1]) == hour(before[TITLES[1]][1])  # rejected: as it was
    # The next sync writes both back as Samverkan has them (the confirmed one with its new
    # SEQUENCE, the rejected one over the server's move).
    assert "2 updated" in run_sync(caldav_server)
    assert "2 unchanged" in run_sync(caldav_server)
