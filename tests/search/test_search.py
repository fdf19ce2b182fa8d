"""The header search: folding on both databases, Swedish order, units found by parent."""

from __future__ import annotations

import pytest

from app.common.text import sort_key
from app.contacts.services import ContactValues, create_contact
from app.extensions import db
from app.organisations.models import Organisation, OrganisationKind
from app.organisations.services import create_organisation
from app.search.services import search_everything


@pytest.fixture
def registry(seeded):
    with seeded.app_context():
        malmo = db.session.scalar(
            db.select(Organisation).where(Organisation.municipality_code == "1280")
        )
        create_organisation(
            values={
                "name": "Socialtjänsten",
                "kind": OrganisationKind.KOMMUN,
                "parent_id": malmo.id,
            },
            by=None,
        )
        create_contact(
            values=ContactValues(first_name="Åsa", last_name="Öberg", emails=["asa@malmo.se"]),
            organisation=malmo,
            by=None,
        )
        db.session.commit()
        yield seeded


def names(results):
    return [o.name for o in results.organisations]


@pytest.mark.parametrize("query", ["Örebro", "ÖREBRO", "örebro", "orebro", "OREBRO"])
def test_case_and_diacritics_are_folded(registry, query):
    assert "Örebro kommun" in names(search_everything(query))


@pytest.mark.parametrize("query", ["malmo", "Malmö", "MALMÖ"])
def test_missing_diacritics_still_find(registry, query):
    assert "Malmö kommun" in names(search_everything(query))


def test_are_finds_are_kommun(registry):
    assert "Åre kommun" in names(search_everything("Åre"))
    assert "Åre kommun" in names(search_everything("are kommun"))


def test_socialtjansten_in_malmo_is_found_from_the_header_box(registry, client, as_role):
    results = search_everything("socialtjänsten i Malmö")
    assert [o.display_name for o in results.organisations] == ["Socialtjänsten, Malmö kommun"]
    page = as_role("reader").get("/sok", query_string={"q": "socialtjänsten i Malmö"}).text
    assert "Socialtjänsten, Malmö kommun" in page


def test_contacts_found_by_name_and_email(registry):
    assert [c.full_name for c in search_everything("asa oberg").contacts] == ["Åsa Öberg"]
    assert [c.full_name for c in search_everything("ÖBERG").contacts] == ["Åsa Öberg"]
    assert [c.full_name for c in search_everything("asa@malmo").contacts] == ["Åsa Öberg"]


def test_search_by_code_and_org_number(registry):
    assert names(search_everything("1880")) == ["Örebro kommun"]
    assert names(search_everything("202100-2163")) == ["Migrationsverket"]


def test_results_are_in_swedish_order_on_this_database(registry):
    """The database sorts by the stored key, whatever its own collation would do."""
    from app.common.text import sort_key
    from app.organisations.services import OrganisationFilter, organisation_query

    query = organisation_query(OrganisationFilter(kind=OrganisationKind.KOMMUN))
    ordered = [o.name for o in db.session.scalars(query) if o.parent_id is None]
    assert len(ordered) == 290
    assert ordered == sorted(ordered, key=sort_key)
    assert ordered.index("Ystads kommun") < ordered.index("Åmåls kommun")
    assert ordered.index("Åre kommun") < ordered.index("Älmhults kommun")
    assert ordered.index("Älvsbyns kommun") < ordered.index("Ödeshögs kommun")
    assert ordered[-1] == "Övertorneå kommun"


def test_swedish_order_in_the_organisation_list(registry, as_role):
    page = as_role("reader").get("/organisationer", query_string={"typ": "kommun", "sida": 6}).text
    # The last page of 290 municipalities ends with Ö, after Å and Ä.
    assert (
        page.index("Älvsbyns kommun")
        < page.index("Örebro kommun")
        < page.index("Övertorneå kommun")
    )
    assert page.index("Åre kommun") < page.index("Älvsbyns kommun")


def test_wildcards_are_literal(registry):
    assert search_everything("%").empty
    assert search_everything("_").empty


def test_empty_query_finds_nothing(registry, as_role):
    assert search_everything("   ").empty
    assert as_role("reader").get("/sok").status_code == 200


def test_header_has_the_search_box_with_shortcut(as_role):
    page = as_role("reader").get("/").text
    assert 'id="header-search"' in page and 'aria-keyshortcuts="/"' in page
    assert "/static/js/samverkan.js" in page


