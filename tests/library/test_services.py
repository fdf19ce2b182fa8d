"""The library's services, called directly: versions, deliveries, a contact counted for its
organisation, and the file checks."""

from __future__ import annotations

import io
from datetime import date

import pytest
from sqlalchemy import select

from app.contacts.services import ContactValues, create_contact
from app.extensions import db
from app.library import files, services
from app.library.models import Channel, MaterialKind, MaterialStatus
from app.library.received import received
from app.organisations.models import Organisation

from .conftest import PDF_BYTES, ooxml, zip_bomb


def municipality(code: str) -> Organisation:
    return db.session.scalar(select(Organisation).filter_by(municipality_code=code))


@pytest.fixture
def guide(seeded):
    with seeded.app_context():
        material = services.create_material(
            values=services.MaterialValues(
                kind=MaterialKind.GUIDANCE,
                title="Vägledning för kommuner om återvandringsstöd",
                status=MaterialStatus.PUBLISHED,
                topics=["återvandringsbidrag"],
            ),
            by=None,
        )
        db.session.commit()
        yield material


def test_versions_are_numbered_and_are_a_file_or_a_link(seeded, guide):
    first = services.add_version(guide, link="https://example.se/v1", by=None)
    stored = files.store_upload(io.BytesIO(PDF_BYTES), "vagledning.pdf")
    second = services.add_version(guide, stored=stored, by=None)
    assert (first.number, second.number) == (1, 2)
    assert second.content_type == files.PDF and second.size == len(PDF_BYTES)
    assert files.path_for(second.file_hash).read_bytes() == PDF_BYTES
    with pytest.raises(services.InvalidMaterial):
        services.add_version(guide, by=None)
    with pytest.raises(services.InvalidMaterial):
        services.add_version(guide, stored=stored, link="https://example.se", by=None)


def test_deliveries_by_hand_to_several_organisations_once_each(seeded, guide):
    version = services.add_version(guide, link="https://example.se/v2", by=None)
    kramfors, solleftea = municipality("2282"), municipality("2283")
    made = services.record_deliveries(
        version,
        channel=Channel.BY_HAND,
        delivered_on=date(2026, 12, 1),
        organisation_ids=[kramfors.id, solleftea.id, kramfors.id],
        by=None,
    )
    assert sorted(d.organisation_id for d in made) == sorted([kramfors.id, solleftea.id])
    again = services.record_deliveries(
        version,
        channel=Channel.BY_HAND,
        delivered_on=date(2026, 12, 1),
        organisation_ids=[kramfors.id],
        by=None,
    )
    assert again == []
    got = received("organisation", kramfors.id)
    assert [d.title for d in got] == [guide.title]
    grouped = services.recipients_by_version(guide)
    assert {d.organisation.display_name for d in grouped[version.id]} == {
        "Kramfors kommun",
        "Sollefteå kommun",
    }


def test_a_delivery_to_a_contact_counts_for_the_contacts_organisation(seeded, guide):
    version = services.add_version(guide, link="https://example.se/v1", by=None)
    kramfors = municipality("2282")
    contact = create_contact(
        values=ContactValues(first_name="Karin", last_name="Kramfors"),
        organisation=kramfors,
        by=None,
    )
    (delivery,) = services.record_deliveries(
        version,
        channel=Channel.BY_HAND,
        delivered_on=date.today(),
        contact_ids=[contact.id],
        by=None,
    )
    assert delivery.organisation_id == kramfors.id and delivery.contact_id == contact.id
    assert [d.id for d in received("organisation", kramfors.id)] == [delivery.id]
    assert [d.id for d in received("contact", contact.id)] == [delivery.id]
    nobody = create_contact(values=ContactValues(first_name="Utan", last_name="Roll"), by=None)
    with pytest.raises(services.InvalidMaterial):
        services.record_deliveries(
            version,
            channel=Channel.BY_HAND,
            delivered_on=date.today(),
            contact_ids=[nobody.id],
            by=None,
        )


