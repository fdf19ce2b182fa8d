"""Meetings: Stockholm times across daylight-saving changes, the form, history, conflicts,
the list's filters and statement counts, readers, and merging participants."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time

import pytest
from sqlalchemy import func, select

from app.auth.models import User
from app.contacts.merge import merge_contacts
from app.contacts.services import ContactValues, create_contact
from app.extensions import db
from app.meetings import services
from app.meetings.models import Meeting, MeetingKind, MeetingStatus, Perspective, meeting_contacts
from app.organisations.models import Organisation

TODAY = date(2026, 11, 23)


def times(**kwargs):
    return services.resolve_times(services.MeetingTimes(**kwargs), today=TODAY)


class TestTimes:
    def test_stored_in_utc_on_both_sides_of_the_spring_change(self, app):
        with app.test_request_context():
            assert times(day=date(2026, 3, 28), start=time(10), end=time(11))[0] == datetime(
                2026, 3, 28, 9, tzinfo=UTC
            )
            assert times(day=date(2026, 3, 30), start=time(10), end=time(11))[0] == datetime(
                2026, 3, 30, 8, tzinfo=UTC
            )

    def test_the_spring_gap_is_refused(self, app):
        with app.test_request_context(), pytest.raises(services.InvalidMeeting, match="finns inte"):
            times(day=date(2026, 3, 29), start=time(2, 30), end=time(3, 30))

    def test_the_autumn_overlap_is_asked_about_then_honoured(self, app):
        with app.test_request_context():
            with pytest.raises(services.AskFold) as asked:
                times(day=date(2026, 10, 25), start=time(2, 30), end=time(4))
            assert asked.value.which == "start"
            assert (asked.value.summer, asked.value.winter) == (
                datetime(2026, 10, 25, 0, 30, tzinfo=UTC),
                datetime(2026, 10, 25, 1, 30, tzinfo=UTC),
            )
            start, end = times(day=date(2026, 10, 25), start=time(2, 30), end=time(4), start_fold=1)
            assert start == datetime(2026, 10, 25, 1, 30, tzinfo=UTC) and end == datetime(
                2026, 10, 25, 3, tzinfo=UTC
            )

    def test_an_end_before_the_start_is_after_midnight_when_short(self, app):
        with app.test_request_context():
            start, end = times(day=date(2026, 11, 23), start=time(23, 30), end=time(0, 15))
            assert (start, end) == (
                datetime(2026, 11, 23, 22, 30, tzinfo=UTC),
                datetime(2026, 11, 23, 23, 15, tzinfo=UTC),
            )
            with pytest.raises(services.InvalidMeeting, match="sluta efter"):
                times(day=date(2026, 11, 23), start=time(11), end=time(10))  # 23 h: a mistake

    def test_all_day_spans_whole_local_days_across_a_change(self, app):
        with app.test_request_context():
            start, end = times(day=date(2026, 3, 28), end_day=date(2026, 3, 29), all_day=True)
            assert start == datetime(2026, 3, 27, 23, tzinfo=UTC)  # midnight CET
            assert end == datetime(2026, 3, 29, 22, tzinfo=UTC)  # midnight after, CEST

    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            ({"day": date(2026, 5, 4), "start": time(11), "end": time(10)}, "sluta efter"),
            ({"day": date(9999, 1, 1), "start": time(10), "end": time(11)}, "orimligt"),
            ({"day": date(1900, 1, 1), "start": time(10), "end": time(11)}, "orimligt"),
            ({"day": date(2026, 5, 4), "end_day": date(2026, 5, 3), "all_day": True}, "Slutdagen"),
            ({"day": date(2026, 5, 4)}, "start- och sluttid"),
        ],
    )
    def test_bad_times(self, app, kwargs, message):
        with app.test_request_context(), pytest.raises(services.InvalidMeeting, match=message):
            times(**kwargs)


@pytest.fixture
def world(seeded, users, app):
    with app.app_context():
        malmo = db.session.scalar(select(Organisation).filter_by(municipality_code="1280"))
        anna = create_contact(
            values=ContactValues(first_name="Anna", last_name="Ek"), organisation=malmo, by=None
        )
        bo = create_contact(
            values=ContactValues(first_name="Bo", last_name="Ek"), organisation=malmo, by=None
        )
        coordinator = db.session.scalar(select(User).filter_by(email=users["coordinator"]))
        db.session.commit()
        return {"malmo": malmo.id, "anna": anna.id, "bo": bo.id, "coordinator": coordinator.id}


def form_data(world, **overrides):
    data = {
        "title": "Dialog med socialtjänsten",
        "kind": "digitalt",
        "status": "genomfort",
        "day": "2026-11-20",
        "start": "10:00",
        "end": "11:00",
        "organisations": [str(world["malmo"])],
        "contacts": [str(world["anna"]), str(world["bo"])],
        "responsible": str(world["coordinator"]),
        "team": [str(world["coordinator"])],
        "topics": "Återvandringsbidrag, rutiner",
        "target_groups": "Unga vuxna",
        "barnratt": "y",
        "barnratt_note": "Barnens bästa diskuterades",
        "outcome": "Kommunen tar fram en rutin",
        "version": "1",
    }
    data.update(overrides)
    return data


def test_log_a_meeting_and_see_it(world, as_role, app):
    client = as_role("coordinator")
    form = client.get(f"/moten/ny?organisation={world['malmo']}").text
    assert f'<option selected value="{world["malmo"]}">' in form and "Anna Ek" in form
    response = client.post("/moten/ny", data=form_data(world))
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).text
    for text in (
        "Dialog med socialtjänsten",
        "2026-11-20 10:00",
        "11:00",
        "v. 47",
        "Anna Ek",
        "Bo Ek",
        "Återvandringsbidrag",
        "Unga vuxna",
        "Barnrättsperspektiv: Barnens bästa diskuterades",
        "Kommunen tar fram en rutin",
        "Historik",
    ):
        assert text in page
    with app.app_context():
        meeting = db.session.scalar(select(Meeting))
        assert meeting.starts_at == datetime(2026, 11, 20, 9, tzinfo=UTC)
        assert [p.perspective for p in meeting.perspectives] == [Perspective.CHILD_RIGHTS]


def test_form_asks_about_the_autumn_hour_and_refuses_the_spring_gap(world, as_role):
    client = as_role("coordinator")
    gap = client.post(
        "/moten/ny", data=form_data(world, day="2026-03-29", start="02:30", end="03:30")
    )
    assert "finns inte: klockan ställs fram" in gap.text
    ambiguous = client.post(
        "/moten/ny", data=form_data(world, day="2026-10-25", start="02:30", end="04:00")
    )
    assert "Tiden finns två gånger" in ambiguous.text and 'name="start_fold"' in ambiguous.text
    chosen = client.post(
        "/moten/ny",
        data=form_data(world, day="2026-10-25", start="02:30", end="04:00", start_fold="0"),
    )
    assert chosen.status_code == 302


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"organisations": []}, "Välj minst en organisation."),
        ({"start": "11:00", "end": "10:00"}, "Mötet måste sluta efter att det börjar."),
        ({"online_link": "javascript:alert(1)"}, "Ange en länk som börjar med http"),
        ({"day": "9999-01-01"}, "orimligt"),
    ],
)
def test_bad_input_is_shown_and_nothing_is_stored(world, as_role, app, overrides, message):
    response = as_role("coordinator").post("/moten/ny", data=form_data(world, **overrides))
    assert response.status_code == 200 and message in response.text
    assert 'value="Dialog med socialtjänsten"' in response.text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Meeting)) == 0


def test_a_deactivated_responsible_is_refused(world, as_role, app):
    with app.app_context():
        db.session.get(User, world["coordinator"]).active = False
        db.session.commit()
    response = as_role("admin").post("/moten/ny", data=form_data(world))
    assert "Den ansvariga måste vara en aktiv användare" in response.text


def test_readers_and_inactive_users_are_not_offered_or_accepted(world, users, as_role, app):
    """Only people who may be given work are offered as responsible or team members; a
    reader's id posted anyway is refused and nothing is stored."""
    with app.app_context():
        reader = db.session.scalar(select(User).filter_by(email=users["reader"]))
        db.session.get(User, world["coordinator"]).name = "Kim Samordnare"
        reader.name = "Lisa Läsare"
        ghost = User(email="gone@example.se", name="Borta Användare", password_hash="x")
        ghost.active = False
        db.session.add(ghost)
        db.session.commit()
        reader_id = reader.id
    client = as_role("admin")
    page = client.get("/moten/ny").text
    responsible = page.split('id="responsible"')[1].split("</select>")[0]
    team = page.split('id="team"')[1].split("</select>")[0]
    for options in (responsible, team):
        assert "Kim Samordnare" in options
        assert "Lisa Läsare" not in options and "Borta Användare" not in options
    refused = client.post("/moten/ny", data=form_data(world, responsible=str(reader_id)))
    assert "Den ansvariga måste vara en aktiv användare som inte är läsare." in refused.text
    in_team = client.post("/moten/ny", data=form_data(world, team=[str(reader_id)]))
    assert "Deltagare i teamet måste vara aktiva användare som inte är läsare." in in_team.text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Meeting)) == 0


