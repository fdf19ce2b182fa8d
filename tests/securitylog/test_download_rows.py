"""Report workbooks and CSVs and vCard downloads are logged like the list exports: a row
when they start (who, what, which filter), completed with the number of rows written."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.extensions import db
from app.security.display import shown_subject
from app.security.models import SecurityEvent, SecurityKind

from ..conftest import login
from ..factories import make_example_rows


@pytest.fixture
def admin(seeded, users):
    with seeded.app_context():
        make_example_rows()
        db.session.commit()
    client = seeded.test_client()
    login(client, users["admin"])
    return client


def exports(app) -> list[SecurityEvent]:
    with app.app_context():
        rows = list(
            db.session.scalars(
                select(SecurityEvent)
                .where(SecurityEvent.kind == SecurityKind.EXPORT.value)
                .order_by(SecurityEvent.id)
            )
        )
        db.session.expunge_all()
        return rows


def data_rows(xlsx: bytes) -> int:
    """Rows under each sheet's header, over every sheet of the workbook."""
    book = load_workbook(io.BytesIO(xlsx), read_only=True)
    return sum(max(sheet.max_row - 1, 0) for sheet in book.worksheets)


@pytest.mark.parametrize(
    "url",
    [
        "/rapporter/sammanstallning.xlsx?manad=2026-11",
        "/rapporter/lagesbild.xlsx",
        "/rapporter/tystnad.xlsx?manader=6",
        "/rapporter/slutredovisning.xlsx",
    ],
)
def test_report_workbooks_are_logged_with_their_row_count(seeded, admin, url):
    response = admin.get(url)
    assert response.status_code == 200
    written = data_rows(response.get_data())
    response.close()
    [event] = exports(seeded)
    query = url.partition("?")[2]
    assert event.subject.endswith("(xlsx)") and (event.detail or "") == query
    assert event.user_id is not None and event.completed_at is not None
    assert event.rows == written and written > 0
    with seeded.test_request_context():
        assert shown_subject(event) != event.subject  # named in words on the log's page


def test_the_summary_csv_is_logged_with_its_row_count(seeded, admin):
    xlsx = admin.get("/rapporter/sammanstallning.xlsx?manad=2026-11").get_data()
    response = admin.get("/rapporter/sammanstallning.csv?manad=2026-11")
    assert response.status_code == 200
    response.get_data()
    first, second = exports(seeded)
    assert second.subject == "reports.summary_export (csv)"
    assert second.rows == first.rows == data_rows(xlsx)


def test_the_vcard_list_is_logged_when_started_and_completed_with_its_cards(seeded, admin):
    response = admin.get("/kontakter/export.vcf")
    assert response.status_code == 200
    started = exports(seeded)
    assert [(e.subject, e.rows, e.completed_at) for e in started] == [
        ("contacts.vcard_list (vcf)", None, None)
    ]  # logged when it starts, before a card is sent
    cards = response.get_data(as_text=True).count("BEGIN:VCARD")
    response.close()
    [event] = exports(seeded)
    assert cards == 2 and event.rows == cards and event.completed_at is not None


def test_one_contacts_vcard_is_logged_as_one_row_naming_the_contact(seeded, admin):
    response = admin.get("/kontakter/1.vcf")
    assert response.status_code == 200
    [event] = exports(seeded)
    assert (event.subject, event.detail, event.rows) == (
        "contacts.vcard_download (vcf)",
        "contact_id=1",
        1,
    )
    assert event.completed_at is not None
