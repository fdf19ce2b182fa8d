""" "Mottaget material" read as plain rows (app/library/received.py): for an organisation with
its units, a contact and a meeting, newest first, bounded, with what is in the trash left out
or unnamed, and shown on the pages as before."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app.auth.models import Role
from app.contacts.services import ContactValues, create_contact
from app.extensions import db
from app.library import services
from app.library.models import Channel, Delivery, MaterialKind, MaterialStatus
from app.library.received import ReceivedRow, received
from app.meetings.models import Meeting
from app.organisations.models import Organisation, OrganisationKind
from app.trash.services import move_to_trash
from tests.factories import make_example_rows, make_organisation, make_user


def material(title: str):
    made = services.create_material(
        values=services.MaterialValues(
            kind=MaterialKind.GUIDANCE, title=title, status=MaterialStatus.PUBLISHED
        ),
        by=None,
    )
    return made, services.add_version(made, link=f"https://example.se/{len(title)}", by=None)


@pytest.fixture
def deliveries(seeded):
    """Kramfors (with a unit) given a guide by hand, a leaflet at the unit, the guide through
    Karin, the leaflet through Olle (then moved to the trash), and a draft that went to the
    trash; returns the ids and the people's names."""
    with seeded.app_context():
        kramfors = db.session.scalar(select(Organisation).filter_by(municipality_code="2282"))
        unit = make_organisation(
            name="Socialtjänsten", kind=OrganisationKind.KOMMUN, parent_id=kramfors.id
        )
        guide, guide_v1 = material("Vägledning")
        guide_v2 = services.add_version(guide, link="https://example.se/v2", by=None)
        leaflet, leaflet_v1 = material("Broschyr <om stöd>")
        draft, draft_v1 = material("Utkast")
        karin, olle = (
            create_contact(
                values=ContactValues(first_name=first, last_name="Kramfors"),
                organisation=kramfors,
                by=None,
            )
            for first in ("Karin", "Olle")
        )
        db.session.flush()

        def give(version, day, **to):
            (made,) = services.record_deliveries(
                version, channel=Channel.BY_HAND, delivered_on=date(2026, 11, day), by=None, **to
            )
            return made.id

        ids = {
            "guide": give(guide_v1, 2, organisation_ids=[kramfors.id]),
            "leaflet": give(leaflet_v1, 3, organisation_ids=[unit.id]),
            "karin": give(guide_v2, 4, contact_ids=[karin.id]),
            "olle": give(leaflet_v1, 5, contact_ids=[olle.id]),
            "draft": give(draft_v1, 6, organisation_ids=[kramfors.id]),
        }
        move_to_trash(draft, by=None)
        move_to_trash(olle, by=None)
        db.session.commit()
        return {**ids, "kramfors": kramfors.id, "karin_id": karin.id, "olle_id": olle.id,
                "guide_id": guide.id, "leaflet_id": leaflet.id}  # fmt: skip


def test_an_organisations_rows_are_its_own_and_its_units_newest_first(seeded, deliveries):
    ids = deliveries
    with seeded.app_context():
        rows = received("organisation", ids["kramfors"])
    kramfors = "Kramfors kommun"
    assert rows == [
        # Olle is in the trash: the delivery still counts for Kramfors, unnamed.
        ReceivedRow(ids["olle"], ids["leaflet_id"], "Broschyr <om stöd>", 1, Channel.BY_HAND,
                    date(2026, 11, 5), kramfors, None),
        ReceivedRow(ids["karin"], ids["guide_id"], "Vägledning", 2, Channel.BY_HAND,
                    date(2026, 11, 4), kramfors, "Karin Kramfors"),
        ReceivedRow(ids["leaflet"], ids["leaflet_id"], "Broschyr <om stöd>", 1, Channel.BY_HAND,
                    date(2026, 11, 3), "Socialtjänsten, Kramfors kommun", None),
        ReceivedRow(ids["guide"], ids["guide_id"], "Vägledning", 1, Channel.BY_HAND,
                    date(2026, 11, 2), kramfors, None),
    ]  # fmt: skip
    with seeded.app_context():
        assert [r.id for r in received("organisation", ids["kramfors"], limit=2)] == [
            ids["olle"],
            ids["karin"],
        ]


def test_a_contacts_rows_and_the_same_read_as_objects(seeded, deliveries):
    """The row says what the delivery's objects say (material, version, organisation)."""
    ids = deliveries
    with seeded.app_context():
        (row,) = received("contact", ids["karin_id"])
        delivery = db.session.get(Delivery, ids["karin"])
        assert row == ReceivedRow(
            delivery.id,
            delivery.material_id,
            delivery.material.title,
            delivery.version.number,
            delivery.channel,
            delivery.delivered_on,
            delivery.organisation.display_name,
            delivery.contact.full_name,
        )
        assert [r.id for r in received("contact", ids["olle_id"])] == [ids["olle"]]
        assert received("contact", 987_654_321) == []


def test_handed_over_at_a_meeting(seeded):
    with seeded.app_context():
        make_user(role=Role.ADMIN)  # user 1, the example meeting's responsible
        make_example_rows()

        meeting = db.session.get(Meeting, 1)
        _guide, version = material("Vägledning")
        organisation = meeting.organisations[0]
        services.record_deliveries(
            version,
            channel=Channel.MEETING,
            delivered_on=date(2026, 11, 2),
            organisation_ids=[organisation.id],
            meeting=meeting,
            by=None,
        )
        db.session.commit()
        (row,) = received("meeting", meeting.id)
        assert (row.title, row.version, row.channel, row.organisation, row.contact) == (
            "Vägledning",
            1,
            Channel.MEETING,
            organisation.display_name,
            None,
        )


def test_the_pages_show_the_rows(seeded, deliveries, as_role):
    """The organisation and contact pages render the rows: titles escaped, the unit named
    with its municipality, the contact named, nothing from the trash."""
    client = as_role("reader")
    page = client.get(f"/organisationer/{deliveries['kramfors']}").text
    section = page[page.index('id="received-heading"') :]
    section = section[: section.index("</section>")]
    assert "Broschyr &lt;om stöd&gt;" in section and "<om stöd>" not in section
    assert "Socialtjänsten, Kramfors kommun" in section
    assert "Kramfors kommun (Karin Kramfors)" in section
    assert "Olle" not in section and "Utkast" not in section
    assert section.count("<tr>") == 1 + 4  # the heading row and four deliveries
    contact_page = client.get(f"/kontakter/{deliveries['karin_id']}").text
    received_section = contact_page[contact_page.index('id="received-heading"') :]
    assert "Vägledning" in received_section[: received_section.index("</section>")]