def test_edit_history_and_conflict(world, as_role, app):
    client = as_role("coordinator")
    meeting_url = client.post("/moten/ny", data=form_data(world)).headers["Location"]
    edit_url = meeting_url + "/redigera"
    assert (
        client.post(edit_url, data=form_data(world, title="Uppföljande dialog")).status_code == 302
    )
    conflict = client.post(edit_url, data=form_data(world, outcome="Annat resultat"))
    assert conflict.status_code == 409 and "Någon annan har sparat ändringar" in conflict.text
    page = client.get(meeting_url).text
    assert (
        "Uppföljande dialog" in page and "Dialog med socialtjänsten" in page
    )  # old title in history
    assert "Kommunen tar fram en rutin" in page


def test_readers_see_but_never_change(world, as_role, app):
    coordinator = as_role("coordinator")
    meeting_url = coordinator.post("/moten/ny", data=form_data(world)).headers["Location"]
    coordinator.post("/logga-ut")
    reader = as_role("reader")
    page = reader.get(meeting_url).text
    assert (
        "Dialog med socialtjänsten" in page and "/redigera" not in page and "Logga möte" not in page
    )
    assert reader.post("/moten/ny", data=form_data(world)).status_code == 403
    assert reader.post(meeting_url + "/redigera", data=form_data(world)).status_code == 403


