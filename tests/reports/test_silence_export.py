"""The silence list's Excel export is checked against the contact plans as the page is:
the same plans (app/plans/figures.memberships) in an "I kontaktplan" column, with the
earliest day a plan not yet reached is to reach the organisation by (figures.open_due) as a
real date, the same day on the page, and both columns defined in a "Definitioner" sheet."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

import app.common.time as timing
from app.auth.models import User
from app.extensions import db
from app.plans.models import ContactPlanItem
from app.plans.services import update_item

from ..plans.world import coordinator, meeting, organisation, plan, utc


@pytest.fixture
def today(monkeypatch):
    """2 December 2026 in Stockholm."""
    monkeypatch.setattr(timing, "utcnow", lambda: datetime(2026, 12, 1, 23, 30, tzinfo=UTC))


@pytest.fixture
def data(seeded, users, today):
    """Timrå (never met) in two plans, Kramfors (met on 5 Nov) in one, Ånge in none;
    Sundsvall and Härnösand, both last met in the spring, reached by the spring's plan (ended
    30 June), and Sundsvall also in the autumn's plan, which has not reached it."""
    with seeded.app_context():
        owner = db.session.scalars(select(User).where(User.email == users["coordinator"])).one()
        other = coordinator("Olle Ombud")
        kramfors, timra = organisation("Kramfors kommun"), organisation("Timrå kommun")
        sundsvall, harnosand = organisation("Sundsvalls kommun"), organisation("Härnösands kommun")
        meeting([kramfors], utc(2026, 11, 5, 9), by=owner)
        meeting([sundsvall, harnosand], utc(2026, 3, 10, 9), by=owner)
        plan(owner, organisations=[kramfors, timra, sundsvall])  # until 2026-11-30
        plan(
            owner,
            title="Västernorrland våren 2026",
            starts_on=date(2026, 3, 1),
            ends_on=date(2026, 6, 30),
            organisations=[sundsvall, harnosand],
        )
        later = plan(
            owner,
            title="Norrland våren 2027",
            starts_on=date(2026, 11, 15),
            ends_on=date(2027, 3, 31),
            organisations=[timra],
        )
        item = db.session.scalars(
            select(ContactPlanItem).where(ContactPlanItem.plan_id == later.id)
        ).one()
        update_item(item, due_on=date(2027, 1, 20), responsible_id=other.id, by=owner)
        db.session.commit()
        return {"owner": owner.name}


def rows_by_name(data: bytes) -> tuple[list, dict[str, dict]]:
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    header, *rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    return header, {row[0]: dict(zip(header, row, strict=True)) for row in rows}


def test_the_export_shows_the_plans_as_the_page_does(data, as_role):
    client = as_role("reader")
    response = client.get("/rapporter/tystnad.xlsx?manader=6")
    assert response.status_code == 200
    header, rows = rows_by_name(response.data)
    assert header[-2:] == ["I kontaktplan", "Sista dag enligt kontaktplan"]

    timra = rows["Timrå kommun"]
    assert timra["I kontaktplan"] == (
        f"Norrland våren 2027 (Olle Ombud), Västernorrland hösten 2026 ({data['owner']})"
    )
    assert timra["Sista dag enligt kontaktplan"] == datetime(2026, 11, 30)  # the earliest
    ange = rows["Ånge kommun"]
    assert (ange["I kontaktplan"], ange["Sista dag enligt kontaktplan"]) == ("Nej", None)
    assert "Kramfors kommun" not in rows  # met in November: not silent

    page = client.get("/rapporter/tystnad?manader=6").text
    timra_row = page.split("Timrå kommun</a>")[1].split("</tr>")[0]
    for title in ("Norrland våren 2027", "Västernorrland hösten 2026", "Olle Ombud"):
        assert title in timra_row
    assert len(rows) == page.count('<th scope="row">')  # the same organisations


def test_a_reached_plan_gives_no_last_day(data, as_role):
    """The due day is the earliest of the plans that have not reached the organisation:
    Sundsvall's spring plan (reached, ended 30 June) gives way to the autumn's 30 November,
    and Härnösand, reached by its only plan, has none; the page shows the same days."""
    client = as_role("reader")
    response = client.get("/rapporter/tystnad.xlsx?manader=6")
    _header, rows = rows_by_name(response.data)
    sundsvall, harnosand = rows["Sundsvalls kommun"], rows["Härnösands kommun"]
    assert "Västernorrland våren 2026" in sundsvall["I kontaktplan"]
    assert sundsvall["Sista dag enligt kontaktplan"] == datetime(2026, 11, 30)
    reached = f"Västernorrland våren 2026 ({data['owner']}) – Nådd enligt planen"
    assert harnosand["I kontaktplan"] == reached
    assert harnosand["Sista dag enligt kontaktplan"] is None

    page = client.get("/rapporter/tystnad?manader=6").text

    def cells(name: str) -> list[str]:
        row = page.split(f"{name}</a></th>")[1].split("</tr>")[0]
        return re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)

    assert cells("Sundsvalls kommun")[-1] == "2026-11-30"
    assert cells("Härnösands kommun")[-1] == ""
    assert "– Nådd enligt planen" in cells("Härnösands kommun")[-2]
    assert "Nådd enligt planen" not in cells("Timrå kommun")[-2]
    assert cells("Timrå kommun")[-1] == "2026-11-30"
    assert "2026-06-30" not in page


def test_the_plan_columns_are_defined_in_the_export_and_on_the_page(data, as_role):
    client = as_role("reader")
    book = load_workbook(io.BytesIO(client.get("/rapporter/tystnad.xlsx?manader=6").data))
    definitions = {
        row[0]: row[1] for row in book["Definitioner"].iter_rows(min_row=2, values_only=True)
    }
    assert set(definitions) == {"I kontaktplan", "Sista dag enligt kontaktplan"}
    assert "inte är nådd enligt planen" in definitions["Sista dag enligt kontaktplan"]
    page = client.get("/rapporter/tystnad?manader=6").text
    for key in ("plan-member", "plan-open-due"):
        assert f'data-definition="{key}"' in page
    assert definitions["Sista dag enligt kontaktplan"] in page
