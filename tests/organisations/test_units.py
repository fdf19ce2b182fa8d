"""Units: their own kind "Enhet", named with their organisation on every page, export,
picker and calendar file; and a county board's page listing its county's municipalities."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.auth.models import User
from app.common.time import local_midnight, local_today
from app.contacts.services import ContactValues, create_contact
from app.extensions import db
from app.followups.services import FollowUpValues, create_follow_up
from app.meetings.models import MeetingKind, MeetingStatus
from app.meetings.services import MeetingValues, schedule_meeting
from app.organisations.models import Organisation, OrganisationKind, display_name
from app.organisations.services import change_engagement, create_organisation
from app.organisations.stages import Stage

K = OrganisationKind
UNIT = "Socialtjänsten, Kramfors kommun"


def org_id(app, **where) -> int:
    with app.app_context():
        return db.session.scalar(select(Organisation.id).filter_by(**where))


@pytest.fixture
def coordinator(seeded, as_role):
    return as_role("coordinator")


@pytest.fixture
def unit_world(seeded, users, app):
    """Kramfors kommun's social services with a contact, a meeting held this morning and a
    follow-up of it due yesterday, owned by the coordinator."""
    with app.app_context():
        kramfors = db.session.scalar(select(Organisation).filter_by(name="Kramfors kommun"))
        unit = create_organisation(
            values={"name": "Socialtjänsten", "parent_id": kramfors.id}, by=None
        )
        contact = create_contact(
            values=ContactValues(
                first_name="Lena", last_name="Strand", emails=["lena.strand@kramfors.se"]
            ),
            organisation=unit,
            title="Enhetschef",
            by=None,
        )
        owner = db.session.scalar(select(User.id).filter_by(email=users["coordinator"]))
        today = local_today()
        starts = local_midnight(today) + timedelta(hours=8)
        meeting = schedule_meeting(
            values=MeetingValues(
                title="Samråd om återvandring",
                kind=MeetingKind.DIGITAL,
                status=MeetingStatus.HELD,
                starts_at=starts,
                ends_at=starts + timedelta(hours=1),
                all_day=False,
                responsible_id=owner,
                organisation_ids=[unit.id],
                contact_ids=[contact.id],
            ),
            by=None,
        )
        follow_up = create_follow_up(
            values=FollowUpValues(
                title="Skicka vägledningen",
                owner_id=owner,
                due_on=today - timedelta(days=1),
                organisation_id=unit.id,
            ),
            by=None,
            today=today - timedelta(days=2),
        )
        db.session.commit()
        return {
            "unit": unit.id,
            "kramfors": kramfors.id,
            "contact": contact.id,
            "meeting": meeting.id,
            "follow_up": follow_up.id,
        }


def this_month() -> str:
    return local_today().strftime("%Y-%m")


def test_display_name_is_one_function():
    assert display_name("Socialtjänsten", "Kramfors kommun") == UNIT
    assert display_name("Kramfors kommun", None) == "Kramfors kommun"
    assert Organisation(name="Socialtjänsten", parent=Organisation(name="Kramfors kommun"))


class TestKind:
    def test_a_unit_gets_the_kind_enhet_whatever_its_parent_is(self, seeded, app):
        with app.app_context():
            board = db.session.scalar(
                select(Organisation).filter_by(county_code="22", kind=K.LANSSTYRELSE)
            )
            unit = create_organisation(
                values={"name": "Enheten för integration", "kind": K.KOMMUN, "parent_id": board.id},
                by=None,
            )
            assert unit.kind is K.ENHET and unit.kind.label == "Enhet"
            assert K.ENHET.plural_label == "Enheter"

    def test_the_unit_form_has_no_kind_and_saves_an_enhet(self, coordinator, app):
        kramfors = org_id(app, name="Kramfors kommun")
        form = coordinator.get(f"/organisationer/ny?parent={kramfors}").text
        assert 'name="kind"' not in form
        response = coordinator.post(
            f"/organisationer/ny?parent={kramfors}",
            data={"name": "Socialtjänsten", "kind": "kommun", "parent_id": str(kramfors)},
        )
        assert response.status_code == 302
        unit = org_id(app, name="Socialtjänsten")
        with app.app_context():
            assert db.session.get(Organisation, unit).kind is K.ENHET
        edit = coordinator.get(f"/organisationer/{unit}/redigera").text
        assert 'name="kind"' not in edit
        assert f"Redigera {UNIT}" in edit

    def test_kind_choices_of_a_standalone_organisation_leave_out_enhet(self, coordinator):
        form = coordinator.get("/organisationer/ny").text
        assert 'value="civilsamhalle"' in form and 'value="enhet"' not in form

    def test_choosing_a_parent_makes_an_organisation_a_unit_and_back(self, coordinator, app):
        kramfors = org_id(app, name="Kramfors kommun")
        coordinator.post(
            "/organisationer/ny",
            data={"name": "Mottagningen", "kind": "civilsamhalle", "parent_id": str(kramfors)},
        )
        unit = org_id(app, name="Mottagningen")
        with app.app_context():
            assert db.session.get(Organisation, unit).kind is K.ENHET
        coordinator.post(
            f"/organisationer/{unit}/redigera",
            data={"name": "Mottagningen", "parent_id": "", "version": "1"},
        )
        with app.app_context():
            # Out of its parent, with no kind chosen: "Annan" until someone picks one.
            assert db.session.get(Organisation, unit).kind is K.ANNAN

    def test_kommun_filter_shows_the_290_municipalities_not_their_units(self, coordinator, app):
        with app.app_context():
            for municipality in db.session.scalars(
                select(Organisation).filter_by(kind=K.KOMMUN).limit(30)
            ):
                create_organisation(
                    values={"name": "Socialtjänsten", "parent_id": municipality.id}, by=None
                )
            db.session.commit()
        assert "290 träffar" in coordinator.get("/organisationer?typ=kommun").text
        assert "30 träffar" in coordinator.get("/organisationer?typ=enhet").text

    def test_kommun_filters_on_meetings_and_contacts_keep_a_municipalitys_units(
        self, coordinator, unit_world
    ):
        meetings = coordinator.get("/moten?orgtyp=kommun").text
        assert "Samråd om återvandring" in meetings
        contacts = coordinator.get("/kontakter?typ=kommun").text
        assert "Strand" in contacts
        assert "Samråd om återvandring" not in coordinator.get("/moten?orgtyp=region").text


class TestNamedWithItsOrganisation:
    """A unit is "Socialtjänsten, Kramfors kommun" wherever it is shown."""

    @pytest.mark.parametrize(
        "url",
        [
            "/",
            "/organisationer?q=socialtjänsten",
            "/organisationer/{unit}",
            "/moten",
            "/moten/{meeting}",
            "/moten/ny",
            "/moten/{meeting}/redigera",
            "/uppfoljningar",
            "/uppfoljningar/{follow_up}",
            "/uppfoljningar/ny",
            "/kontakter",
            "/kontakter/{contact}",
            "/kontakter?typ=",
            "/sok?q=kramfors",
            "/sok?q=strand",
            "/rapporter/sammanstallning?manad={month}",
        ],
    )
    def test_pages(self, coordinator, unit_world, url):
        response = coordinator.get(url.format(**unit_world, month=this_month()))
        assert response.status_code == 200
        assert UNIT in response.text

    def test_the_participant_picker(self, coordinator, unit_world):
        found = coordinator.get(f"/moten/deltagare?organisation={unit_world['kramfors']}").json
        assert [p["detail"] for p in found["results"]] == [f"Enhetschef, {UNIT}"]

    def test_the_meetings_contact_choices(self, coordinator, unit_world):
        page = coordinator.get(f"/moten/{unit_world['meeting']}/redigera").text
        assert f"Lena Strand, {UNIT}" in page

    def test_exports(self, coordinator, unit_world):
        organisations = coordinator.get("/organisationer/export.csv?typ=enhet").data
        rows = list(csv.reader(io.StringIO(organisations.decode("utf-8-sig")), delimiter=";"))
        assert rows[1][0] == UNIT and rows[1][3] == "Kramfors kommun"
        contacts = coordinator.get("/kontakter/export.csv").data.decode("utf-8-sig")
        assert UNIT in contacts
        summary = coordinator.get(f"/rapporter/sammanstallning.csv?manad={this_month()}")
        summary = summary.data.decode("utf-8-sig")
        assert UNIT in summary

    def test_calendar_invitation(self, coordinator, unit_world):
        ics = coordinator.get(f"/moten/{unit_world['meeting']}/inbjudan.ics").data.decode()
        unfolded = ics.replace("\r\n ", "")
        assert UNIT.replace(",", "\\,") in unfolded

    def test_a_list_of_units_costs_no_query_per_row(self, coordinator, app, count_statements):
        with app.app_context():
            municipalities = db.session.scalars(
                select(Organisation.id).filter_by(kind=K.KOMMUN).limit(40)
            ).all()
            for municipality in municipalities[:5]:
                create_organisation(
                    values={"name": "Socialtjänsten", "parent_id": municipality}, by=None
                )
            db.session.commit()
        coordinator.get("/organisationer?typ=enhet")  # warm up (session, user)
        with count_statements() as few:
            coordinator.get("/organisationer?typ=enhet&sida=1&x=1")
        with app.app_context():
            for municipality in municipalities[5:]:
                create_organisation(
                    values={"name": "Socialtjänsten", "parent_id": municipality}, by=None
                )
            db.session.commit()
        with count_statements() as many:
            coordinator.get("/organisationer?typ=enhet&sida=1&x=2")
        assert many.count == few.count


class TestCountyBoard:
    def test_lists_its_countys_municipalities_with_their_stages(self, coordinator, app, users):
        with app.app_context():
            kramfors = db.session.scalar(select(Organisation).filter_by(name="Kramfors kommun"))
            by = db.session.scalar(select(User).filter_by(email=users["coordinator"]))
            change_engagement(
                kramfors,
                stage=Stage.IN_DIALOGUE,
                comment="",
                opportunities="",
                challenges="",
                by=by,
            )
            in_county = db.session.scalar(
                select(func.count()).where(
                    Organisation.kind == K.KOMMUN, Organisation.county_code == "22"
                )
            )
            db.session.commit()
        board = org_id(app, reference_key="lansstyrelse:22")
        page = coordinator.get(f"/organisationer/{board}").text
        assert "Kommuner i Västernorrlands län" in page
        assert f"{in_county} kommuner i länet." in page
        section = page.split("Kommuner i Västernorrlands län", 1)[1].split("</section>", 1)[0]
        assert "Kramfors kommun" in section and "Sundsvalls kommun" in section
        assert "Umeå kommun" not in section  # another county
        row = section.split("Kramfors kommun", 1)[1].split("</tr>", 1)[0]
        assert "I dialog" in row
        assert "Ej kontaktad" in section.split("Sundsvalls kommun", 1)[1].split("</tr>", 1)[0]

    def test_other_pages_have_no_such_section(self, coordinator, app):
        kramfors = org_id(app, name="Kramfors kommun")
        assert "kommuner i länet" not in coordinator.get(f"/organisationer/{kramfors}").text
