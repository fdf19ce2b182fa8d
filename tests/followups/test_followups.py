"""Follow-ups: overdue in Stockholm dates, the lists, completing, reassigning, bad input,
the after-meeting form, the sections on other pages, readers and statement counts."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from app.auth.models import User
from app.common.time import local_today
from app.contacts.services import ContactValues, create_contact
from app.extensions import db
from app.followups import services
from app.followups.models import FollowUp, FollowUpStatus
from app.meetings.models import Meeting, MeetingKind, MeetingStatus
from app.meetings.services import MeetingValues, schedule_meeting
from app.organisations.models import Organisation


def test_overdue_turns_at_stockholm_midnight():
    item = FollowUp(title="x", owner_id=1, due_on=date(2026, 11, 23), status=FollowUpStatus.OPEN)
    assert not item.is_overdue(date(2026, 11, 23))  # due today: not yet
    assert item.is_overdue(date(2026, 11, 24))
    # 23:30 UTC on the 23rd is already the 24th in Stockholm (UTC+1 in winter).
    from app.common.time import to_local

    assert to_local(datetime(2026, 11, 23, 23, 30, tzinfo=UTC)).date() == date(2026, 11, 24)
    item.status = FollowUpStatus.DONE
    assert not item.is_overdue(date(2027, 1, 1))


def test_local_today_uses_stockholm(monkeypatch):
    import app.common.time as timing

    monkeypatch.setattr(timing, "utcnow", lambda: datetime(2026, 6, 30, 22, 30, tzinfo=UTC))
    assert timing.local_today() == date(2026, 7, 1)


@pytest.fixture
def world(seeded, users, app):
    with app.app_context():
        malmo = db.session.scalar(select(Organisation).filter_by(municipality_code="1280"))
        anna = create_contact(
            values=ContactValues(first_name="Anna", last_name="Ek"), organisation=malmo, by=None
        )
        me = db.session.scalar(select(User).filter_by(email=users["coordinator"]))
        other = db.session.scalar(select(User).filter_by(email=users["admin"]))
        meeting = schedule_meeting(
            values=MeetingValues(
                title="Dialog",
                kind=MeetingKind.DIGITAL,
                status=MeetingStatus.PLANNED,
                starts_at=datetime(2026, 11, 20, 9, tzinfo=UTC),
                ends_at=datetime(2026, 11, 20, 10, tzinfo=UTC),
                all_day=False,
                responsible_id=me.id,
                organisation_ids=[malmo.id],
                contact_ids=[anna.id],
            ),
            by=None,
        )
        db.session.commit()
        return {
            "malmo": malmo.id,
            "anna": anna.id,
            "me": me.id,
            "other": other.id,
            "meeting": meeting.id,
        }


def add(world, title, due, owner="me", **links):
    return services.create_follow_up(
        values=services.FollowUpValues(title=title, owner_id=world[owner], due_on=due, **links),
        by=None,
        today=date(2026, 11, 23),
    )


def titles(page):
    return re.findall(r'<td><a href="/uppfoljningar/\d+">([^<]*)</a>', page)


def test_the_lists(world, as_role, app):
    today = local_today()
    from datetime import timedelta

    with app.app_context():
        add(world, "Försenad", today - timedelta(days=1))
        add(world, "Idag", today)
        add(world, "Om en månad", today + timedelta(days=30))
        add(world, "Kollegans", today + timedelta(days=1), owner="other")
        done = add(world, "Klar sedan länge", today - timedelta(days=9))
        services.complete_follow_up(done, note="", by=None, today=today)
        db.session.commit()
    client = as_role("coordinator")
    assert titles(client.get("/uppfoljningar").text) == ["Försenad", "Idag", "Om en månad"]
    assert titles(client.get("/uppfoljningar?visa=teamets").text) == [
        "Försenad",
        "Idag",
        "Kollegans",
        "Om en månad",
    ]
    assert titles(client.get("/uppfoljningar?visa=forsenade").text) == ["Försenad"]
    week = titles(client.get("/uppfoljningar?visa=veckan").text)
    assert "Idag" in week and "Om en månad" not in week
    assert titles(client.get("/uppfoljningar?visa=klara").text) == ["Klar sedan länge"]
    assert "försenad" in client.get("/uppfoljningar").text


def test_overdue_on_the_start_page_leads_to_my_overdue_with_the_teams_one_click_away(
    world, as_role, app
):
    """The start page's "Försenade" are mine, so its link opens my overdue follow-ups, not
    the team's; the team's overdue list is one tab away on that list."""
    from datetime import timedelta

    today = local_today()
    with app.app_context():
        add(world, "Min försenade", today - timedelta(days=2))
        add(world, "Kollegans försenade", today - timedelta(days=1), owner="other")
        add(world, "Min kommande", today + timedelta(days=2))
        db.session.commit()
    client = as_role("coordinator")
    start = client.get("/").text
    link = re.search(r'<a href="(/uppfoljningar\?visa=[^"]+)">Visa alla mina försenade</a>', start)
    assert link, "the start page links to my overdue follow-ups"
    mine = client.get(link.group(1).replace("&amp;", "&")).text
    assert titles(mine) == ["Min försenade"]
    team = re.search(r'<a href="(/uppfoljningar\?visa=[^"]+)"\s*>Teamets försenade</a>', mine)
    assert team, "the team's overdue follow-ups are one click away"
    assert titles(client.get(team.group(1)).text) == ["Min försenade", "Kollegans försenade"]


def test_complete_in_one_click_with_a_note(world, as_role, app):
    with app.app_context():
        item = add(world, "Skicka material", local_today())
        db.session.commit()
        item_id = item.id
    client = as_role("coordinator")
    response = client.post(
        f"/uppfoljningar/{item_id}/klar",
        data={"note": "Skickat per mejl", "next": "/uppfoljningar"},
    )
    assert response.headers["Location"] == "/uppfoljningar"
    with app.app_context():
        item = db.session.get(FollowUp, item_id)
        assert (item.status, item.completed_on, item.completion_note) == (
            FollowUpStatus.DONE,
            local_today(),
            "Skickat per mejl",
        )
    evil = client.post(f"/uppfoljningar/{item_id}/oppna", data={"next": "https://evil.example/"})
    assert evil.headers["Location"] == f"/uppfoljningar/{item_id}"


def test_reassign_refuses_a_deactivated_owner(world, as_role, app):
    with app.app_context():
        item = add(world, "Boka möte", local_today())
        ghost = User(email="gone@example.se", name="Borta", password_hash="x", active=False)
        db.session.add(ghost)
        db.session.commit()
        ids = item.id, ghost.id
    client = as_role("coordinator")
    client.post(f"/uppfoljningar/{ids[0]}/tilldela", data={"owner": world["other"]})
    with app.app_context():
        assert db.session.get(FollowUp, ids[0]).owner_id == world["other"]
    client.post(f"/uppfoljningar/{ids[0]}/tilldela", data={"owner": ids[1]})
    with app.app_context():
        assert db.session.get(FollowUp, ids[0]).owner_id == world["other"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": "", "due_on": "2026-12-01"}, "Fältet måste fyllas i."),
        ({"title": "X", "due_on": "9999-12-31"}, "orimligt"),
        ({"title": "X", "due_on": "1999-12-31"}, "orimligt"),
        ({"title": "X", "due_on": "31/12"}, "datum"),
    ],
)
def test_bad_input(world, as_role, app, data, message):
    response = as_role("coordinator").post("/uppfoljningar/ny", data={"owner": world["me"], **data})
    assert response.status_code == 200 and message in response.text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(FollowUp)) == 0


def test_after_the_meeting_in_one_form(world, as_role, app):
    client = as_role("coordinator")
    url = f"/uppfoljningar/efter-mote/{world['meeting']}"
    page = client.get(url).text
    assert "Ja, mötet är hållet" not in page  # it has begun: nothing to ask
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    data = {
        "outcome": "Kommunen vill ha en utbildning",
        "notes": "",
        "version": version,
        "follow_ups-0-title": "Skicka utbildningsmaterial",
        "follow_ups-0-owner": world["me"],
        "follow_ups-0-due_on": "2026-12-01",
        "follow_ups-1-title": "Boka uppföljande möte",
        "follow_ups-1-owner": world["other"],
        "follow_ups-1-due_on": "2026-12-15",
        "follow_ups-2-title": "",
        "follow_ups-2-owner": world["me"],
        "follow_ups-2-due_on": "",
    }
    response = client.post(url, data=data)
    assert response.headers["Location"] == f"/moten/{world['meeting']}"
    with app.app_context():
        meeting = db.session.get(Meeting, world["meeting"])
        assert (
            meeting.status is MeetingStatus.HELD
            and meeting.outcome == "Kommunen vill ha en utbildning"
        )
        items = db.session.scalars(select(FollowUp).order_by(FollowUp.id)).all()
        assert [(i.title, i.meeting_id, i.organisation_id) for i in items] == [
            # Linked to the meeting only: they count for its organisations through it.
            ("Skicka utbildningsmaterial", world["meeting"], None),
            ("Boka uppföljande möte", world["meeting"], None),
        ]
    meeting_page = client.get(f"/moten/{world['meeting']}").text
    assert "Skicka utbildningsmaterial" in meeting_page and "Boka uppföljande möte" in meeting_page
    malmo_page = client.get(f"/organisationer/{world['malmo']}").text
    assert "Dialog" in malmo_page and "Senaste genomförda möte: 2026-11-20" in malmo_page
    assert "Skicka utbildningsmaterial" in malmo_page
    assert "Dialog" in client.get(f"/kontakter/{world['anna']}").text


def test_after_a_meeting_that_has_not_started_asks_first(world, as_role, app):
    """A meeting whose start is still ahead is marked held only after "Ja, mötet är hållet";
    without it the form comes back with the message at the box and nothing is stored."""
    from datetime import timedelta

    from app.common.time import utcnow

    with app.app_context():
        meeting = db.session.get(Meeting, world["meeting"])
        meeting.starts_at = utcnow() + timedelta(days=3)
        meeting.ends_at = meeting.starts_at + timedelta(hours=1)
        db.session.commit()
        version = meeting.version
    client = as_role("coordinator")
    url = f"/uppfoljningar/efter-mote/{world['meeting']}"
    page = client.get(url).text
    assert "har alltså inte hållits än" in page and "Ja, mötet är hållet" in page
    data = {
        "outcome": "Bra möte",
        "version": str(version),
        "follow_ups-0-title": "Skicka material",
        "follow_ups-0-owner": world["me"],
        "follow_ups-0-due_on": "2026-12-20",
    }
    asked = client.post(url, data=data)
    assert asked.status_code == 200
    error = asked.text.split('id="held_early-error"')[1].split("</p>")[0]
    assert "Mötet har inte börjat än enligt kalendern" in error
    assert 'aria-invalid="true"' in asked.text.split('id="held_early"')[0].rsplit("<input", 1)[1]
    assert "Bra möte" in asked.text
    with app.app_context():
        assert db.session.get(Meeting, world["meeting"]).status is MeetingStatus.PLANNED
        assert db.session.scalar(select(func.count()).select_from(FollowUp)) == 0
    confirmed = client.post(url, data={**data, "held_early": "y"})
    assert confirmed.headers["Location"] == f"/moten/{world['meeting']}"
    with app.app_context():
        assert db.session.get(Meeting, world["meeting"]).status is MeetingStatus.HELD
        assert db.session.scalar(select(func.count()).select_from(FollowUp)) == 1


def test_after_meeting_is_all_or_nothing(world, as_role, app):
    client = as_role("coordinator")
    url = f"/uppfoljningar/efter-mote/{world['meeting']}"
    data = {
        "outcome": "Resultat",
        "version": "1",
        "follow_ups-0-title": "Utan datum",
        "follow_ups-0-owner": world["me"],
    }
    response = client.post(url, data=data)
    assert "Ange sista dag" in response.text
    with app.app_context():
        assert db.session.get(Meeting, world["meeting"]).status is MeetingStatus.PLANNED
        assert db.session.scalar(select(func.count()).select_from(FollowUp)) == 0


def owner_options(page: str, field_id: str) -> str:
    return page.split(f'id="{field_id}"')[1].split("</select>")[0]


def test_readers_and_inactive_users_are_not_offered_as_owners(world, users, as_role, app):
    """The owner pickers (new, edit, reassign, after the meeting) offer only people who may
    be given work; a reader's id posted anyway is refused and nothing changes."""
    with app.app_context():
        reader = db.session.scalar(select(User).filter_by(email=users["reader"]))
        reader.name = "Lisa Läsare"
        db.session.get(User, world["me"]).name = "Kim Samordnare"
        db.session.add(User(email="gone@example.se", name="Borta", password_hash="x", active=False))
        item = add(world, "Boka möte", local_today())
        db.session.commit()
        reader_id, item_id = reader.id, item.id
    client = as_role("coordinator")
    pages = [
        ("owner", "/uppfoljningar/ny"),
        ("owner", f"/uppfoljningar/{item_id}/redigera"),
        ("owner", f"/uppfoljningar/{item_id}"),
        ("follow_ups-0-owner", f"/uppfoljningar/efter-mote/{world['meeting']}"),
    ]
    for field_id, url in pages:
        options = owner_options(client.get(url).text, field_id)
        assert "Kim Samordnare" in options
        assert "Lisa Läsare" not in options and ">Borta<" not in options
    refused = client.post(
        "/uppfoljningar/ny",
        data={"title": "Ringa", "owner": reader_id, "due_on": "2026-12-20"},
    )
    assert "Ansvarig måste vara en aktiv användare som inte är läsare." in refused.text
    client.post(f"/uppfoljningar/{item_id}/tilldela", data={"owner": reader_id})
    after = client.post(
        f"/uppfoljningar/efter-mote/{world['meeting']}",
        data={
            "outcome": "Klart",
            "version": "1",
            "follow_ups-0-title": "Till läsaren",
            "follow_ups-0-owner": reader_id,
            "follow_ups-0-due_on": "2026-12-20",
        },
    )
    assert "som inte är läsare" in after.text
    with app.app_context():
        assert db.session.scalars(select(FollowUp.owner_id)).all() == [world["me"]]
        assert db.session.get(Meeting, world["meeting"]).status is MeetingStatus.PLANNED