def test_meetings_are_found_by_title_place_and_organisation(registry, as_role, count_statements):
    from datetime import UTC, datetime

    from app.meetings.models import MeetingKind, MeetingStatus
    from app.meetings.services import MeetingValues, schedule_meeting

    with registry.app_context():
        malmo = db.session.scalar(
            db.select(Organisation).where(Organisation.municipality_code == "1280")
        )
        for title, place in [("Återvandring och rutiner", "Stadshuset"), ("Länsträff", "")]:
            schedule_meeting(
                values=MeetingValues(
                    title=title,
                    kind=MeetingKind.IN_PERSON,
                    status=MeetingStatus.HELD,
                    starts_at=datetime(2026, 11, 2, 9, tzinfo=UTC),
                    ends_at=datetime(2026, 11, 2, 10, tzinfo=UTC),
                    all_day=False,
                    responsible_id=1,
                    organisation_ids=[malmo.id],
                    place=place,
                ),
                by=None,
            )
        db.session.commit()
        assert [m.title for m in search_everything("ATERVANDRING").meetings] == [
            "Återvandring och rutiner"
        ]
        assert [m.title for m in search_everything("stadshuset").meetings] == [
            "Återvandring och rutiner"
        ]
        assert len(search_everything("malmö").meetings) == 2
    client = as_role("reader")
    client.get("/sok?q=malmo")
    with count_statements() as counter:
        page = client.get("/sok", query_string={"q": "återvandring"}).text
    assert '<h2 id="meeting-results">Möten</h2>' in page and "Återvandring och rutiner" in page
    assert counter.count <= 12


def test_exact_and_prefix_matches_come_first(registry, as_role):
    """ "Örebro" lists Örebro kommun first, though "Länsstyrelsen i Örebro län" and "Region
    Örebro län" come before it in Swedish order; the other hits follow in Swedish order."""
    for query in ["Örebro", "orebro", "Örebro kommun"]:
        found = names(search_everything(query))
        assert found[0] == "Örebro kommun", (query, found)
    found = names(search_everything("Örebro"))
    later = [name for name in found if not name.startswith("Örebro")]
    assert len(later) >= 2 and later == sorted(later, key=sort_key)
    page = as_role("reader").get("/organisationer", query_string={"q": "Örebro"}).text
    assert page.index("Örebro kommun") < page.index("Region Örebro län")
    # A column the user chose still decides the order.
    page = as_role("reader").get("/organisationer", query_string={"q": "Örebro", "sort": "namn"})
    assert page.text.index("Region Örebro län") < page.text.index("Örebro kommun")


def test_exact_contact_and_meeting_titles_come_first(registry, as_role):
    from datetime import UTC, datetime

    from app.meetings.models import MeetingKind, MeetingStatus
    from app.meetings.services import MeetingValues, schedule_meeting

    with registry.app_context():
        for first, last in [("Berit", "Andersson"), ("Anders", "Berg"), ("Per", "Andersson")]:
            create_contact(values=ContactValues(first_name=first, last_name=last), by=None)
        for day, title in [(3, "Möte om Anderssons förslag"), (1, "Anders och laget")]:
            schedule_meeting(
                values=MeetingValues(
                    title=title,
                    kind=MeetingKind.DIGITAL,
                    status=MeetingStatus.HELD,
                    starts_at=datetime(2026, 11, day, 9, tzinfo=UTC),
                    ends_at=datetime(2026, 11, day, 10, tzinfo=UTC),
                    all_day=False,
                    responsible_id=1,
                    organisation_ids=[1],
                ),
                by=None,
            )
        db.session.commit()
        results = search_everything("Andersson")
        # Last name exactly the query first, in Swedish order.
        assert [c.full_name for c in results.contacts] == ["Berit Andersson", "Per Andersson"]
        results = search_everything("anders")
        assert results.contacts[0].full_name == "Anders Berg"
        # The title beginning with the word first, though the other meeting is newer.
        assert [m.title for m in results.meetings] == [
            "Anders och laget",
            "Möte om Anderssons förslag",
        ]
    page = as_role("reader").get("/kontakter", query_string={"q": "anders"}).text
    assert page.index("Berg, Anders") < page.index("Andersson, Berit")


@pytest.mark.parametrize("query", ["202100-2163", "2021002163", "162021002163", "202100216"])
def test_org_number_with_or_without_dash(registry, as_role, query):
    assert names(search_everything(query)) == ["Migrationsverket"]
    page = as_role("reader").get("/organisationer", query_string={"q": query}).text
    assert "Migrationsverket" in page and "Örebro kommun" not in page


def test_digits_that_are_not_an_org_number_still_match_as_typed(registry):
    assert names(search_everything("1880")) == ["Örebro kommun"]
    assert search_everything("99999999").empty
