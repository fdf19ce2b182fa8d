"""Contact pages: create with validated addresses, tags, filters, affiliations over time,
"byter organisation", conflicts, history and statement counts."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select, text

from app.common.time import local_today
from app.contacts.models import Affiliation, Contact, ContactPhone
from app.contacts.services import ContactValues, create_contact
from app.extensions import db
from app.organisations.models import Organisation


@pytest.fixture
def coordinator(seeded, as_role):
    return as_role("coordinator")


def org(app, code: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Organisation.id).filter_by(municipality_code=code))


def contact_named(app, last_name: str) -> Contact:
    with app.app_context():
        contact = db.session.scalar(select(Contact).filter_by(last_name=last_name))
        db.session.expunge_all()
        return contact


def names_on(page: str) -> list[str]:
    return re.findall(r'<td><a href="/kontakter/\d+">([^<]*)</a>', page)


def test_create_normalises_addresses_and_numbers(coordinator, app):
    response = coordinator.post(
        "/kontakter/ny",
        data={
            "first_name": "Åsa",
            "last_name": "Öberg",
            "emails": "Asa.Oberg@Malmo.SE\nasa.oberg@malmo.se\nasa@privat.se",
            "phones": "070-123 45 67\n+47 22 12 34 56",
            "tags": "Socialtjänst, nätverk ,socialtjänst",
            "organisation_id": str(org(app, "1280")),
            "title": "Socialsekreterare",
            "started_on": "2025-09-01",
        },
    )
    assert response.status_code == 302
    page = coordinator.get(response.headers["Location"]).text
    assert "asa.oberg@malmo.se" in page and "asa@privat.se" in page
    assert (
        "070-123 45 67" in page and "+47 22 12 34 56" in page and 'href="tel:+46701234567"' in page
    )
    assert page.count('class="tag"') == 2
    assert "Socialsekreterare" in page and "Malmö kommun" in page
    with app.app_context():
        contact = db.session.scalar(select(Contact).filter_by(last_name="Öberg"))
        assert [e.address for e in contact.emails] == ["asa.oberg@malmo.se", "asa@privat.se"]
        assert [p.number for p in contact.phones] == ["+46701234567", "+4722123456"]
        assert [p.shown for p in contact.phones] == ["070-123 45 67", "+47 22 12 34 56"]
        assert contact.affiliations[0].started_on == date(2025, 9, 1)
        contact_id = contact.id
    listed = coordinator.get("/kontakter?q=Öberg").text
    assert "<td>070-123 45 67</td>" in listed  # the first number, as it is shown
    edit = coordinator.get(f"/kontakter/{contact_id}/redigera").text
    version = re.search(r'name="version" type="hidden" value="(\d+)"', edit).group(1)
    saved = coordinator.post(
        f"/kontakter/{contact_id}/redigera",
        data={
            "first_name": "Åsa",
            "last_name": "Öberg",
            "phones": "+47 22 12 34 56\n08-123 456 78",
            "emails": "asa@privat.se",
            "version": version,
        },
    )
    assert saved.status_code == 302, saved.text
    assert "<td>+47 22 12 34 56</td>" in coordinator.get("/kontakter?q=Öberg").text


def test_a_number_written_without_its_shown_form_is_formatted_when_read(coordinator, app):
    """A row inserted by something that does not know `shown` (the previous release during
    an upgrade) has none and is shown formatted all the same."""
    with app.app_context():
        contact = create_contact(values=ContactValues(first_name="Ove", last_name="Sund"), by=None)
        db.session.execute(
            text(
                "INSERT INTO contact_phones (contact_id, number, label, position) "
                "VALUES (:contact, '+46701234567', '', 0)"
            ),
            {"contact": contact.id},
        )
        db.session.commit()
        assert db.session.scalar(select(ContactPhone.shown)) is None
        contact_id = contact.id
    assert "<td>070-123 45 67</td>" in coordinator.get("/kontakter?q=Sund").text
    assert "070-123 45 67" in coordinator.get(f"/kontakter/{contact_id}/redigera").text


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("emails", "inte-en-adress", "Ange en giltig e-postadress"),
        ("phones", "12", "Ange ett giltigt telefonnummer"),
        ("started_on", "2025-13-45", "datum"),
    ],
)
def test_bad_input_is_named_and_nothing_is_saved(coordinator, app, field, value, message):
    data = {
        "first_name": "Bo",
        "last_name": "Fel",
        "organisation_id": str(org(app, "1280")),
        field: value,
    }
    response = coordinator.post("/kontakter/ny", data=data)
    assert response.status_code == 200
    assert_error_at_field(response.text, field, message)
    assert 'value="Bo"' in response.text  # the user's input is kept
    with app.app_context():
        assert db.session.scalar(select(Contact).filter_by(last_name="Fel")) is None


def assert_error_at_field(page: str, field: str, message: str) -> None:
    """The message is next to the field, tied to it for screen readers, not only in a banner."""
    control = re.search(rf'<(?:input|textarea|select)[^>]*\bid="{field}"[^>]*>', page).group(0)
    assert 'aria-invalid="true"' in control
    assert f"{field}-error" in re.search(r'aria-describedby="([^"]*)"', control).group(1)
    error = re.search(rf'<p class="field-error" id="{field}-error">(.*?)</p>', page, re.S)
    assert error and message in error.group(1)
    assert 'class="flash flash--error"' not in page


def test_a_name_is_required(coordinator):
    response = coordinator.post("/kontakter/ny", data={"first_name": "", "last_name": ""})
    assert_error_at_field(response.text, "first_name", "Ange för- eller efternamn.")


def test_errors_on_edit_show_at_the_field(coordinator, app):
    created = coordinator.post("/kontakter/ny", data={"first_name": "Eva", "last_name": "Rätt"})
    edit_url = created.headers["Location"] + "/redigera"
    response = coordinator.post(
        edit_url,
        data={"first_name": "Eva", "last_name": "Rätt", "phones": "12", "version": "1"},
    )
    assert response.status_code == 200
    assert_error_at_field(response.text, "phones", "Ange ett giltigt telefonnummer")


def test_change_organisation_keeps_the_old_role_as_history(coordinator, app):
    with app.app_context():
        malmo = db.session.scalar(select(Organisation).filter_by(municipality_code="1280"))
        contact = create_contact(
            values=ContactValues(first_name="Per", last_name="Ek"),
            organisation=malmo,
            title="Socialchef",
            started_on=date(2024, 1, 1),
            by=None,
        )
        db.session.commit()
        contact_id = contact.id
    starts = local_today()
    response = coordinator.post(
        f"/kontakter/{contact_id}/byter-organisation",
        data={
            "organisation_id": str(org(app, "1880")),
            "title": "Enhetschef",
            "starts_on": starts.isoformat(),
        },
    )
    assert response.status_code == 302
    page = coordinator.get(f"/kontakter/{contact_id}").text
    assert "Tidigare roller" in page and "Socialchef" in page and "Enhetschef, " in page
    with app.app_context():
        roles = db.session.scalars(
            select(Affiliation).filter_by(contact_id=contact_id).order_by(Affiliation.id)
        ).all()
        assert roles[0].ended_on == starts - timedelta(days=1)
        assert roles[1].started_on == starts and roles[1].ended_on is None
        assert [r.is_current() for r in roles] == [False, True]
    # The old organisation lists him as a former contact.
    malmo_page = coordinator.get(f"/organisationer/{org(app, '1280')}").text
    assert "Tidigare kontakter" in malmo_page and "Per Ek" in malmo_page


def test_end_and_add_affiliation(coordinator, app):
    with app.app_context():
        contact = create_contact(values=ContactValues(first_name="Li", last_name="Wu"), by=None)
        db.session.commit()
        contact_id = contact.id
    added = coordinator.post(
        f"/kontakter/{contact_id}/roller",
        data={
            "organisation_id": str(org(app, "1280")),
            "title": "Samordnare",
            "started_on": "2025-01-01",
        },
    )
    assert added.status_code == 302
    with app.app_context():
        role = db.session.scalar(select(Affiliation).filter_by(contact_id=contact_id))
        role_id = role.id
    bad = coordinator.post(
        f"/kontakter/{contact_id}/roller/{role_id}/avsluta", data={"ended_on": "2024-01-01"}
    )
    assert bad.status_code == 302
    assert (
        "Slutdatum kan inte vara före startdatum."
        in coordinator.get(f"/kontakter/{contact_id}").text
    )
    coordinator.post(
        f"/kontakter/{contact_id}/roller/{role_id}/avsluta", data={"ended_on": "2025-06-30"}
    )
    with app.app_context():
        assert db.session.get(Affiliation, role_id).ended_on == date(2025, 6, 30)
    assert (
        coordinator.post(
            f"/kontakter/{contact_id}/roller/999/avsluta", data={"ended_on": "2025-06-30"}
        ).status_code
        == 404
    )


def test_edit_conflict_and_history(coordinator, app):
    with app.app_context():
        contact = create_contact(
            values=ContactValues(first_name="Ida", last_name="Berg", emails=["ida@x.se"]), by=None
        )
        db.session.commit()
        contact_id = contact.id
    base = {
        "first_name": "Ida",
        "last_name": "Berg",
        "emails": "ida@x.se",
        "phones": "",
        "tags": "",
        "notes": "",
        "version": "1",
    }
    assert (
        coordinator.post(
            f"/kontakter/{contact_id}/redigera", data={**base, "last_name": "Berglund"}
        ).status_code
        == 302
    )
    second = coordinator.post(
        f"/kontakter/{contact_id}/redigera", data={**base, "notes": "Ringer på fredagar"}
    )
    assert second.status_code == 409
    assert "Berglund" in second.text and "Ringer på fredagar" in second.text
    page = coordinator.get(f"/kontakter/{contact_id}").text
    assert "Berglund" in page and "Berg" in page and "Historik" in page
    with app.app_context():
        contact = db.session.get(Contact, contact_id)
        assert contact.notes == "" and contact.version == 2


class TestList:
    @pytest.fixture
    def people(self, seeded, app):
        with app.app_context():
            malmo = db.session.scalar(select(Organisation).filter_by(municipality_code="1280"))
            board = db.session.scalar(
                select(Organisation).filter_by(reference_key="lansstyrelse:01")
            )
            create_contact(
                values=ContactValues(first_name="Anna", last_name="Ärlig", tags=["nätverk"]),
                organisation=malmo,
                by=None,
            )
            create_contact(
                values=ContactValues(first_name="Bo", last_name="Zetterberg"),
                organisation=board,
                by=None,
            )
            former = create_contact(
                values=ContactValues(first_name="Cia", last_name="Andersson"),
                organisation=malmo,
                by=None,
            )
            former.affiliations[0].started_on = date(2020, 1, 1)
            former.affiliations[0].ended_on = date(2021, 1, 1)
            create_contact(values=ContactValues(first_name="Dan", last_name="Åberg"), by=None)
            db.session.commit()
        return seeded

    def test_swedish_order(self, people, coordinator):
        assert names_on(coordinator.get("/kontakter").text) == [
            "Andersson, Cia",
            "Zetterberg, Bo",
            "Åberg, Dan",
            "Ärlig, Anna",
        ]

    def test_filters(self, people, coordinator, app):
        malmo = org(app, "1280")
        assert names_on(coordinator.get(f"/kontakter?organisation={malmo}").text) == [
            "Andersson, Cia",
            "Ärlig, Anna",
        ]
        assert names_on(
            coordinator.get(f"/kontakter?organisation={malmo}&status=nuvarande").text
        ) == ["Ärlig, Anna"]
        assert names_on(coordinator.get("/kontakter?status=tidigare").text) == ["Andersson, Cia"]
        assert names_on(coordinator.get("/kontakter?typ=lansstyrelse").text) == ["Zetterberg, Bo"]
        assert names_on(coordinator.get("/kontakter?lan=01").text) == ["Zetterberg, Bo"]
        assert names_on(coordinator.get("/kontakter?tagg=NATVERK").text) == ["Ärlig, Anna"]
        assert names_on(coordinator.get("/kontakter?q=ARLIG").text) == ["Ärlig, Anna"]

    def test_statement_count_is_the_same_for_10_and_200_rows(
        self, seeded, app, as_role, count_statements
    ):
        client = as_role("reader")
        with app.app_context():
            malmo = db.session.scalar(select(Organisation).filter_by(municipality_code="1280"))
            for number in range(200):
                create_contact(
                    values=ContactValues(
                        first_name=f"Person{number:03}",
                        last_name="Test",
                        emails=[f"p{number}@malmo.se"],
                        phones=["070-123 45 67"],
                        tags=["nätverk", f"grupp{number % 5}"],
                    ),
                    organisation=malmo,
                    title="Handläggare",
                    by=None,
                )
            db.session.commit()
        client.get("/kontakter")
        counts = []
        for query in ("q=person00", "q=test"):  # 10 rows, then 50 of 200
            with count_statements() as counter:
                page = client.get(f"/kontakter?{query}")
            assert page.status_code == 200
            counts.append(counter.count)
        assert "10 träffar" in client.get("/kontakter?q=person00").text
        assert counts[0] == counts[1] <= 12


def test_the_list_pages_in_name_order_and_shows_each_row(coordinator, app):
    """The list finds its page by id first and loads only those rows as plain values
    (app/contacts/rows.py): the order holds across pages, and a row shows its tags, its
    current roles with the organisation's display name, its first address and number, and
    "Bara tidigare roller" when every role has ended."""
    with app.app_context():
        malmo = db.session.get(Organisation, org(app, "1280"))
        for number in range(52):
            create_contact(
                values=ContactValues(
                    first_name="Anna",
                    last_name=f"Listperson {number:02d}",
                    emails=[f"forsta.{number}@malmo.se", f"andra.{number}@malmo.se"],
                    phones=["070-123 45 67", "08-123 456 78"],
                    tags=["Nätverk"] if number == 1 else [],
                ),
                by=None,
                organisation=malmo,
                title="Socialsekreterare",
                started_on=date(2024, 1, 1),
            )
        former = db.session.scalar(
            select(Affiliation).join(Contact).filter(Contact.last_name == "Listperson 02")
        )
        former.ended_on = local_today() - timedelta(days=1)
        db.session.commit()
    first = coordinator.get("/kontakter?q=listperson&sort=namn").text
    second = coordinator.get("/kontakter?q=listperson&sort=namn&sida=2").text
    expected = [f"Listperson {n:02d}, Anna" for n in range(52)]
    assert names_on(first) == expected[:50] and names_on(second) == expected[50:]
    rows = first.split("<tr>")
    row = next(r for r in rows if "Listperson 01, Anna" in r)
    assert '<span class="tag">Nätverk</span>' in row
    assert "Socialsekreterare, Malmö kommun" in row
    assert 'href="mailto:forsta.1@malmo.se"' in row and "andra.1@malmo.se" not in row
    assert "070-123 45 67" in row and "08-123 456 78" not in row
    ended = next(r for r in rows if "Listperson 02, Anna" in r)
    assert "Bara tidigare roller" in ended and "Socialsekreterare" not in ended
