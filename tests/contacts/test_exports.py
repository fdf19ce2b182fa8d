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
