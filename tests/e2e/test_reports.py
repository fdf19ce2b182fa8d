"""Reports in the browser: last month's summary with its XLSX and CSV opened, printed to PDF,
the lägesbild's map leading to Malmö, the silence list, and axe on every report page."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from .conftest import screenshot
from .test_accessibility import axe_violations


def test_summary_exports_print_map_and_silence_list(new_page, tmp_path):
    page = new_page("coordinator")
    page.goto("/")
    page.get_by_role("link", name="Rapporter").click()
    page.get_by_role("link", name="Verksamhetssammanställning").first.click()
    assert page.get_by_role("heading", level=1).inner_text()
    screenshot(page, "report-summary")

    with page.expect_download() as download:
        page.get_by_role("link", name="Excel").first.click()
    workbook = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert len(workbook.sheetnames) > 3
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"formula in {sheet.title}!{cell.coordinate}"

    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").first.click()
    data = Path(download.value.path()).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) > 5

    page.get_by_role("link", name="Utskriftsversion").first.click()
    # The click only starts the navigation: print once the print version has loaded, or
    # Chromium prints the blank page in between (a 910-byte PDF with no title, in CI).
    page.wait_for_url("**/sammanstallning/utskrift*")
    page.get_by_text("Sidan är anpassad för utskrift").wait_for()
    page.wait_for_load_state("load")
    pdf = page.pdf(format="A4", path=str(tmp_path / "rapport.pdf"))
    assert pdf.startswith(b"%PDF") and len(pdf) > 5000
    screenshot(page, "report-summary-print")

    page.goto("/rapporter/lagesbild")
    screenshot(page, "report-situation")
    page.set_viewport_size({"width": 1280, "height": 1000})
    page.screenshot(path=str(Path(screenshot.__globals__["ARTIFACTS"]) / "report-map.png"))
    malmo = page.locator("svg a", has=page.locator("title", has_text="Malmö"))
    malmo.first.click()
    page.get_by_role("heading", name="Malmö kommun").wait_for()

    page.goto("/rapporter/tystnad?manader=6")
    # Never contacted: listed (first, with no date).
    assert page.get_by_role("link", name="Kiruna kommun", exact=True).count() == 1
    screenshot(page, "report-silence")


@pytest.mark.parametrize(
    "path",
    [
        "/rapporter",
        "/rapporter/sammanstallning",
        "/rapporter/sammanstallning/utskrift",
        "/rapporter/lagesbild",
        "/rapporter/tystnad",
        "/rapporter/slutredovisning",
    ],
)
def test_report_pages_have_no_axe_violations(new_page, path):
    page = new_page("reader")
    page.goto(path)
    violations = axe_violations(page)
    assert not violations, violations


def test_monthly_report_from_the_command_line(server, tmp_path):
    """The CLI against the same kind of database, as a scheduled job would run it."""
    del server
    output = tmp_path / "rapport.xlsx"
    env = {
        "SAMVERKAN_INSTANCE_PATH": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'r.db'}",
    }
    root = Path(__file__).resolve().parents[2]
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    base_env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), **env}
    subprocess.run(
        [*flask, "db", "upgrade"], cwd=root, env=base_env, check=True, capture_output=True
    )
    done = subprocess.run(
        [
            *flask,
            "report",
            "monthly",
            "--month",
            "2026-10",
            "--format",
            "xlsx",
            "--output",
            str(output),
        ],
        cwd=root,
        env=base_env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert openpyxl.load_workbook(output).sheetnames
    bad = subprocess.run(
        [*flask, "report", "monthly", "--month", "2026-13", "--output", str(output)],
        cwd=root,
        env=base_env,
        capture_output=True,
        text=True,
    )
    assert bad.returncode != 0 and "2026-13" in (bad.stderr + bad.stdout)