def test_readers_see_but_never_change(world, as_role, app):
    with app.app_context():
        item = add(world, "Skicka material", local_today())
        db.session.commit()
        item_id = item.id
    reader = as_role("reader")
    page = reader.get("/uppfoljningar?visa=teamets").text
    assert "Skicka material" in page and ">Klar<" not in page
    assert reader.post(f"/uppfoljningar/{item_id}/klar", data={}).status_code == 403
    assert reader.post("/uppfoljningar/ny", data={}).status_code == 403


def test_statement_counts_are_constant(world, as_role, app, count_statements):
    from datetime import timedelta

    with app.app_context():
        for number in range(200):
            add(
                world,
                f"Uppgift {number}",
                local_today() + timedelta(days=number % 30),
                owner="other",
                meeting_id=world["meeting"],
                organisation_id=world["malmo"],
                contact_id=world["anna"],
            )
        for number in range(10):
            add(
                world,
                f"Min {number}",
                local_today(),
                meeting_id=world["meeting"],
                organisation_id=world["malmo"],
                contact_id=world["anna"],
            )
        db.session.commit()
    client = as_role("coordinator")
    client.get("/uppfoljningar")
    counts = []
    for query in ("visa=mina", "visa=teamets"):
        with count_statements() as counter:
            assert client.get(f"/uppfoljningar?{query}").status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1] <= 12
    timeline_counts = []
    for path in (
        f"/organisationer/{world['malmo']}",
        f"/kontakter/{world['anna']}",
        f"/moten/{world['meeting']}",
    ):
        with count_statements() as counter:
            assert client.get(path).status_code == 200
        timeline_counts.append(counter.count)
    assert max(timeline_counts) <= 25


