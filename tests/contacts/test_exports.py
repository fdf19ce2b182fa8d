"""Exports of filtered lists, and vCards."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.contacts.models import Contact
from app.contacts.services import ContactValues, create_contact
from app.contacts.vcard import Card, fold, vcard
from app.extensions import db
from app.organisations.models import Organisation, OrganisationKind
from app.organisations.services import create_organisation


@pytest.fixture
def people(seeded, app):
    with app.app_context():
        malmo = db.session.scalar(select(Organisation).filter_by(municipality_code="1280"))
        unit = create_organisation(
            values={
                "name": "Socialtjänsten",
                "kind": OrganisationKind.KOMMUN,
                "parent_id": malmo.id,
            },
            by=None,
        )
        create_contact(
            values=ContactValues(
                first_name="Åsa",
                last_name="Öberg",
                emails=["asa@malmo.se"],
                phones=["040-34 10 00"],
                tags=["nätverk"],
            ),
            organisation=unit,
            title="Enhetschef",
            by=None,
        )
        create_contact(
            values=ContactValues(first_name='=HYPERLINK("http://x")', last_name="+Elak"),
            organisation=malmo,
            by=None,
        )
        create_contact(values=ContactValues(first_name="Bo", last_name="Annan"), by=None)
        db.session.commit()
        contact_id = db.session.scalar(select(Contact.id).filter_by(last_name="Öberg"))
    return contact_id


def test_contact_csv_is_the_filtered_list_without_mojibake(people, as_role, app):
    client = as_role("reader")
    response = client.get("/kontakter/export.csv?q=oberg")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Cache-Control"] == "no-store"
    assert (
        "attachment;" in response.headers["Content-Disposition"]
        and ".csv" in response.headers["Content-Disposition"]
    )
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Efternamn", "Förnamn", "Roll eller titel"]
    assert rows[1][:7] == [
        "Öberg",
        "Åsa",
        "Enhetschef",
        "Socialtjänsten, Malmö kommun",
        "asa@malmo.se",
        "040-34 10 00",
        "nätverk",
    ]
    assert len(rows) == 2
    everyone = client.get("/kontakter/export.csv").data.decode("utf-8-sig")
    assert "'+Elak" in everyone and "'=HYPERLINK" in everyone


def test_contact_xlsx_opens_and_holds_no_formula(people, as_role):
    response = as_role("reader").get("/kontakter/export.xlsx")
    assert response.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(response.data))["Kontakter"]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][0] == "Efternamn" and len(values) == 4
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert ["+Elak", '=HYPERLINK("http://x")'] in [row[:2] for row in values]


def test_organisation_exports_follow_the_filters(seeded, as_role):
    client = as_role("reader")
    rows = list(
        csv.reader(
            io.StringIO(
                client.get("/organisationer/export.csv?typ=lansstyrelse").data.decode("utf-8-sig")
            ),
            delimiter=";",
        )
    )
    assert len(rows) == 22 and rows[0][0] == "Namn"
    sheet = load_workbook(
        io.BytesIO(client.get("/organisationer/export.xlsx?typ=kommun&lan=25").data)
    ).active
    assert sheet.max_row == 1 + 14  # Norrbotten's 14 municipalities
    assert sheet.freeze_panes == "A2"


def test_vcard_download(people, as_role):
    response = as_role("reader").get(f"/kontakter/{people}.vcf")
    assert response.mimetype == "text/vcard"
    text = response.data.decode("utf-8")
    assert text.startswith("BEGIN:VCARD\r\nVERSION:3.0\r\n") and text.endswith("END:VCARD\r\n")
    assert "N:Öberg;Åsa;;;\r\n" in text and "FN:Åsa Öberg\r\n" in text
    assert "ORG:Malmö kommun;Socialtjänsten\r\n" in text and "TITLE:Enhetschef\r\n" in text
    assert "EMAIL;TYPE=INTERNET,WORK,PREF:asa@malmo.se" in text
    assert "TEL;TYPE=WORK,VOICE,PREF:+46403410" in text


def test_vcard_escapes_and_folds():
    text = vcard(
        Card(first_name="Anna, Maria", last_name="Lind; Berg", note="Rad 1\nRad 2 " + "ä" * 80)
    )
    assert "N:Lind\\; Berg;Anna\\, Maria;;;" in text
    assert "NOTE:Rad 1\\nRad 2" in text
    for line in text.split("\r\n"):
        assert len(line.encode("utf-8")) <= 75
    assert fold("x" * 80) == "x" * 75 + "\r\n " + "x" * 5


def test_a_filtered_contact_list_downloads_as_one_vcard_file(people, as_role):
    client = as_role("reader")
    response = client.get("/kontakter/export.vcf?status=nuvarande")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/vcard; charset=utf-8"
    assert response.headers["Cache-Control"] == "no-store"
    assert ".vcf" in response.headers["Content-Disposition"]
    text = response.data.decode("utf-8")
    cards = text.split("END:VCARD\r\n")
    assert cards[-1] == "" and len(cards) - 1 == text.count("BEGIN:VCARD") == 2
    assert "FN:Åsa Öberg\r\n" in text and "N:+Elak;" in text and "Annan" not in text
    everyone = client.get("/kontakter/export.vcf").data.decode("utf-8")
    assert everyone.count("BEGIN:VCARD") == everyone.count("END:VCARD") == 3
    page = client.get("/kontakter?status=nuvarande").text
    assert 'href="/kontakter/export.vcf?status=nuvarande"' in page


def test_an_exported_csv_imports_back_without_the_formula_guard(people, as_role, app):
    """Export the list, read it as the contact import does: the names come back as they were
    typed (no leftover apostrophes), so every row matches its contact with nothing to change."""
    from app.contacts.import_files import read_table
    from app.contacts.importer import guess_mapping, plan_import

    data = as_role("reader").get("/kontakter/export.csv").data
    assert "'+Elak" in data.decode("utf-8-sig")  # the export guards it
    table = read_table(data, filename="kontakter.csv", max_bytes=5_000_000, max_rows=1000)
    cells = [cell for row in table.rows for cell in row]
    assert not [cell for cell in cells if cell.startswith("'")]
    assert ["+Elak", '=HYPERLINK("http://x")'] in [row[:2] for row in table.rows]
    with app.test_request_context():
        plan = plan_import(table.rows, guess_mapping(table.header))
    planned = {row.name: row.action for row in plan.rows}
    # Found (by organisation and name, or by address) with nothing new to add.
    assert planned['=HYPERLINK("http://x") +Elak'] == planned["Åsa Öberg"] == "skip"


def test_organisation_exports_keep_codes_as_text(seeded, as_role):
    client = as_role("reader")
    response = client.get("/organisationer/export.csv?typ=kommun&lan=07")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert b";07;0764;" in response.data  # Kronoberg's and Alvesta's codes, with their zeros
    sheet = load_workbook(
        io.BytesIO(client.get("/organisationer/export.xlsx?typ=kommun&lan=07").data)
    ).active
    header = [cell.value for cell in sheet[1]]
    column = header.index("Kommunkod") + 1
    codes = {sheet.cell(row=r, column=column).value for r in range(2, sheet.max_row + 1)}
    assert "0764" in codes and all(isinstance(c, str) and len(c) == 4 for c in codes)
    assert all(
        sheet.cell(row=r, column=column).number_format == "@" for r in range(2, sheet.max_row + 1)
    )  # a text cell that stays text when edited
    county = header.index("Länskod") + 1
    assert {sheet.cell(row=r, column=county).value for r in range(2, sheet.max_row + 1)} == {"07"}
    assert sheet.cell(row=2, column=county).number_format == "@"
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.paperSize == 9
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.print_title_rows == "$1:$1"
