"""The follow-up list's exports: the list as chosen (mine, the team's, overdue, done), every
page, as CSV and XLSX."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.auth.models import User
from app.common.time import local_today
from app.extensions import db
from app.followups import services
from app.followups.routes import PER_PAGE
from app.organisations.models import Organisation, OrganisationKind
from app.organisations.services import create_organisation

MINE = PER_PAGE + 2  # more than one page of the list


@pytest.fixture
def follow_ups(seeded, users, app):
    today = local_today()
    with app.app_context():
        me = db.session.scalar(select(User).filter_by(email=users["coordinator"]))
        other = db.session.scalar(select(User).filter_by(email=users["admin"]))
        alvesta = db.session.scalar(select(Organisation).filter_by(municipality_code="0764"))
        unit = create_organisation(
            values={
                "name": "Socialtjänsten",
                "kind": OrganisationKind.KOMMUN,
                "parent_id": alvesta.id,
            },
            by=None,
        )

        def add(title, due, owner, **links):
            return services.create_follow_up(
                values=services.FollowUpValues(title=title, owner_id=owner.id, due_on=due, **links),
                by=None,
                today=today,
            )

        for number in range(MINE):
            add(f"Min {number:02d}", today + timedelta(days=number), me)
        add("Kollegans", today + timedelta(days=3), other, organisation_id=unit.id)
        done = add("Klar", today - timedelta(days=4), me)
        services.complete_follow_up(done, note="Skickat", by=None, today=today)
        db.session.commit()


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def test_the_csv_is_the_chosen_list_with_every_page(follow_ups, as_role):
    client = as_role("coordinator")
    response = client.get("/uppfoljningar/export.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    rows = csv_rows(response.data)
    assert rows[0][:4] == ["Sista dag", "Vad ska göras", "Status", "Ansvarig"]
    assert [row[1] for row in rows[1:]] == [f"Min {n:02d}" for n in range(MINE)]  # all pages
    assert rows[1][0] == local_today().isoformat() and rows[1][2] == "Öppen"
    team = [row[1] for row in csv_rows(client.get("/uppfoljningar/export.csv?visa=teamets").data)]
    assert len(team) == 1 + MINE + 1 and "Kollegans" in team and "Klar" not in team


def test_the_xlsx_of_the_done_list(follow_ups, as_role):
    response = as_role("coordinator").get("/uppfoljningar/export.xlsx?visa=klara")
    assert response.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(response.data))["Uppföljningar"]
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert len(values) == 2
    today = local_today()
    due = today - timedelta(days=4)
    assert values[1][:3] == [date_time(due), "Klar", "Klar"]
    assert values[1][7] == date_time(today) and values[1][8] == "Skickat"
    assert sheet["A2"].number_format == "yyyy-mm-dd"
    assert sheet.page_setup.orientation == "landscape" and sheet.print_title_rows == "$1:$1"


def test_a_unit_is_named_with_its_municipality(follow_ups, as_role):
    rows = csv_rows(as_role("coordinator").get("/uppfoljningar/export.csv?visa=teamets").data)
    assert ["Kollegans", "Socialtjänsten, Alvesta kommun"] in [[r[1], r[5]] for r in rows]


def test_the_list_page_offers_its_exports_for_the_chosen_view(follow_ups, as_role):
    page = as_role("coordinator").get("/uppfoljningar?visa=teamets&sida=2").text
    assert 'href="/uppfoljningar/export.xlsx?visa=teamets"' in page
    assert 'href="/uppfoljningar/export.csv?visa=teamets"' in page


def date_time(day: date):
    """A date as openpyxl reads a date cell back."""
    return datetime(day.year, day.month, day.day)


def test_the_export_reads_the_follow_ups_in_a_fixed_number_of_statements(
    follow_ups, as_role, count_statements
):
    client = as_role("coordinator")
    with count_statements() as few:
        assert client.get("/uppfoljningar/export.xlsx?visa=klara").status_code == 200
    with count_statements() as many:
        assert client.get("/uppfoljningar/export.xlsx?visa=teamets").status_code == 200
    assert many.count == few.count, many.statements