def open_follow_ups(*organisation_ids):
    """The lägesbild's open follow-ups of these municipalities, by id."""
    from app.reports.situation import municipality_statuses

    counts = {s.id: s.open_follow_ups for s in municipality_statuses()}
    return [counts[i] for i in organisation_ids]


def organisation_section(client, organisation_id):
    """The follow-up section of an organisation's page."""
    page = client.get(f"/organisationer/{organisation_id}").text
    return page.split('id="followups-section-heading"')[1].split("</section>")[0]


def test_follow_ups_belong_where_their_meeting_belongs(world, as_role, app):
    """A follow-up made in "Efter mötet" counts for the meeting's organisations as they are
    now (and a unit's for its municipality), on their pages and in the lägesbild; editing
    the meeting's organisations moves it; one in the trash counts nowhere."""
    from app.meetings import services as meeting_services
    from app.trash.services import move_to_trash

    with app.app_context():
        lund = db.session.scalar(select(Organisation).filter_by(municipality_code="1281"))
        uppsala = db.session.scalar(select(Organisation).filter_by(municipality_code="0380"))
        goteborg = db.session.scalar(select(Organisation).filter_by(municipality_code="1480"))
        # A unit of Uppsala whose kind is not "Kommun": it belongs to Uppsala by parent_id.
        unit = Organisation(
            name="Socialtjänsten", kind=lund.kind.CIVILSAMHALLE, parent_id=uppsala.id
        )
        db.session.add(unit)
        meeting = db.session.get(Meeting, world["meeting"])
        meeting.organisations = [db.session.get(Organisation, world["malmo"]), lund, unit]
        meeting.version += 1
        db.session.commit()
        ids = {"lund": lund.id, "uppsala": uppsala.id, "goteborg": goteborg.id, "unit": unit.id}
        version = meeting.version
    malmo = world["malmo"]
    client = as_role("coordinator")
    response = client.post(
        f"/uppfoljningar/efter-mote/{world['meeting']}",
        data={
            "outcome": "Bra möte",
            "notes": "",
            "version": str(version),
            "follow_ups-0-title": "Skicka rutinen till alla",
            "follow_ups-0-owner": world["me"],
            "follow_ups-0-due_on": "2026-12-01",
        },
    )
    assert response.status_code == 302
    for organisation_id in (malmo, ids["lund"], ids["unit"], ids["uppsala"]):
        assert "Skicka rutinen till alla" in organisation_section(client, organisation_id)
    assert "Skicka rutinen till alla" not in organisation_section(client, ids["goteborg"])
    with app.app_context():
        item_id = db.session.scalar(select(FollowUp.id).filter_by(title="Skicka rutinen till alla"))
    detail = client.get(f"/uppfoljningar/{item_id}").text
    assert "Mötets organisationer" in detail and "Socialtjänsten, Uppsala kommun" in detail
    with app.app_context():
        assert open_follow_ups(malmo, ids["lund"], ids["uppsala"], ids["goteborg"]) == [1, 1, 1, 0]
        # A follow-up of the unit itself counts for its municipality; one made for the
        # meeting and Uppsala's unit too counts once for Uppsala.
        add(world, "Unitens egen", date(2026, 12, 2), organisation_id=ids["unit"])
        add(
            world,
            "Både och",
            date(2026, 12, 3),
            meeting_id=world["meeting"],
            organisation_id=ids["unit"],
        )
        db.session.commit()
        assert open_follow_ups(malmo, ids["uppsala"]) == [2, 3]

        # Editing the meeting's organisations moves its follow-ups.
        meeting = db.session.get(Meeting, world["meeting"])
        meeting_services.update_meeting(
            meeting,
            values=meeting_services.MeetingValues(
                title=meeting.title,
                kind=meeting.kind,
                status=meeting.status,
                starts_at=meeting.starts_at,
                ends_at=meeting.ends_at,
                all_day=meeting.all_day,
                responsible_id=meeting.responsible_id,
                organisation_ids=[ids["goteborg"]],
                outcome=meeting.outcome,
            ),
            expected_version=meeting.version,
            by=None,
        )
        db.session.commit()
        assert open_follow_ups(malmo, ids["lund"], ids["uppsala"], ids["goteborg"]) == [0, 0, 2, 2]
    assert "Skicka rutinen till alla" in organisation_section(client, ids["goteborg"])
    for organisation_id in (malmo, ids["lund"], ids["uppsala"]):
        assert "Skicka rutinen till alla" not in organisation_section(client, organisation_id)
    assert "Både och" in organisation_section(client, ids["uppsala"])  # its own link stays

    # In the trash: counted nowhere, shown nowhere.
    with app.app_context():
        item = db.session.scalar(select(FollowUp).filter_by(title="Skicka rutinen till alla"))
        move_to_trash(item, by=None)
        db.session.commit()
        assert open_follow_ups(ids["goteborg"]) == [1]
    assert "Skicka rutinen till alla" not in organisation_section(client, ids["goteborg"])


