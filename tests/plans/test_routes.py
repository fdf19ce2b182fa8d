"""The plan pages by role: readers read, coordinators and admins make and change plans; adding
a county's municipalities with the organisation list's filters, one by one, or with a saved
filter; the sections on the organisation page, the start page and the silence list; and the
statement counts of the plan page and the list, which do not grow with items."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

import app.common.time as timing
from app.auth.models import SavedFilter, User
from app.extensions import db
from app.organisations.models import Organisation, OrganisationKind
from app.plans.models import ContactPlan, ContactPlanItem

from ..conftest import login
from .world import meeting, organisation, plan, utc


def token(page_text: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page_text).group(1)


@pytest.fixture
def today(monkeypatch):
    """2 December 2026 in Stockholm (23:30 UTC on the 1st)."""
    monkeypatch.setattr(timing, "utcnow", lambda: datetime(2026, 12, 1, 23, 30, tzinfo=UTC))


@pytest.fixture
def data(seeded, users, today):
    """A plan owned by the coordinator with Kramfors (met on 5 Nov) and Timrå (never)."""
    with seeded.app_context():
        owner = db.session.scalars(select(User).where(User.email == users["coordinator"])).one()
        kramfors, timra = organisation("Kramfors kommun"), organisation("Timrå kommun")
        meeting([kramfors], utc(2026, 11, 5, 9), by=owner)
        made = plan(owner, organisations=[kramfors, timra])
        db.session.commit()
        return {"plan": made.id, "kramfors": kramfors.id, "timra": timra.id}


def item_count(app, plan_id: int) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).where(ContactPlanItem.plan_id == plan_id))


def test_reader_reads_but_cannot_change(app, data, as_role):
    client = as_role("reader")
    listing = client.get("/kontaktplaner")
    assert listing.status_code == 200 and "Västernorrland hösten 2026" in listing.text
    assert "Ny kontaktplan" not in listing.text
    page = client.get(f"/kontaktplaner/{data['plan']}")
    assert page.status_code == 200
    assert "1 av 2 nådda enligt planen (50 %)" in page.text
    assert "1 försenad" in page.text and "Nådd enligt planen" in page.text
    assert "Lägg till kommuner" not in page.text
    for path in (
        "/kontaktplaner/ny",
        f"/kontaktplaner/{data['plan']}/lagg-till",
        f"/kontaktplaner/{data['plan']}/redigera",
    ):
        assert client.get(path).status_code == 403
    assert client.post(f"/kontaktplaner/{data['plan']}/ta-bort").status_code == 403


def test_plan_page_shows_stage_meeting_due_and_responsible(app, data, as_role):
    page = as_role("coordinator").get(f"/kontaktplaner/{data['plan']}").text
    kramfors = page.split(f'data-item="{data["kramfors"]}"')[1].split("</tr>")[0]
    timra = page.split(f'data-item="{data["timra"]}"')[1].split("</tr>")[0]
    assert "2026-11-05" in kramfors and "Nådd" in kramfors
    assert "Aldrig" in timra and "Försenad" in timra and "2026-11-30" in timra
    history = page.split('id="history-heading"')[1]
    assert "Lade till" in history and "Kramfors kommun" in history and "Timrå kommun" in history


def test_coordinator_creates_a_plan_and_adds_a_countys_municipalities(app, seeded, as_role, today):
    client = as_role("coordinator")
    form = client.get("/kontaktplaner/ny")
    assert form.status_code == 200
    with app.app_context():
        me = db.session.scalars(select(User).where(User.role == "coordinator")).first()
    created = client.post(
        "/kontaktplaner/ny",
        data={
            "csrf_token": token(form.text),
            "title": "Västernorrland",
            "scope": "Västernorrlands län",
            "owner": me.id,
            "starts_on": "2026-12-01",
            "ends_on": "2026-12-31",
            "note": "",
        },
    )
    assert created.status_code == 302
    with app.app_context():
        plan_id = db.session.scalar(
            select(ContactPlan.id).where(ContactPlan.title == "Västernorrland")
        )
    assert created.headers["Location"].endswith(f"/kontaktplaner/{plan_id}/lagg-till")
    chooser = client.get(f"/kontaktplaner/{plan_id}/lagg-till?typ=kommun&lan=22")
    assert chooser.status_code == 200
    assert "7 organisationer matchar." in chooser.text and "Örnsköldsviks kommun" in chooser.text
    added = client.post(
        f"/kontaktplaner/{plan_id}/lagg-till?typ=kommun&lan=22",
        data={"csrf_token": token(chooser.text), "alla": "1"},
    )
    assert added.status_code == 302 and item_count(app, plan_id) == 7
    page = client.get(f"/kontaktplaner/{plan_id}")
    assert "0 av 7 nådda enligt planen (0 %)" in page.text
    assert "7 organisationer lades till i planen." in page.text
    # Added again: nothing twice; the chooser marks those already in the plan.
    again = client.get(f"/kontaktplaner/{plan_id}/lagg-till?typ=kommun&lan=22")
    assert again.text.count("I planen") >= 7
    assert "Alla som matchar finns redan i planen." in again.text


def test_one_by_one_and_by_a_saved_filter(app, data, as_role, users):
    client = as_role("coordinator")
    plan_id = data["plan"]
    with app.app_context():
        db.session.get(ContactPlan, plan_id).ends_on = date(2026, 12, 31)  # still running
        user = db.session.scalars(select(User).where(User.email == users["coordinator"])).one()
        db.session.add(
            SavedFilter(
                user_id=user.id,
                list_key="organisations.index",
                name="Jämtland",
                query_string="typ=kommun&lan=23",
            )
        )
        ange = organisation("Ånge kommun").id
        db.session.commit()
    chooser = client.get(f"/kontaktplaner/{plan_id}/lagg-till")
    assert "Jämtland" in chooser.text and "?typ=kommun&amp;lan=23" in chooser.text
    assert "organisationer matchar." not in chooser.text  # no filter, no list
    picked = client.get(f"/kontaktplaner/{plan_id}/lagg-till?q=Ånge")
    answer = client.post(
        f"/kontaktplaner/{plan_id}/lagg-till?q=Ånge",
        data={"csrf_token": token(picked.text), "organisation": str(ange)},
    )
    assert answer.status_code == 302 and item_count(app, plan_id) == 3
    bad = client.post(
        f"/kontaktplaner/{plan_id}/lagg-till",
        data={"csrf_token": token(picked.text), "organisation": "9" * 30},
    )
    assert bad.status_code == 400 and item_count(app, plan_id) == 3


def test_change_and_remove_an_item(app, data, as_role):
    client = as_role("admin")
    with app.app_context():
        item_id = db.session.scalar(
            select(ContactPlanItem.id).where(ContactPlanItem.organisation_id == data["timra"])
        )
    path = f"/kontaktplaner/{data['plan']}/kommuner/{item_id}"
    form = client.get(path)
    assert form.status_code == 200 and "Planens ansvarige" in form.text
    saved = client.post(
        path, data={"csrf_token": token(form.text), "due_on": "2026-12-20", "responsible": ""}
    )
    assert saved.status_code == 302
    page = client.get(f"/kontaktplaner/{data['plan']}").text
    assert "1 av 2 nådda enligt planen" in page and "försenad" not in page.split("Historik")[0]
    assert "2026-12-20" in page
    assert (
        client.post(path, data={"csrf_token": token(form.text), "due_on": "2026-01-01"}).status_code
        == 400
    )
    assert client.get(f"/kontaktplaner/{data['plan'] + 1}/kommuner/{item_id}").status_code == 404
    removed = client.post(f"{path}/ta-bort", data={"csrf_token": token(page)})
    assert removed.status_code == 302 and item_count(app, data["plan"]) == 1


def test_edit_conflict_and_delete(app, data, as_role):
    client = as_role("coordinator")
    path = f"/kontaktplaner/{data['plan']}/redigera"
    form = client.get(path)
    with app.app_context():
        owner_id = db.session.get(ContactPlan, data["plan"]).owner_id
    fields = {
        "csrf_token": token(form.text),
        "title": "Nytt namn",
        "owner": owner_id,
        "starts_on": "2026-11-01",
        "ends_on": "2026-11-30",
        "version": "1",
    }
    assert client.post(path, data=fields).status_code == 302
    assert client.post(path, data={**fields, "title": "Annat"}).status_code == 409
    assert (
        client.post(
            f"/kontaktplaner/{data['plan']}/ta-bort", data={"csrf_token": fields["csrf_token"]}
        ).status_code
        == 302
    )
    assert client.get(f"/kontaktplaner/{data['plan']}").status_code == 404


def test_sections_on_the_organisation_page_start_page_and_silence_list(app, data, as_role, users):
    client = as_role("coordinator")
    with app.app_context():
        owner = (
            db.session.scalars(select(User).where(User.email == users["coordinator"])).one().name
        )
    organisation_page = client.get(f"/organisationer/{data['timra']}").text
    assert (
        "Kontaktplaner" in organisation_page and "Västernorrland hösten 2026" in organisation_page
    )
    start = client.get("/").text
    assert "Mina kontaktplaner" in start and "0 av 2" not in start and "1 av 2 nådda" in start
    silence = client.get("/rapporter/tystnad?manader=6").text
    timra_row = silence.split("Timrå kommun</a>")[1].split("</tr>")[0]
    assert "Västernorrland hösten 2026" in timra_row and owner in timra_row
    assert "2026-11-30" in timra_row  # by when, as the export's "Sista dag enligt kontaktplan"
    ange_row = silence.split("Ånge kommun</a>")[1].split("</tr>")[0]
    assert "Nej" in ange_row
    reader = app.test_client()
    login(reader, users["reader"])
    assert "Mina kontaktplaner" not in reader.get("/").text


def test_statement_counts_do_not_grow_with_items(app, data, as_role, count_statements):
    client = as_role("coordinator")
    with app.app_context():  # still running, so that its add page opens
        db.session.get(ContactPlan, data["plan"]).ends_on = date(2026, 12, 31)
        db.session.commit()
    paths = [
        f"/kontaktplaner/{data['plan']}",
        "/kontaktplaner",
        "/",
        "/rapporter/tystnad?manader=6",
        f"/organisationer/{data['timra']}",
        f"/kontaktplaner/{data['plan']}/lagg-till?typ=kommun",
    ]

    def counts() -> list[int]:
        found = []
        for path in paths:
            with count_statements() as counter:
                assert client.get(path).status_code == 200
            found.append(counter.count)
        return found

    before = counts()
    with app.app_context():
        ids = db.session.scalars(
            select(Organisation.id).where(Organisation.kind == OrganisationKind.KOMMUN)
        ).all()
        present = {data["kramfors"], data["timra"]}
        for organisation_id in ids[:60]:
            if organisation_id not in present:
                db.session.add(
                    ContactPlanItem(plan_id=data["plan"], organisation_id=organisation_id)
                )
        db.session.commit()
    assert counts() == before


def test_nothing_is_added_to_a_plan_that_has_ended(app, data, as_role):
    """The plan ended on 30 November; today is 2 December. Its page offers no adding and says
    how to go on; the add page (also reached by an old link) sends the user back with that."""
    client = as_role("coordinator")
    page = client.get(f"/kontaktplaner/{data['plan']}").text
    notice = "Planen avslutades 2026-11-30. Förläng perioden under Redigera"
    assert "Lägg till kommuner" not in page and notice in page
    for method in (client.get, client.post):
        sent = method(f"/kontaktplaner/{data['plan']}/lagg-till?typ=kommun&lan=22")
        assert sent.status_code == 302
        assert sent.headers["Location"].endswith(f"/kontaktplaner/{data['plan']}")
    assert item_count(app, data["plan"]) == 2
    assert notice in client.get(f"/kontaktplaner/{data['plan']}").text
    with app.app_context():
        db.session.get(ContactPlan, data["plan"]).ends_on = date(2026, 12, 2)
        db.session.commit()
    running = client.get(f"/kontaktplaner/{data['plan']}").text
    assert "Lägg till kommuner" in running and notice not in running


def test_from_the_organisation_list_to_a_plan_with_the_same_filter(app, data, as_role, users):
    client = as_role("coordinator")
    listing = client.get("/organisationer?typ=kommun&lan=22&sida=1")
    link = re.search(r'href="(/kontaktplaner/valj\?[^"]+)"', listing.text).group(1)
    link = link.replace("&amp;", "&")
    chooser = client.get(link)
    assert chooser.status_code == 200
    # The example plan ended on 30 November: not offered on 2 December.
    assert "ingen pågående eller kommande kontaktplan" in chooser.text
    assert "/kontaktplaner/ny?" in chooser.text
    assert "lan=22" in chooser.text and "sida=" not in chooser.text
    # A new plan made from the filter opens its add page with the same filter.
    form = client.get("/kontaktplaner/ny?typ=kommun&lan=22")
    with app.app_context():
        owner = db.session.scalars(select(User).where(User.email == users["coordinator"])).one()
    made = client.post(
        "/kontaktplaner/ny?typ=kommun&lan=22",
        data={
            "csrf_token": token(form.text),
            "title": "Från listan",
            "owner": owner.id,
            "starts_on": "2027-01-01",
            "ends_on": "2027-01-31",
        },
    )
    assert made.status_code == 302
    assert "lagg-till?" in made.headers["Location"] and "lan=22" in made.headers["Location"]
    with app.app_context():
        new_id = db.session.scalar(select(ContactPlan.id).where(ContactPlan.title == "Från listan"))
    assert f"/kontaktplaner/{new_id}/lagg-till?" in client.get(link).text
    reader = app.test_client()
    login(reader, users["reader"])
    assert reader.get(link).status_code == 403
    assert "kontaktplaner/valj" not in reader.get("/organisationer?typ=kommun").text
