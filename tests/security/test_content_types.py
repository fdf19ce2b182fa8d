"""One charset in every Content-Type: each GET route of the URL map (as an admin, with
example rows), and the XLSX, vCard-list and list exports the walk does not reach. Werkzeug
adds "; charset=utf-8" to a text type given as a mimetype, so a type that already named its
charset said it twice, which some clients refuse."""

from __future__ import annotations

import pytest

from ..conftest import login
from .conftest import GET_RULES, example_path


@pytest.fixture
def admin(client, users, example_rows):
    login(client, users["admin"])
    return client


def charset_problem(content_type: str) -> str | None:
    """What is wrong with the header's charset, if anything: a text type names exactly one
    (UTF-8), any other type at most one."""
    count = content_type.lower().count("charset=")
    if content_type.startswith("text/") and count != 1:
        return f"{count} charsets"
    if count > 1:
        return f"{count} charsets"
    if count and "charset=utf-8" not in content_type.lower():
        return "not UTF-8"
    return None


def test_every_response_names_one_charset(admin, example_rows):
    problems, downloads = {}, set()
    paths = [example_path(rule, token=example_rows.feed_token) for rule in GET_RULES]
    paths += [
        "/organisationer/export.xlsx",
        "/kontakter/export.xlsx",
        "/moten/export.xlsx",
        "/uppfoljningar/export.xlsx",
    ]
    for path in paths:
        response = admin.get(path)
        response.close()
        content_type = response.headers.get("Content-Type", "")
        problem = charset_problem(content_type)
        if problem:
            problems[path] = f"{content_type!r}: {problem}"
        if response.headers.get("Content-Disposition", "").startswith("attachment"):
            downloads.add(path.split("?")[0])
    assert problems == {}
    # The walk reached every kind of download, the new list exports among them.
    assert {
        "/organisationer/export.csv",
        "/kontakter/export.csv",
        "/kontakter/export.vcf",
        "/kontakter/1.vcf",
        "/moten/export.csv",
        "/uppfoljningar/export.csv",
        "/moten/export.xlsx",
    } <= downloads


def test_the_download_types():
    assert charset_problem("text/csv; charset=utf-8") is None
    assert charset_problem("text/csv; charset=utf-8; charset=utf-8") == "2 charsets"
    assert charset_problem("text/calendar; charset=utf-8; method=REQUEST") is None
    assert (
        charset_problem("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet") is None
    )