def add_meetings_with_units(world, count, *, codes=("2282", "0764", "1280", "0380")):
    """`count` held meetings, each with a municipality's "Socialtjänsten" (a unit), each with
    a follow-up made after it (only the meeting named, as "Efter mötet" makes it), mine and
    due tomorrow, naming Anna (so it is on her page too)."""
    from datetime import timedelta

    tomorrow = local_today() + timedelta(days=1)
    for number in range(count):
        municipality = db.session.scalar(
            select(Organisation).filter_by(municipality_code=codes[number % len(codes)])
        )
        unit = db.session.scalar(
            select(Organisation).filter_by(parent_id=municipality.id, name="Socialtjänsten")
        )
        if unit is None:
            unit = Organisation(
                name="Socialtjänsten", kind=municipality.kind, parent_id=municipality.id
            )
            db.session.add(unit)
            db.session.flush()
        meeting = schedule_meeting(
            values=MeetingValues(
                title=f"Samråd {number}",
                kind=MeetingKind.DIGITAL,
                status=MeetingStatus.HELD,
                starts_at=datetime(2026, 11, 2, 9, tzinfo=UTC),
                ends_at=datetime(2026, 11, 2, 10, tzinfo=UTC),
                all_day=False,
                responsible_id=world["me"],
                organisation_ids=[unit.id],
            ),
            by=None,
        )
        add(world, f"Efter samråd {number}", tomorrow, meeting_id=meeting.id)
        add(
            world,
            f"Till Anna {number}",
            tomorrow,
            meeting_id=meeting.id,
            contact_id=world["anna"],
            organisation_id=world["malmo"],
        )
    db.session.commit()


