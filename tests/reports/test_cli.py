"""`flask report …` for scheduled runs: exit codes, messages, readable files."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def test_monthly_xlsx(world, runner, tmp_path):
    output = tmp_path / "rapport.xlsx"
    result = runner.invoke(
        args=[
            "report",
            "monthly",
            "--month",
            "2026-10",
            "--format",
            "xlsx",
            "--output",
            str(output),
        ]
    )
    assert result.exit_code == 0, result.output
    assert "2026-10" in result.output and str(output) in result.output
    book = load_workbook(output)
    assert book.sheetnames[0] == "Sammanfattning"
    facts = {row[0]: row[1] for row in book["Sammanfattning"].iter_rows(values_only=True)}
    assert facts["Genomförda möten"] == 6
    assert not list(tmp_path.glob(".report-*"))  # no temporary file left behind


def test_monthly_csv(world, runner, tmp_path):
    output = tmp_path / "rapport.csv"
    result = runner.invoke(
        args=["report", "monthly", "--month", "2026-10", "--format", "csv", "--output", str(output)]
    )
    assert result.exit_code == 0, result.output
    data = output.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert ["Genomförda möten", "6"] in rows


def test_default_month_and_file_name(seeded, runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(args=["report", "monthly"])
    assert result.exit_code == 0, result.output
    written = list(tmp_path.glob("sammanstallning-*.xlsx"))
    assert len(written) == 1 and load_workbook(written[0]).sheetnames


@pytest.mark.parametrize("month", ["2026-13", "oktober", "2026-1", "1850-01"])
def test_a_bad_month_is_refused(seeded, runner, tmp_path, month):
    output = tmp_path / "rapport.xlsx"
    result = runner.invoke(args=["report", "monthly", "--month", month, "--output", str(output)])
    assert result.exit_code != 0
    assert "not a month" in result.output and "YYYY-MM" in result.output
    assert not output.exists()


def test_a_bad_format_is_refused(seeded, runner, tmp_path):
    result = runner.invoke(args=["report", "monthly", "--format", "pdf"])
    assert result.exit_code != 0 and "pdf" in result.output


@pytest.mark.parametrize("where", ["missing/rapport.xlsx", "a-file/rapport.xlsx"])
def test_an_unwritable_path_is_refused(seeded, runner, tmp_path, where):
    (tmp_path / "a-file").write_text("not a folder")
    result = runner.invoke(
        args=["report", "monthly", "--month", "2026-10", "--output", str(tmp_path / where)]
    )
    assert result.exit_code == 1
    assert "Cannot write" in result.output


def test_a_folder_is_not_a_file(seeded, runner, tmp_path):
    result = runner.invoke(args=["report", "monthly", "--output", str(tmp_path)])
    assert result.exit_code != 0 and "directory" in result.output


def test_final_and_situation(world, runner, tmp_path):
    final = tmp_path / "slut.xlsx"
    result = runner.invoke(args=["report", "final", "--to", "2026-11-30", "--output", str(final)])
    assert result.exit_code == 0, result.output
    assert "Per kvartal" in load_workbook(final).sheetnames
    early = runner.invoke(args=["report", "final", "--to", "2020-01-01", "--output", str(final)])
    assert early.exit_code != 0 and "before the assignment's start" in early.output
    bad = runner.invoke(args=["report", "final", "--to", "2026-02-30"])
    assert bad.exit_code != 0 and "not a date" in bad.output
    situation = tmp_path / "lagesbild.xlsx"
    result = runner.invoke(args=["report", "situation", "--output", str(situation)])
    assert result.exit_code == 0, result.output
    assert load_workbook(situation)["Kommuner"].max_row == 291
