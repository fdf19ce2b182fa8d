"""The meeting list's exports: the list as filtered, every page, as CSV and XLSX, with
Stockholm times, units named with their municipality, and the sheet's print setup."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.auth.models import User
from app.extensions import db
from app.meetings.models import MeetingKind, MeetingStatus
from app.meetings.routes import PER_PAGE
from app.meetings.services import MeetingValues, schedule_meeting
from app.organisations.models import Organisation, OrganisationKind
from app.organisations.services import create_organisation

MANY = PER_PAGE + 3  # more than one page of the list


@pytest.fixture
def meetings(seeded, users, app):
    with app.app_context():
        malmo = db.session.scalar(select(Organisation).filter_by(municipality_code="1280"))
        alvesta = db.session.scalar(select(Organisation).filter_by(municipality_code="0764"))
        unit = create_organisation(
            values={
                "name": "Socialtjänsten",
                "kind": OrganisationKind.KOMMUN,
                "parent_id": alvesta.id,
            },
            by=None,
        )
        me = db.session.scalar(select(User).filter_by(email=users["coordinator"]))
        start = datetime(2026, 9, 1, 8, tzinfo=UTC)
        for number in range(MANY):
            schedule_meeting(
                values=MeetingValues(
                    title=f"Dialog {number:02d}",
                    kind=MeetingKind.DIGITAL,
                    status=MeetingStatus.HELD,
                    starts_at=start + timedelta(days=number),
                    ends_at=start + timedelta(days=number, hours=1),
                    all_day=False,
                    responsible_id=me.id,
                    organisation_ids=[malmo.id],
                    outcome="Bra samtal",
                ),
                by=None,
            )
        schedule_meeting(
            values=MeetingValues(
                title="Heldag i Alvesta",
                kind=MeetingKind.IN_PERSON,
                status=MeetingStatus.PLANNED,
                starts_at=datetime(2026, 11, 29, 23, tzinfo=UTC),  # 30 Nov, Stockholm
                ends_at=datetime(2026, 11, 30, 23, tzinfo=UTC),
                all_day=True,
                responsible_id=me.id,
                organisation_ids=[unit.id],
                place="Kommunhuset",
            ),
            by=None,
        )
        db.session.commit()


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def test_the_csv_is_the_filtered_list_with_every_page(meetings, as_role):
    client = as_role("reader")
    response = client.get("/moten/export.csv?typ=digitalt")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Cache-Control"] == "no-store"
    rows = csv_rows(response.data)
    assert rows[0][:3] == ["Början", "Slut", "Rubrik"]
    assert len(rows) == 1 + MANY  # all pages, not the first 50
    assert rows[1][:5] == [
        f"{date(2026, 9, 1) + timedelta(days=MANY - 1)} 10:00",  # newest first, Stockholm
        f"{date(2026, 9, 1) + timedelta(days=MANY - 1)} 11:00",
        f"Dialog {MANY - 1:02d}",
        "Digitalt möte",
        "Genomfört",
    ]
    assert {row[5] for row in rows[1:]} == {"Malmö kommun"}
    assert "Heldag i Alvesta" not in response.data.decode("utf-8-sig")


def test_the_xlsx_is_the_filtered_list_with_real_dates_and_a_print_setup(meetings, as_role):
    response = as_role("reader").get("/moten/export.xlsx?lan=07")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(response.data))["Möten"]
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert len(values) == 2  # only Kronoberg's
    assert values[1][:8] == [
        datetime(2026, 11, 30),
        datetime(2026, 11, 30),
        "Heldag i Alvesta",
        "Fysiskt möte",
        "Planerat",
        "Socialtjänsten, Alvesta kommun",
        values[1][6],
        "Kommunhuset",
    ]
    assert sheet["A2"].number_format == "yyyy-mm-dd"
    assert sheet.page_setup.orientation == "landscape" and sheet.print_title_rows == "$1:$1"
    assert sheet.freeze_panes == "A2"


def test_the_list_page_offers_its_exports_with_its_filter(meetings, as_role):
    page = as_role("reader").get("/moten?typ=digitalt&sida=2").text
    assert 'href="/moten/export.xlsx?typ=digitalt"' in page
    assert 'href="/moten/export.csv?typ=digitalt"' in page


def test_the_export_reads_the_meetings_in_a_fixed_number_of_statements(
    meetings, as_role, count_statements
):
    client = as_role("reader")
    with count_statements() as one:
        assert client.get("/moten/export.xlsx?lan=07").status_code == 200
    with count_statements() as every:
        assert client.get("/moten/export.xlsx").status_code == 200
    # +2 since the heavy-work limit: the slot taken and given back (app/common/heavy_work.py);
    # +2 since the security log: the export's row written when it starts and completed
    assert every.count == one.count <= 10, every.statements


def test_the_csv_is_streamed_from_a_cursor_with_its_rows_and_guard(
    meetings, as_role, app, count_statements
):
    with app.app_context():
        malmo = db.session.scalar(select(Organisation).filter_by(municipality_code="1280"))
        responsible = db.session.scalar(select(User).order_by(User.id))
        schedule_meeting(
            values=MeetingValues(
                title='=HYPERLINK("http://evil.example","klicka")',
                kind=MeetingKind.PHONE,
                status=MeetingStatus.HELD,
                starts_at=datetime(2026, 10, 5, 8, tzinfo=UTC),
                ends_at=datetime(2026, 10, 5, 9, tzinfo=UTC),
                all_day=False,
                responsible_id=responsible.id,
                organisation_ids=[malmo.id],
                place="+46 70-123 45 67",
            ),
            by=None,
        )
        db.session.commit()
    client = as_role("reader")
    with count_statements() as counter:
        response = client.get("/moten/export.csv?status=genomfort")
        assert response.is_streamed
        rows = csv_rows(response.data)
    assert len(rows) == 1 + MANY + 1  # every held meeting, the planned one left out
    assert {row[4] for row in rows[1:]} == {"Genomfört"}
    hostile = next(row for row in rows if "HYPERLINK" in row[2])
    assert hostile[2] == "'" + '=HYPERLINK("http://evil.example","klicka")'  # defused
    assert hostile[7] == "+46 70-123 45 67"  # a phone number stays as written
    assert hostile[3] == "Telefonsamtal" and hostile[5] == "Malmö kommun"
    assert counter.count <= 10, counter.statements  # heavy-work slot 2, security log 2


def test_the_csv_reads_a_fixed_number_of_statements_whatever_the_rows(
    meetings, as_role, count_statements
):
    client = as_role("reader")
    with count_statements() as one:
        assert len(csv_rows(client.get("/moten/export.csv?lan=07").data)) == 2
    with count_statements() as every:
        assert len(csv_rows(client.get("/moten/export.csv").data)) == 1 + MANY + 1
    assert every.count == one.count, every.statements


def test_the_csv_reads_the_meetings_a_chunk_at_a_time(meetings, app, monkeypatch):
    """Small chunks: the same rows, with each chunk's organisations (units with their
    municipality) looked up in one statement."""
    from app.meetings import exports, queries

    with app.test_request_context():
        query = queries.meeting_query(queries.MeetingFilter(), for_list=False)
        whole = list(exports.meeting_rows(query))
        chunked = list(exports.meeting_rows(query, chunk=4))
    assert chunked == whole and len(whole) == MANY + 1
    assert whole[0][5] == "Socialtjänsten, Alvesta kommun"  # newest first: the all-day one
    assert whole[0][:2] == [date(2026, 11, 30), date(2026, 11, 30)]


def test_a_trashed_meeting_is_not_exported(meetings, app, as_role):
    from app.meetings.models import Meeting
    from app.trash.services import move_to_trash

    with app.app_context():
        meeting = db.session.scalar(select(Meeting).filter_by(title="Heldag i Alvesta"))
        move_to_trash(meeting, by=None)
        db.session.commit()
    text = as_role("reader").get("/moten/export.csv").data.decode("utf-8-sig")
    assert "Heldag i Alvesta" not in text and "Dialog 00" in text


def test_the_xlsx_is_sent_from_a_temporary_file(meetings, as_role):
    response = as_role("reader").get("/moten/export.xlsx?status=genomfort")
    assert response.direct_passthrough or response.is_streamed
    assert int(response.headers["Content-Length"]) == len(response.data)
    sheet = load_workbook(io.BytesIO(response.data))["Möten"]
    assert sheet.max_row == 1 + MANY
    assert sheet["A2"].value == datetime(2026, 9, 1, 10) + timedelta(days=MANY - 1)
