"""An XLSX whose sheet XML declares entities (a "billion laughs" part) is refused with a
Swedish message, checked with defusedxml before openpyxl reads anything, on the upload."""

from __future__ import annotations

import io
import re
import zipfile

import pytest

from app.contacts.import_files import UnreadableFile, read_table

from ..security.test_uploads import batches, xlsx

LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n<!ENTITY lol "lol">\n'
    + "".join(
        f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">\n'
        for n in range(1, 10)
    )
    + ']>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
    "</sheetData></worksheet>"
)


def with_part(name: str, text: str) -> bytes:
    """A real workbook with the part `name` replaced by `text`."""
    source = zipfile.ZipFile(io.BytesIO(xlsx([["Förnamn", "Efternamn"], ["Anna", "Berg"]])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = text.encode() if info.filename == name else source.read(info.filename)
            target.writestr(info.filename, data)
    return out.getvalue()


@pytest.mark.parametrize(
    "part", ["xl/worksheets/sheet1.xml", "xl/workbook.xml", "[Content_Types].xml"]
)
def test_a_part_with_entities_is_refused_before_parsing(app, part):
    with app.test_request_context(), pytest.raises(UnreadableFile, match="DTD eller entiteter"):
        read_table(with_part(part, LAUGHS), filename="k.xlsx", max_bytes=10**7, max_rows=100)


def test_an_ordinary_workbook_still_reads(app):
    data = xlsx([["Förnamn", "Efternamn"], ["Anna", "Berg"]])
    with app.test_request_context():
        table = read_table(data, filename="k.xlsx", max_bytes=10**7, max_rows=100)
    assert table.rows == [["Anna", "Berg"]]


def test_the_upload_answers_400_with_a_swedish_message(app, seeded, as_role):
    client = as_role("coordinator")
    bomb = with_part("xl/worksheets/sheet1.xml", LAUGHS)
    response = client.post("/kontakter/import", data={"file": (io.BytesIO(bomb), "k.xlsx")})
    assert response.status_code == 400
    message = re.search(r'class="field-error"[^>]*>([^<]+)<', response.text)
    assert message and "otillåtna XML-konstruktioner" in message.group(1)
    assert batches(app) == 0
