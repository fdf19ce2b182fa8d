"""Browser tests: the app served by gunicorn on 127.0.0.1 against a fresh database, driven
by Playwright in Debian's Chromium (never a downloaded browser).

Without /usr/bin/chromium these tests are skipped, and the run says so loudly at the start
and the end; under CI (CI=true) a missing browser is an error instead. Screenshots of the
main pages are kept in test-artifacts/e2e/.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from ..served import served_app
from .world import PASSWORD, USERS

CHROMIUM = Path(os.environ.get("SAMVERKAN_CHROMIUM", "/usr/bin/chromium"))
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "e2e"
MISSING = (
    f"!!! {CHROMIUM} is missing: the browser tests (tests/e2e) are SKIPPED. "
    "Install Debian's chromium package (apt-get install chromium) to run them. !!!"
)


def chromium_available() -> bool:
    return CHROMIUM.exists() and os.access(CHROMIUM, os.X_OK)


def pytest_report_header(config: pytest.Config) -> str | None:
    return None if chromium_available() else MISSING


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    if not chromium_available():
        terminalreporter.write_sep("!", MISSING, red=True, bold=True)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if chromium_available() or os.environ.get("CI"):
        return  # under CI a missing browser fails in the fixture instead of skipping
    skip = pytest.mark.skip(reason=MISSING)
    for item in items:
        if Path(str(item.fspath)).is_relative_to(Path(__file__).parent):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def server() -> Iterator[str]:
    """The app under gunicorn with the reference data and tests/e2e/world.py loaded."""
    if not chromium_available():
        pytest.fail(MISSING)
    with served_app(world="tests.e2e.world", prefix="samverkan-e2e-") as served:
        yield served.base


@pytest.fixture(scope="session")
def browser() -> Iterator:
    if not chromium_available():
        pytest.fail(MISSING)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"]
        )
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, server):
    """`new_page("coordinator")`: a logged-in page in its own browser context (Swedish)."""
    contexts = []

    def open_as(role: str | None = None):
        context = browser.new_context(
            base_url=server, locale="sv-SE", timezone_id="Europe/Stockholm", accept_downloads=True
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        if role:
            log_in(page, role)
        return page

    yield open_as
    for context in contexts:
        context.close()


def log_in(page, role: str) -> None:
    email = USERS[role][0]
    page.goto("/logga-in")
    page.get_by_label("E-postadress").fill(email)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url("**/")


def screenshot(page, name: str) -> None:
    """Keep a full-page screenshot as a CI artifact."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