def make_meetings(world, count, **overrides):
    for number in range(count):
        values = services.MeetingValues(
            title=f"Möte {number}",
            kind=overrides.get("kind", MeetingKind.PHONE),
            status=overrides.get("status", MeetingStatus.HELD),
            starts_at=datetime(2026, 10, 1 + number % 28, 8, tzinfo=UTC),
            ends_at=datetime(2026, 10, 1 + number % 28, 9, tzinfo=UTC),
            all_day=False,
            responsible_id=world["coordinator"],
            organisation_ids=[world["malmo"]],
            contact_ids=[world["anna"]],
            topics=overrides.get("topics", ["rutiner"]),
            perspectives=overrides.get("perspectives", {}),
        )
        services.schedule_meeting(values=values, by=None)


def titles(page):
    return re.findall(r'<td><a href="/moten/\d+">([^<]*)</a>', page)


def test_list_filters(world, as_role, app):
    with app.app_context():
        make_meetings(world, 3)
        make_meetings(
            world,
            1,
            kind=MeetingKind.IN_PERSON,
            status=MeetingStatus.PLANNED,
            topics=["tolkar"],
            perspectives={Perspective.GENDER_EQUALITY: ""},
        )
        board = db.session.scalar(select(Organisation).filter_by(reference_key="lansstyrelse:12"))
        services.schedule_meeting(
            values=services.MeetingValues(
                title="Länsstyrelsen",
                kind=MeetingKind.DIGITAL,
                status=MeetingStatus.HELD,
                starts_at=datetime(2026, 9, 1, 8, tzinfo=UTC),
                ends_at=datetime(2026, 9, 1, 9, tzinfo=UTC),
                all_day=False,
                responsible_id=1,
                organisation_ids=[board.id],
            ),
            by=None,
        )
        db.session.commit()
    client = as_role("reader")
    assert len(titles(client.get("/moten").text)) == 5
    assert titles(client.get("/moten?typ=fysiskt").text) == ["Möte 0"]
    assert titles(client.get("/moten?status=planerat").text) == ["Möte 0"]
    assert titles(client.get("/moten?orgtyp=lansstyrelse").text) == ["Länsstyrelsen"]
    assert len(titles(client.get("/moten?lan=12").text)) == 5
    assert titles(client.get("/moten?amne=TOLKAR").text) == ["Möte 0"]
    assert titles(client.get("/moten?perspektiv=jamstalldhet").text) == ["Möte 0"]
    assert titles(client.get("/moten?fran=2026-09-01&till=2026-09-30").text) == ["Länsstyrelsen"]
    assert titles(client.get("/moten?q=lansstyrelsen").text) == ["Länsstyrelsen"]
    assert (
        titles(client.get(f"/moten?person={world['coordinator']}").text).count("Länsstyrelsen") == 0
    )