def galler(page: str, title: str) -> str:
    """The "Gäller" cell of the row whose title is `title`, as text."""
    row = page.split(f">{title}</a>", 1)[1].split("</tr>", 1)[0]
    cell = row.split("<td>", 2)[1].split("</td>", 1)[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", cell)).strip()


def test_a_follow_up_after_a_meeting_shows_the_meetings_organisations_in_every_list(
    world, as_role, app, count_statements
):
    """A follow-up made "Efter mötet" names only its meeting, yet counts for the meeting's
    organisations: every list of follow-ups shows them, a unit with its municipality, in a
    number of statements that does not grow with the rows."""
    with app.app_context():
        add_meetings_with_units(world, 2)
        kramfors = db.session.scalar(select(Organisation.id).filter_by(municipality_code="2282"))
    client = as_role("coordinator")
    pages = {
        "list": "/uppfoljningar?visa=teamets",
        "start page": "/",
        "municipality": f"/organisationer/{kramfors}",
    }
    for name, path in pages.items():
        page = client.get(path).text
        assert galler(page, "Efter samråd 0") == "Samråd 0 · Socialtjänsten, Kramfors kommun", name
    assert (
        galler(client.get(f"/kontakter/{world['anna']}").text, "Till Anna 1")
        == "Samråd 1 · Malmö kommun; Socialtjänsten, Alvesta kommun · Anna Ek"
    )
    csv = client.get("/uppfoljningar/export.csv?visa=teamets").data.decode("utf-8-sig")
    assert "Efter samråd 0;Öppen;" in csv and ";Socialtjänsten, Kramfors kommun;" in csv

    def counts():
        found = {}
        for name, path in {**pages, "contact": f"/kontakter/{world['anna']}"}.items():
            client.get(path)  # the coverage figures are kept between requests: warm them
            with count_statements() as counter:
                assert client.get(path).status_code == 200
            found[name] = counter.count
        return found

    app.config["PAGE_CACHE_BYTES"] = 0  # count the statements of rendering, not of the cache
    few = counts()
    with app.app_context():
        add_meetings_with_units(world, 12)
    assert counts() == few
