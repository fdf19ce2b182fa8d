"""Organisation pages: list filters and sorting, detail, create/edit with history and
conflicts, archive/delete rules, engagement stages, and statement counts."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.contacts.services import ContactValues, create_contact
from app.extensions import db
from app.organisations.models import EngagementChange, Organisation, OrganisationKind
from app.organisations.services import create_organisation
from app.organisations.stages import Stage


def org_id(app, **where) -> int:
    with app.app_context():
        return db.session.scalar(select(Organisation.id).filter_by(**where))


def names_on(page: str) -> list[str]:
    return re.findall(r'<td><a href="/organisationer/\d+">([^<]*)</a>', page)


@pytest.fixture
def coordinator(seeded, as_role):
    return as_role("coordinator")


class TestList:
    def test_filters_by_kind_county_and_stage(self, coordinator):
        boards = coordinator.get("/organisationer?typ=lansstyrelse").text
        assert "21 träffar" in boards and "Länsstyrelsen i Skåne län" in boards
        skane = coordinator.get("/organisationer?typ=kommun&lan=12").text
        assert "33 träffar" in skane and "Malmö kommun" in names_on(skane)
        assert "Örebro kommun" not in names_on(skane)
        assert "290 träffar" in coordinator.get("/organisationer?steg=ej_kontaktad").text

    @pytest.mark.parametrize(
        ("query", "expected"),
        [("ÖREBRO kommun", "Örebro kommun"), ("1880", "Örebro kommun"), ("2021002163", None)],
    )
    def test_search_by_name_and_code(self, coordinator, query, expected):
        page = coordinator.get("/organisationer", query_string={"q": query}).text
        if expected:
            assert names_on(page) == [expected]

    def test_search_by_organisation_number(self, coordinator):
        page = coordinator.get("/organisationer", query_string={"q": "202100-2163"}).text
        assert names_on(page) == ["Migrationsverket"]

    def test_sorting_and_pagination(self, coordinator):
        first = coordinator.get("/organisationer?typ=kommun").text
        assert names_on(first)[0] == "Ale kommun" and len(names_on(first)) == 50
        assert 'aria-sort="ascending"' in first
        descending = coordinator.get("/organisationer?typ=kommun&sort=namn&ordning=fallande").text
        assert names_on(descending)[0] == "Övertorneå kommun"
        by_code = coordinator.get("/organisationer?typ=kommun&sort=kod").text
        assert names_on(by_code)[0] == "Upplands Väsby kommun"
        last = coordinator.get("/organisationer?typ=kommun&sida=6").text
        assert len(names_on(last)) == 40 and 'rel="prev"' in last
        assert coordinator.get("/organisationer?sida=999").status_code == 200

    def test_archived_are_hidden_unless_asked_for(self, coordinator, app):
        with app.app_context():
            org = create_organisation(
                values={"name": "Gamla föreningen", "kind": OrganisationKind.CIVILSAMHALLE}, by=None
            )
            org.archived_at = db.func.now()
            db.session.commit()
        assert "Gamla föreningen" not in coordinator.get("/organisationer?q=gamla").text
        assert "Gamla föreningen" in coordinator.get("/organisationer?q=gamla&arkiverade=y").text

    def test_statement_count_is_the_same_for_10_and_200_rows(
        self, seeded, app, as_role, count_statements
    ):
        client = as_role("reader")
        with app.app_context():
            for number in range(210):
                kind = OrganisationKind.ANNAN if number < 10 else OrganisationKind.CIVILSAMHALLE
                create_organisation(
                    values={"name": f"Förening {number:03}", "kind": kind, "county_code": "12"},
                    by=None,
                )
            db.session.commit()
        client.get("/organisationer")  # warm-up: the user is loaded the same way each time
        counts = []
        for query in ("typ=annan", "typ=civilsamhalle"):  # 10 rows, then 50 of 200
            with count_statements() as counter:
                page = client.get(f"/organisationer?{query}")
            assert page.status_code == 200
            counts.append(counter.count)
        assert "10 träffar" in client.get("/organisationer?typ=annan").text
        assert "200 träffar" in client.get("/organisationer?typ=civilsamhalle").text
        assert counts[0] == counts[1] <= 12


class TestDetail:
    def test_municipality_page_shows_facts_stage_units_and_contacts(self, coordinator, app):
        malmo = org_id(app, municipality_code="1280")
        with app.app_context():
            organisation = db.session.get(Organisation, malmo)
            create_organisation(
                values={
                    "name": "Socialtjänsten",
                    "kind": OrganisationKind.KOMMUN,
                    "parent_id": malmo,
                },
                by=None,
            )
            create_contact(
                values=ContactValues(first_name="Sara", last_name="Lind"),
                organisation=organisation,
                title="Enhetschef",
                by=None,
            )
            db.session.commit()
        page = coordinator.get(f"/organisationer/{malmo}").text
        for text in (
            "Malmö kommun",
            "1280",
            "Skåne län",
            "Ej kontaktad",
            "Socialtjänsten",
            "Sara Lind",
            "Enhetschef",
        ):
            assert text in page

    def test_county_board_shows_its_county_code(self, coordinator, app):
        board = org_id(app, reference_key="lansstyrelse:12")
        assert "länskod" in coordinator.get(f"/organisationer/{board}").text

    def test_gotland_is_marked_as_region_too(self, coordinator, app):
        page = coordinator.get(f"/organisationer/{org_id(app, municipality_code='0980')}").text
        assert "Region Gotland" in page and "även region" in page

    def test_unknown_id_is_404(self, coordinator):
        assert coordinator.get("/organisationer/999999").status_code == 404

    def test_reader_sees_no_edit_controls(self, seeded, as_role, app):
        page = (
            as_role("reader").get(f"/organisationer/{org_id(app, municipality_code='1280')}").text
        )
        assert "/redigera" not in page and "/arkivera" not in page and "/engagemang" not in page


class TestChanges:
    def test_create_civil_society_organisation_with_validation(self, coordinator, app):
        bad = coordinator.post(
            "/organisationer/ny",
            data={
                "name": "",
                "kind": "civilsamhalle",
                "org_number": "123",
                "website": "javascript:alert(1)",
            },
        )
        assert bad.status_code == 200
        assert "Fältet måste fyllas i." in bad.text
        assert "Organisationsnumret ska ha tio siffror" in bad.text
        assert "Ange en webbadress som börjar med http:// eller https://." in bad.text
        good = coordinator.post(
            "/organisationer/ny",
            data={
                "name": "Röda Korset Malmö",
                "kind": "civilsamhalle",
                "county_code": "12",
                "org_number": "802002-8711",
                "website": "www.rodakorset.se",
                "notes": "Ideell",
            },
        )
        assert good.status_code == 302
        with app.app_context():
            org = db.session.scalar(select(Organisation).filter_by(name="Röda Korset Malmö"))
            assert (org.org_number, org.website, org.county_code) == (
                "802002-8711",
                "https://www.rodakorset.se",
                "12",
            )
            event = db.session.scalar(
                select(AuditEvent).filter_by(entity_id=org.id, entity_type="organisations")
            )
            assert event.action == "create" and event.changes["name"] == [None, "Röda Korset Malmö"]

    def test_unit_under_a_municipality_inherits_county(self, coordinator, app):
        malmo = org_id(app, municipality_code="1280")
        form = coordinator.get(f"/organisationer/ny?parent={malmo}").text
        assert "Ny enhet under Malmö kommun" in form
        response = coordinator.post(
            f"/organisationer/ny?parent={malmo}",
            data={"name": "Socialtjänsten", "kind": "kommun", "parent_id": str(malmo)},
        )
        assert response.status_code == 302
        with app.app_context():
            unit = db.session.scalar(select(Organisation).filter_by(name="Socialtjänsten"))
            assert unit.parent_id == malmo and unit.county_code == "12"
            assert not unit.is_municipality

    def test_edit_records_history_and_seeded_fields_stay(self, coordinator, app):
        malmo = org_id(app, municipality_code="1280")
        form = coordinator.get(f"/organisationer/{malmo}/redigera").text
        assert 'name="kind"' not in form and "kommer från referensdata" in form
        response = coordinator.post(
            f"/organisationer/{malmo}/redigera",
            data={
                "name": "Malmö stad",
                "short_name": "Malmö",
                "notes": "Ny anteckning",
                "version": "1",
            },
        )
        assert response.status_code == 302
        page = coordinator.get(f"/organisationer/{malmo}").text
        assert "Malmö stad" in page and "Ny anteckning" in page
        assert "Historik" in page and "Malmö kommun" in page  # the old name in the history
        with app.app_context():
            org = db.session.get(Organisation, malmo)
            assert (org.kind, org.county_code, org.version) == (OrganisationKind.KOMMUN, "12", 2)
            assert "malmo stad" in org.search_text

    def test_second_editor_sees_a_conflict(self, coordinator, app):
        malmo = org_id(app, municipality_code="1280")
        data = {"name": "Malmö stad", "short_name": "Malmö", "notes": "", "version": "1"}
        assert coordinator.post(f"/organisationer/{malmo}/redigera", data=data).status_code == 302
        second = coordinator.post(
            f"/organisationer/{malmo}/redigera", data={**data, "name": "Malmö kommun (ny)"}
        )
        assert second.status_code == 409
        assert "Någon annan har sparat ändringar" in second.text
        assert "Malmö stad" in second.text and "Malmö kommun (ny)" in second.text
        with app.app_context():
            assert db.session.get(Organisation, malmo).name == "Malmö stad"

    def test_archive_restore_and_delete_rules(self, coordinator, app):
        with app.app_context():
            lone = create_organisation(
                values={"name": "Tillfällig", "kind": OrganisationKind.ANNAN}, by=None
            ).id
            used = create_organisation(
                values={"name": "Använd", "kind": OrganisationKind.ANNAN}, by=None
            )
            create_contact(
                values=ContactValues(first_name="A", last_name="B"), organisation=used, by=None
            )
            used = used.id
            db.session.commit()
        malmo = org_id(app, municipality_code="1280")
        assert "Ta bort för gott" not in coordinator.get(f"/organisationer/{malmo}").text
        assert coordinator.post(f"/organisationer/{malmo}/ta-bort").status_code == 302
        assert coordinator.post(f"/organisationer/{used}/ta-bort").status_code == 302
        assert coordinator.post(f"/organisationer/{used}/arkivera").status_code == 302
        assert coordinator.post(f"/organisationer/{lone}/ta-bort").status_code == 302
        with app.app_context():
            assert db.session.get(Organisation, malmo) is not None
            assert db.session.get(Organisation, used).archived
            assert db.session.get(Organisation, lone) is None
            actions = db.session.scalars(
                select(AuditEvent.action).filter_by(entity_id=used, entity_type="organisations")
            ).all()
            assert "archive" in actions
        coordinator.post(f"/organisationer/{used}/aterstall")
        with app.app_context():
            assert not db.session.get(Organisation, used).archived

    def test_engagement_change_is_kept_as_history(self, coordinator, app):
        malmo = org_id(app, municipality_code="1280")
        response = coordinator.post(
            f"/organisationer/{malmo}/engagemang",
            data={
                "stage": "i_dialog",
                "comment": "Möte med socialchefen",
                "opportunities": "Intresse för rutiner",
                "challenges": "Tolkfrågor",
            },
        )
        assert response.status_code == 302
        coordinator.post(
            f"/organisationer/{malmo}/engagemang", data={"stage": "arbetar_aktivt", "comment": ""}
        )
        page = coordinator.get(f"/organisationer/{malmo}").text
        assert "Arbetar aktivt" in page and "Möte med socialchefen" in page and "I dialog" in page
        with app.app_context():
            org = db.session.get(Organisation, malmo)
            assert org.engagement_stage is Stage.ACTIVE
            changes = db.session.scalars(
                select(EngagementChange)
                .filter_by(organisation_id=malmo)
                .order_by(EngagementChange.id)
            ).all()
            assert [c.stage for c in changes] == [Stage.IN_DIALOGUE, Stage.ACTIVE]
            assert changes[0].changed_by_name and changes[0].opportunities == "Intresse för rutiner"

    def test_engagement_only_for_municipalities(self, coordinator, app):
        board = org_id(app, reference_key="lansstyrelse:12")
        assert coordinator.get(f"/organisationer/{board}/engagemang").status_code == 404

    def test_parent_cycle_is_refused(self, coordinator, app):
        with app.app_context():
            top = create_organisation(
                values={"name": "Topp", "kind": OrganisationKind.ANNAN}, by=None
            )
            child = create_organisation(
                values={"name": "Under", "kind": OrganisationKind.ANNAN, "parent_id": top.id},
                by=None,
            )
            db.session.commit()
            ids = top.id, child.id
        response = coordinator.post(
            f"/organisationer/{ids[0]}/redigera",
            data={"name": "Topp", "kind": "annan", "parent_id": str(ids[1]), "version": "1"},
        )
        assert "kan inte ligga under sig själv" in response.text


def test_stage_stylesheet_comes_from_the_stage_definition(client):
    css = client.get("/organisationer/steg.css")
    assert css.mimetype == "text/css"
    for stage in Stage:
        assert f".stage--{stage.value} .stage__swatch {{ background: {stage.colour}; }}" in css.text


def test_audit_rows_count_one_per_change(coordinator, app):
    with app.app_context():
        before = db.session.scalar(select(func.count()).select_from(AuditEvent))
    coordinator.post("/organisationer/ny", data={"name": "En till", "kind": "annan"})
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == before + 1