def test_list_statement_count_is_constant(world, as_role, app, count_statements):
    with app.app_context():
        make_meetings(world, 10, kind=MeetingKind.IN_PERSON)
        make_meetings(world, 200)
        db.session.commit()
    client = as_role("reader")
    client.get("/moten")
    counts = []
    for query in ("typ=fysiskt", "typ=telefon"):
        with count_statements() as counter:
            assert client.get(f"/moten?{query}").status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1] <= 12


def test_merging_contacts_keeps_one_participation(world, app):
    with app.app_context():
        make_meetings(world, 1)
        meeting = db.session.scalar(select(Meeting))
        bo = db.session.get(type(meeting.contacts[0]), world["bo"])
        meeting.contacts = [*meeting.contacts, bo]
        db.session.commit()
        from app.contacts.models import Contact

        anna, bo = db.session.get(Contact, world["anna"]), db.session.get(Contact, world["bo"])
        merge_contacts(
            anna,
            bo,
            first_name="Anna",
            last_name="Ek",
            notes="",
            expected_versions=(anna.version, bo.version),
            by=db.session.get(User, 1),
        )
        db.session.commit()
        rows = db.session.execute(select(meeting_contacts)).all()
        assert [(r.meeting_id, r.contact_id) for r in rows] == [(meeting.id, world["anna"])]


def test_participant_search_offers_the_chosen_organisations_contacts_first(
    world, as_role, app, count_statements
):
    with app.app_context():
        lund = db.session.scalar(select(Organisation).filter_by(municipality_code="1281"))
        create_contact(
            values=ContactValues(first_name="Anders", last_name="Al"), organisation=lund, by=None
        )
        db.session.commit()
    client = as_role("coordinator")
    url = f"/moten/deltagare?organisation={world['malmo']}"
    everyone = client.get(url).json["results"]
    assert [(r["name"], r["at_chosen"]) for r in everyone] == [("Anna Ek", True), ("Bo Ek", True)]
    assert everyone[0]["detail"] == "Malmö kommun"
    # Typing narrows; people elsewhere follow when their name matches.
    found = client.get(url + "&q=an").json["results"]
    assert [(r["name"], r["at_chosen"]) for r in found] == [
        ("Anna Ek", True),
        ("Anders Al", False),
    ]
    assert client.get("/moten/deltagare?q=ANDERS").json["results"][0]["detail"] == "Lunds kommun"
    assert client.get("/moten/deltagare").json["results"] == []
    assert client.get("/moten/deltagare?organisation=x&q=%25").json["results"] == []
    with count_statements() as counter:
        client.get(url + "&q=e")
    assert counter.count <= 6
    page = client.get(f"/moten/ny?organisation={world['malmo']}").text
    assert 'data-picker-url="/moten/deltagare"' in page and "js/picker.js" in page


