"""The library through the browser's requests: create, upload, download, record sending by
hand and at a meeting, the sections on other pages, and what each role may do."""

from __future__ import annotations

import io

from sqlalchemy import func, select

from app.extensions import db
from app.library.models import Channel, Delivery, Material, MaterialVersion
from app.organisations.models import Organisation

from .conftest import PDF_BYTES, zip_bomb

TITLE = "Vägledning för kommuner om återvandringsstöd"


def ids(app, *codes):
    with app.app_context():
        return [
            db.session.scalar(select(Organisation.id).filter_by(municipality_code=c)) for c in codes
        ]


def create_with_file(client, data=PDF_BYTES, name="vagledning-v1.pdf"):
    response = client.post(
        "/material/ny",
        data={"kind": "vagledning", "title": TITLE, "language": "sv", "status": "publicerad"},
    )
    assert response.status_code == 302, response.text
    upload_url = response.headers["Location"]
    response = client.post(
        upload_url,
        data={"file": (io.BytesIO(data), name), "link": "", "note": ""},
        content_type="multipart/form-data",
    )
    return upload_url.split("/")[2], response


def test_create_upload_download_and_send_by_hand(seeded, as_role):
    client = as_role("coordinator")
    material_id, response = create_with_file(client)
    assert response.status_code == 302
    download = client.get(f"/material/{material_id}/version/1")
    assert download.status_code == 200
    assert download.data == PDF_BYTES
    assert download.mimetype == "application/pdf"
    assert "vagledning-v1.pdf" in download.headers["Content-Disposition"]
    assert download.headers["Cache-Control"] == "no-store"
    download.close()
    # version 2, then sent by hand to two municipalities
    client.post(
        f"/material/{material_id}/ny-version",
        data={"file": (io.BytesIO(PDF_BYTES + b"v2"), "v2.pdf")},
        content_type="multipart/form-data",
    )
    kramfors, harnosand = ids(seeded, "2282", "2280")
    with seeded.app_context():
        version = db.session.scalar(
            select(MaterialVersion).filter_by(material_id=int(material_id), number=2)
        )
        version_id = version.id
    response = client.post(
        f"/material/{material_id}/skickat",
        data={
            "version_id": version_id,
            "organisations": [kramfors, harnosand],
            "delivered_on": "2026-12-01",
        },
    )
    assert response.status_code == 302
    page = client.get(f"/material/{material_id}").text
    assert "Kramfors kommun" in page and "Härnösands kommun" in page
    assert "Version 2" in page
    organisation_page = client.get(f"/organisationer/{kramfors}").text
    assert "Mottaget material" in organisation_page and TITLE in organisation_page
    history = client.get(f"/material/{material_id}").text
    assert "Mottagare" in history


def test_refused_uploads_say_why_and_store_nothing(seeded, as_role, app):
    client = as_role("coordinator")
    for data, name, reason in [
        (b"MZ\x90\x00" + b"\0" * 100, "program.pdf", "inte en PDF"),
        (b"", "tom.pdf", "tom"),
        (zip_bomb(), "bomb.docx", "orimligt"),
    ]:
        _material_id, response = create_with_file(client, data, name)
        assert response.status_code == 200
        assert reason in response.text
    app.config["LIBRARY_MAX_BYTES"] = 50
    _material_id, response = create_with_file(client, PDF_BYTES, "stor.pdf")
    assert "för stor" in response.text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(MaterialVersion)) == 0


def test_handed_over_at_a_meeting_from_the_meeting_page(seeded, as_role, app):
    from tests.factories import make_example_rows

    with app.app_context():
        make_example_rows()
        db.session.commit()
    client = as_role("coordinator")
    material_id, _response = create_with_file(client)
    page = client.get("/moten/1").text
    assert "Material som lämnats vid mötet" in page
    with app.app_context():
        version_id = db.session.scalar(
            select(MaterialVersion.id).where(MaterialVersion.material_id == int(material_id))
        )
    response = client.post(
        "/material/mote/1", data={"version_id": version_id, "organisations": [1], "contacts": [1]}
    )
    assert response.status_code == 302
    with app.app_context():
        rows = db.session.execute(
            select(Delivery.organisation_id, Delivery.contact_id).where(
                Delivery.channel == Channel.MEETING, Delivery.meeting_id == 1
            )
        ).all()
    assert sorted(rows, key=str) == sorted([(1, None), (1, 1)], key=str)
    assert TITLE in client.get("/moten/1").text
    assert TITLE in client.get("/kontakter/1").text


def test_reader_reads_but_gets_no_write_forms(seeded, as_role, app):
    coordinator = as_role("coordinator")
    material_id, _response = create_with_file(coordinator)
    coordinator.post("/logga-ut")
    reader = as_role("reader")
    assert reader.get("/material").status_code == 200
    page = reader.get(f"/material/{material_id}")
    assert page.status_code == 200
    assert "skickat" not in page.text and "ny-version" not in page.text
    download = reader.get(f"/material/{material_id}/version/1")
    assert download.status_code == 200
    download.close()
    assert reader.get("/material/ny").status_code == 403
    assert reader.get(f"/material/{material_id}/ny-version").status_code == 403
    assert reader.post(f"/material/{material_id}/skickat", data={}).status_code == 403


def test_list_filters(seeded, as_role, app):
    client = as_role("coordinator")
    create_with_file(client)
    response = client.post(
        "/material/ny",
        data={
            "kind": "forskning",
            "title": "Återvandring i Norden",
            "language": "en",
            "status": "publicerad",
            "authors": "Lindqvist, L.",
            "year": "2023",
        },
    )
    assert response.status_code == 302, response.text[-3000:]
    assert TITLE in client.get("/material?typ=vagledning").text
    assert TITLE not in client.get("/material?typ=forskning").text
    page = client.get("/material?q=lindqvist&fran_ar=2020").text
    assert "Återvandring i Norden" in page, page[page.find("<main") :][:3000]
    assert TITLE not in page
    assert "Återvandring i Norden" in client.get("/material?sprak=en").text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Material)) == 2


def test_material_goes_to_the_trash_and_back(seeded, as_role, app):
    client = as_role("coordinator")
    material_id, _response = create_with_file(client)
    assert client.post(f"/material/{material_id}/ta-bort").status_code == 302
    assert client.get(f"/material/{material_id}").status_code == 404
    assert TITLE in client.get("/papperskorg").text
    client.post(f"/papperskorg/material/{material_id}/aterstall")
    assert client.get(f"/material/{material_id}").status_code == 200
