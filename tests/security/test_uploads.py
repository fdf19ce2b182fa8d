"""Hostile uploads: the contact import refuses files over its limit before parsing, refuses
an XLSX zip bomb without inflating it, and reports malformed CSV files (bad encoding, ragged
rows, NUL bytes) without a server error; the invitation import refuses a huge calendar."""

from __future__ import annotations

import csv
import functools
import io
import re
import zipfile

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from app.contacts.models import Contact, ImportBatch
from app.extensions import db
from app.meetings.models import Meeting

#: A zip bomb's declared size: 200 MB of spaces inside the sheet, about 200 kB compressed.
BOMB_BYTES = 200 * 1024 * 1024
#: More than this inflated means the reader went through the bomb instead of refusing it.
INFLATE_LIMIT = 64 * 1024 * 1024


class InflatedTooMuch(Exception):
    """Raised by the spy: the import inflated a large part of the bomb."""


def xlsx(rows: list[list[str]]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@functools.cache
def zip_bomb() -> bytes:
    """A valid workbook (a header and one contact) whose sheet XML is padded with 200 MB of
    white space: harmless to XML, and what a reader must inflate to reach the rows."""
    source = zipfile.ZipFile(io.BytesIO(xlsx([["Förnamn", "Efternamn"], ["Anna", "Berg"]])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as bomb:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename != "xl/worksheets/sheet1.xml":
                bomb.writestr(info.filename, data)
                continue
            head, tail = data.split(b"<sheetData>")
            entry = zipfile.ZipInfo(info.filename)
            entry.compress_type = zipfile.ZIP_DEFLATED
            with bomb.open(entry, "w", force_zip64=True) as sheet:
                sheet.write(head + b"<sheetData>")
                chunk = b" " * (1 << 20)
                for _ in range(BOMB_BYTES // len(chunk)):
                    sheet.write(chunk)
                sheet.write(tail)
    return out.getvalue()


def field_error(page: str) -> str:
    """The message next to the file field."""
    found = re.search(r'class="field-error"[^>]*>([^<]+)<', page)
    return found.group(1).strip() if found else ""


def batches(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(ImportBatch))


def upload(client, data: bytes, filename: str):
    return client.post("/kontakter/import", data={"file": (io.BytesIO(data), filename)})


@pytest.fixture
def coordinator(seeded, as_role):
    return as_role("coordinator")


def test_a_file_over_the_import_limit_is_refused_before_parsing(app, coordinator, monkeypatch):
    def must_not_parse(*_args, **_kwargs):
        raise AssertionError("a file over the limit was parsed")

    monkeypatch.setattr("app.contacts.import_files.read_csv", must_not_parse)
    monkeypatch.setattr("app.contacts.import_files.read_xlsx", must_not_parse)
    app.config["IMPORT_MAX_BYTES"] = 10_000
    row = "Anna;Berg;anna.berg@example.se\r\n"
    for data, name in (
        (("Förnamn;Efternamn;E-post\r\n" + row * 400).encode(), "stor.csv"),
        (b"PK\x03\x04" + b"\x00" * 20_000, "stor.xlsx"),
    ):
        response = upload(coordinator, data, name)
        assert response.status_code == 200
        assert "Filen är för stor" in field_error(response.text)
    assert batches(app) == 0


@pytest.fixture
def inflation_spy(monkeypatch):
    """Counts the bytes inflated from any zip member; stops the reader at INFLATE_LIMIT."""
    inflated = {"bytes": 0}
    read1 = zipfile.ZipExtFile._read1

    def counting_read1(self, n):
        data = read1(self, n)
        inflated["bytes"] += len(data)
        if inflated["bytes"] > INFLATE_LIMIT:
            raise InflatedTooMuch(f"inflated over {INFLATE_LIMIT} bytes of a zip bomb")
        return data

    monkeypatch.setattr(zipfile.ZipExtFile, "_read1", counting_read1)
    return inflated


def test_an_xlsx_zip_bomb_is_refused_without_inflating_it(app, coordinator, inflation_spy):
    bomb = zip_bomb()
    assert len(bomb) < 1_000_000 < BOMB_BYTES  # small on the wire, well under the limit
    response = upload(coordinator, bomb, "kontakter.xlsx")
    assert inflation_spy["bytes"] < INFLATE_LIMIT
    assert response.status_code == 200
    assert field_error(response.text), "the bomb was accepted as a contact file"
    assert batches(app) == 0


def test_a_normal_workbook_still_imports_with_the_spy(app, coordinator, inflation_spy):
    """The spy itself does not get in the way of an ordinary file."""
    rows = [["Förnamn", "Efternamn"], *[[f"Anna{i}", "Berg"] for i in range(200)]]
    response = upload(coordinator, xlsx(rows), "kontakter.xlsx")
    assert response.status_code == 302
    assert 0 < inflation_spy["bytes"] < 1_000_000


def test_a_file_in_no_known_encoding_is_asked_about_not_guessed(app, coordinator):
    # 0x81, 0x8D, 0x8F, 0x90 and 0x9D are neither UTF-8 nor Windows-1252: the user is asked,
    # and the bytes no encoding has a letter for show as such, never as an error page.
    data = b"F\xf6rnamn;Efternamn\r\n\x81\x8d;\x8f\x90\x9d\r\n"
    response = upload(coordinator, data, "kontakter.csv")
    assert response.headers["Location"].endswith("/teckenkodning")
    question = coordinator.get(response.headers["Location"])
    assert question.status_code == 200 and "teckenkodning" in question.text
    chosen = coordinator.post(response.headers["Location"], data={"encoding": "cp1252"})
    assert chosen.headers["Location"].endswith("/kolumner")
    assert batches(app) == 1


def test_a_file_mixing_encodings_is_read_without_error(app, coordinator):
    data = "Förnamn;Efternamn\r\nÅsa;Öberg\r\n".encode() + b"P\xe4r;Ek\r\n"
    response = upload(coordinator, data, "kontakter.csv")
    assert response.status_code in (200, 302)
    assert response.status_code == 302 or field_error(response.text)


def preview_rows(page: str) -> dict[int, str]:
    """Row number → the text of its row in the preview table."""
    rows = {}
    for row in re.findall(r'<tr class="import-row[^"]*">(.*?)</tr>', page, re.S):
        cells = re.findall(r"<td>(.*?)</td>", row, re.S)
        rows[int(cells[0])] = re.sub(r"<[^>]+>", "", " | ".join(cells))
    return rows


def test_ragged_rows_are_reported_row_by_row(app, coordinator):
    data = (
        "Förnamn;Efternamn;E-post\r\n"
        "Anna;Berg;anna.berg@example.se\r\n"
        "Bo\r\n"
        ";;inte-en-adress;extra;mer;ännu mer\r\n"
        '"Cia;Dahl\r\n'
        "Dan;Ek;dan.ek@example.se;;;;;;\r\n"
    ).encode()
    response = upload(coordinator, data, "kontakter.csv")
    assert response.status_code == 302, field_error(response.text)
    preview = response.headers["Location"].removesuffix("/kolumner")
    page = coordinator.get(preview)
    assert page.status_code == 200
    rows = preview_rows(page.text)
    assert rows[2].count("Anna Berg") == 1 and "Ny kontakt" in rows[2]
    assert "Namn saknas" in rows[4] and "inte-en-adress" in rows[4]
    confirm = coordinator.post(
        preview + "/bekrafta",
        data={
            "fingerprint": re.search(r'name="fingerprint"[^>]*value="([^"]*)"', page.text)[1],
            "skip_errors": "y",
        },
    )
    assert confirm.status_code == 302
    assert coordinator.get(preview).status_code == 200


def test_a_nul_byte_early_in_the_file_is_refused_with_a_message(app, coordinator):
    data = b"F\xc3\xb6rnamn;Efternamn\r\nAn\x00na;Berg\r\n"
    response = upload(coordinator, data, "kontakter.csv")
    assert response.status_code == 200
    assert field_error(response.text)
    assert batches(app) == 0


def test_a_nul_byte_deep_in_the_file_never_reaches_the_database(app, coordinator):
    """Past the first 4 kB the binary sniffing no longer sees it. NUL cannot be stored in
    PostgreSQL text, and has no place in a name: refused or removed, never a 500."""
    app.config["PROPAGATE_EXCEPTIONS"] = False
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(["Förnamn", "Efternamn", "E-post", "Anteckningar"])
    for number in range(200):
        writer.writerow([f"Person{number}", "Berg", f"p{number}@example.se", "Anteckning"])
    writer.writerow(["An\x00na", "Be\x00rg", "anna@example.se", "Rad\x00med nul"])
    response = upload(coordinator, buffer.getvalue().encode(), "kontakter.csv")
    assert response.status_code in (200, 302), response.status_code
    if response.status_code == 200:
        assert field_error(response.text)  # refused with a message
        return
    preview = response.headers["Location"].removesuffix("/kolumner")
    assert coordinator.get(response.headers["Location"]).status_code == 200
    page = coordinator.get(preview)
    assert page.status_code == 200
    fingerprint = re.search(r'name="fingerprint"[^>]*value="([^"]*)"', page.text)[1]
    confirm = coordinator.post(
        preview + "/bekrafta", data={"fingerprint": fingerprint, "skip_errors": "y"}
    )
    assert confirm.status_code == 302, "confirming the import failed"
    with app.app_context():
        names = db.session.execute(select(Contact.first_name, Contact.last_name, Contact.notes))
        assert not [n for n in names if "\x00" in "".join(n)]


def test_a_huge_calendar_with_thousands_of_events_lists_a_bounded_few(seeded, as_role, app):
    """Under the 1 MB limit, but thousands of events (an exported calendar): the first 200 are
    listed to choose from, the page says how many the file holds, and nothing is written.
    (Kept under 500 kB: above that Werkzeug's test client spools the body to a file it
    leaves open.)"""
    event = (
        "BEGIN:VEVENT\r\nUID:{n}@example.se\r\nDTSTART:20261201T090000Z\r\n"
        "DTEND:20261201T100000Z\r\nSUMMARY:Möte {n}\r\nEND:VEVENT\r\n"
    )
    body = "".join(event.format(n=n) for n in range(4000))
    data = f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n{body}END:VCALENDAR\r\n".encode()
    assert 300_000 < len(data) < 500_000
    with app.app_context():
        meetings_before = db.session.scalar(select(func.count()).select_from(Meeting))
    response = as_role("coordinator").post(
        "/moten/importera-inbjudan", data={"file": (io.BytesIO(data), "stor.ics")}
    )
    assert response.status_code == 200
    assert "Filen innehåller 4000 möten; bara de första 200 visas" in response.text
    assert response.text.count('name="events"') == 200
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Meeting)) == meetings_before


def test_a_zip_disguised_as_a_calendar_is_refused(seeded, as_role):
    response = as_role("coordinator").post(
        "/moten/importera-inbjudan", data={"file": (io.BytesIO(zip_bomb()), "inbjudan.ics")}
    )
    assert response.status_code == 400
    assert "inte en kalenderfil" in response.text