def test_a_meeting_lasts_at_most_two_weeks_and_shows_in_every_week_it_spans(world, app):
    """The limit lets period queries bound the start (the index on starts_at); a meeting of
    exactly the longest length still shows in the last week it covers."""
    from datetime import timedelta

    from app.meetings.models import MAX_MEETING_DAYS
    from app.meetings.queries import MeetingFilter, meeting_query

    def values(days: int) -> services.MeetingValues:
        start = datetime(2026, 3, 2, 8, tzinfo=UTC)
        return services.MeetingValues(
            title=f"Konferens {days}",
            kind=MeetingKind.IN_PERSON,
            status=MeetingStatus.PLANNED,
            starts_at=start,
            ends_at=start + timedelta(days=days),
            all_day=False,
            responsible_id=1,
            organisation_ids=[world["malmo"]],
        )

    with app.test_request_context():
        with pytest.raises(services.InvalidMeeting, match="högst 14 dagar"):
            services.schedule_meeting(values=values(MAX_MEETING_DAYS + 1), by=None)
        longest = services.schedule_meeting(values=values(MAX_MEETING_DAYS), by=None)
        db.session.flush()
        last_day = date(2026, 3, 16)  # the meeting ends at 09:00 on 16 March
        found = db.session.scalars(meeting_query(MeetingFilter(start=last_day, end=last_day))).all()
        assert longest in found
        db.session.rollback()


def test_contact_choices_are_the_organisations_people_and_those_chosen(world, app):
    """The form's participants: those with a role at the chosen organisations, and anyone
    already chosen wherever they work; nobody for an empty form."""
    with app.test_request_context():
        lund = db.session.scalar(select(Organisation).filter_by(municipality_code="1281"))
        cecilia = create_contact(
            values=ContactValues(first_name="Cecilia", last_name="Berg"), organisation=lund, by=None
        )
        create_contact(
            values=ContactValues(first_name="Dan", last_name="Berg"), organisation=lund, by=None
        )
        db.session.commit()

        def names(organisations, selected):
            return [c.full_name for c in services.contact_choices(organisations, selected)]

        assert names([world["malmo"]], []) == ["Anna Ek", "Bo Ek"]
        assert names([world["malmo"]], [cecilia.id]) == ["Cecilia Berg", "Anna Ek", "Bo Ek"]
        assert names([], [cecilia.id]) == ["Cecilia Berg"]
        assert names([], []) == []


def test_a_form_shown_again_offers_the_organisations_people(world, as_role, app):
    """A submitted form reads only the chosen contacts; shown again (a mistake, or the
    no-script "update" of the organisations), it offers everyone at the chosen
    organisations, as the first showing did."""
    client = as_role("coordinator")
    again = client.post("/moten/ny", data=form_data(world, title="", contacts=[]))
    assert again.status_code == 200
    assert f'value="{world["anna"]}">Anna Ek' in again.text
    assert f'value="{world["bo"]}">Bo Ek' in again.text
    refreshed = client.post("/moten/ny", data=form_data(world, refresh="1", contacts=[]))
    assert f'value="{world["anna"]}">Anna Ek' in refreshed.text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Meeting)) == 0