def test_a_unit_delivery_shows_on_its_municipality(seeded, guide):
    from app.organisations.models import OrganisationKind
    from tests.factories import make_organisation

    kramfors = municipality("2282")
    unit = make_organisation(
        name="Socialtjänsten", kind=OrganisationKind.KOMMUN, parent_id=kramfors.id
    )
    version = services.add_version(guide, link="https://example.se/v1", by=None)
    services.record_deliveries(
        version,
        channel=Channel.BY_HAND,
        delivered_on=date.today(),
        organisation_ids=[unit.id],
        by=None,
    )
    (delivery,) = received("organisation", kramfors.id)
    assert delivery.organisation == "Socialtjänsten, Kramfors kommun"


def test_a_good_example_needs_its_organisation(seeded):
    with seeded.app_context(), pytest.raises(services.InvalidMaterial):
        services.create_material(
            values=services.MaterialValues(kind=MaterialKind.GOOD_EXAMPLE, title="Exempel"),
            by=None,
        )


def test_research_fields_are_kept_for_research_only(seeded):
    with seeded.app_context():
        research = services.create_material(
            values=services.MaterialValues(
                kind=MaterialKind.RESEARCH,
                title="Återvändande och återintegration",
                authors="Andersson, A.; Berg, B.",
                year=2024,
                doi="10.1000/xyz",
            ),
            by=None,
        )
        assert (research.authors, research.year, research.doi) == (
            "Andersson, A.; Berg, B.",
            2024,
            "10.1000/xyz",
        )
        from app.library.queries import MaterialFilter, material_query

        found = db.session.scalars(material_query(MaterialFilter(q="berg", year_from=2020))).all()
        assert found == [research]
        assert db.session.scalars(material_query(MaterialFilter(year_to=2020))).all() == []


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"", "tom.pdf"),
        (b"MZ\x90\x00" + b"\0" * 200, "program.pdf"),  # a Windows program renamed
        (b"just text, not a document", "text.docx"),
        (b"PK\x03\x04 broken zip", "trasig.xlsx"),
        (ooxml(part="other/thing.xml"), "okand.docx"),
        (ooxml(extra={"word/vbaProject.bin": b"macro"}), "makro.docm"),
    ],
)
def test_uploads_refused_by_content(ctx, data, name):
    with pytest.raises(files.RefusedFile):
        files.store_upload(io.BytesIO(data), name)
    assert list(files.stored_hashes()) == []
    assert not [p for p in files.library_dir().iterdir() if p.is_file()]  # no temporary left


def test_oversized_upload_refused(ctx):
    ctx.config["LIBRARY_MAX_BYTES"] = 1000
    with pytest.raises(files.RefusedFile, match="för stor"):
        files.store_upload(io.BytesIO(PDF_BYTES + b"0" * 1000), "stor.pdf")


def test_zip_bomb_refused_before_inflating(ctx, monkeypatch):
    import zipfile

    def no_reading(*args, **kwargs):
        raise AssertionError("an entry was inflated")

    bomb = zip_bomb()
    assert len(bomb) < 1024 * 1024
    monkeypatch.setattr(zipfile.ZipFile, "read", no_reading)
    monkeypatch.setattr(zipfile.ZipFile, "open", no_reading)
    with pytest.raises(files.RefusedFile, match="orimligt"):
        files.store_upload(io.BytesIO(bomb), "bomb.docx")


@pytest.mark.parametrize(
    ("part", "content_type", "name", "saved_as"),
    [
        ("word/document.xml", files.DOCX, "rapport.docx", "rapport.docx"),
        ("xl/workbook.xml", files.XLSX, "tabell.XLSX", "tabell.XLSX"),
        ("ppt/presentation.xml", files.PPTX, "bilder.pdf", "bilder.pptx"),
    ],
)
def test_office_files_accepted_by_content(ctx, part, content_type, name, saved_as):
    stored = files.store_upload(io.BytesIO(ooxml(part=part)), name)
    assert (stored.content_type, stored.filename) == (content_type, saved_as)
