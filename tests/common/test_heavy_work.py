"""Heavy work bounded: slots in the database, expiring leases, the 429 page, and a streamed
export that holds its slot until it ends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.common.heavy_work import HeavySlot, acquire, held_slots
from app.contacts.services import ContactValues, create_contact
from app.extensions import db

LEASE = timedelta(seconds=60)


def test_at_most_limit_slots_are_held_and_a_released_one_is_free_again(ctx):
    engine = db.engine
    first = acquire(engine, kind="export", limit=2, lease=LEASE)
    second = acquire(engine, kind="export", limit=2, lease=LEASE)
    assert first is not None and second is not None
    assert {first.slot, second.slot} == {0, 1}
    assert acquire(engine, kind="export", limit=2, lease=LEASE) is None
    assert held_slots(engine) == 2
    first.release()
    first.release()  # twice is harmless
    third = acquire(engine, kind="import", limit=2, lease=LEASE)
    assert third is not None and third.slot == 0
    second.release()
    third.release()
    assert held_slots(engine) == 0


def test_an_expired_lease_of_a_killed_worker_is_taken_over(ctx):
    engine = db.engine
    then = datetime.now(UTC) - timedelta(minutes=5)
    stale = acquire(engine, kind="export", limit=1, lease=LEASE, now=then)
    assert stale is not None  # never released: its worker was killed
    fresh = acquire(engine, kind="export", limit=1, lease=LEASE)
    assert fresh is not None
    assert acquire(engine, kind="export", limit=1, lease=LEASE) is None
    fresh.release()


def test_renewing_moves_the_expiry_on(ctx):
    lease = acquire(db.engine, kind="export", limit=1, lease=LEASE)
    before = db.session.scalar(select(HeavySlot.expires_at))
    db.session.rollback()  # outside a request SQLite's transactions hold the write lock
    lease.renew(force=True)
    db.session.rollback()
    assert db.session.scalar(select(HeavySlot.expires_at)) > before
    db.session.rollback()
    lease.release()


@pytest.fixture
def limited(app):
    app.config["HEAVY_WORK_LIMIT"] = 1
    with app.app_context():
        for number in range(30):
            create_contact(values=ContactValues(first_name=f"P{number}", last_name="Lund"), by=None)
        db.session.commit()
    return app


def hold_the_only_slot(app):
    with app.app_context():
        return acquire(db.engine, kind="export", limit=1, lease=LEASE)


@pytest.mark.parametrize(
    "url",
    [
        "/kontakter/export.csv",
        "/kontakter/export.xlsx",
        "/kontakter/export.vcf",
        "/moten/export.csv",
        "/rapporter/lagesbild.xlsx",
    ],
)
def test_the_next_export_beyond_the_limit_gets_the_swedish_busy_page(limited, as_role, url):
    client = as_role("reader")
    held = hold_the_only_slot(limited)
    response = client.get(url)
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "10"
    assert "Försök igen om en stund" in response.text
    held.release()
    response = client.get(url)
    assert response.status_code == 200
    response.close()
    with limited.app_context():
        assert held_slots(db.engine) == 0


def test_report_pages_are_not_limited(limited, as_role):
    client = as_role("reader")
    held = hold_the_only_slot(limited)
    assert client.get("/rapporter/lagesbild").status_code == 200
    assert client.get("/rapporter/sammanstallning").status_code == 200
    held.release()


def test_an_import_beyond_the_limit_gets_the_busy_page_but_its_form_does_not(limited, as_role):
    client = as_role("coordinator")
    held = hold_the_only_slot(limited)
    assert client.get("/kontakter/import").status_code == 200
    response = client.post("/kontakter/import", data={})
    assert response.status_code == 429
    held.release()


def test_a_streamed_csv_holds_its_slot_until_it_ends_or_is_closed(limited, as_role):
    client = as_role("reader")
    response = client.get("/kontakter/export.csv", buffered=False)
    assert response.is_streamed
    chunks = iter(response.response)
    first = next(chunks)
    assert first.startswith("\ufeff".encode()) or b"Efternamn" in first
    assert client.get("/kontakter/export.csv").status_code == 429  # still being sent
    response.close()  # the client went away: the server closes the response
    again = client.get("/kontakter/export.csv")
    assert again.status_code == 200
    again.close()
    with limited.app_context():
        assert held_slots(db.engine) == 0


def test_the_contact_csv_has_every_row_in_order(limited, as_role):
    text = as_role("reader").get("/kontakter/export.csv").data.decode("utf-8-sig")
    lines = [line for line in text.splitlines()[1:] if line]
    assert len(lines) == 30


def test_a_streamed_csv_closed_early_gives_back_its_database_connection(
    limited, as_role, monkeypatch
):
    from functools import partial

    from app.common import downloads
    from app.common.spreadsheets import csv_chunks

    monkeypatch.setattr(downloads, "csv_chunks", partial(csv_chunks, chunk_rows=2))
    client = as_role("reader")
    response = client.get("/kontakter/export.csv", buffered=False)
    chunks = iter(response.response)
    next(chunks)  # the header
    assert next(chunks).count(b"\r\n") == 2  # two rows: the cursor is open mid-list
    with limited.app_context():
        assert db.engine.pool.checkedout() >= 1  # the stream's session holds a connection
    response.close()  # the client went away before the last row
    with limited.app_context():
        assert db.engine.pool.checkedout() == 0
        assert held_slots(db.engine) == 0
