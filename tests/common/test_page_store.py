"""The folder the workers share for kept pages: a page one worker rendered is served by the
others, nothing of older data is served or left behind, and the folder stays bounded."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import event

from app import create_app
from app.common.page_store import FolderStore, MemoryStore, Page, PageStore, page_store
from app.contacts.models import Contact
from app.extensions import db

from ..conftest import StatementCounter, login


@pytest.fixture
def other_worker(app_config, app):
    """A second app on the same database and page folder, as a second gunicorn worker."""
    worker = create_app(app_config)
    yield worker
    with worker.app_context():
        db.session.remove()
        db.engine.dispose()


def test_a_page_rendered_by_one_worker_is_served_by_another(app, other_worker, users, contact_id):
    first, second = app.test_client(), other_worker.test_client()
    login(first, users["coordinator"])
    login(second, users["coordinator"])  # signing in writes: before the page is kept
    assert "Berg, Ida" in first.get("/kontakter").text
    counter = StatementCounter()
    with other_worker.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", counter)
    try:
        again = second.get("/kontakter")
    finally:
        event.remove(engine, "before_cursor_execute", counter)
    assert again.status_code == 200 and "Berg, Ida" in again.text
    assert counter.count == 2, counter.statements  # the user and the token: not rendered


def test_after_a_write_no_worker_serves_the_old_page_and_its_files_go(
    app, other_worker, users, contact_id
):
    first, second = app.test_client(), other_worker.test_client()
    login(first, users["coordinator"])
    login(second, users["coordinator"])
    assert "Berg, Ida" in second.get("/kontakter").text
    folder = page_store(app).folder.root
    (old_token,) = os.listdir(folder)
    with app.app_context():
        db.session.get(Contact, contact_id).last_name = "Ek"
        db.session.commit()
    assert "Ek, Ida" in second.get("/kontakter").text
    assert old_token not in os.listdir(folder)  # what was written over is not left on disk
    assert "Ek, Ida" in first.get("/kontakter").text


def test_the_folder_keeps_the_newest_files_within_its_size(tmp_path):
    folder = FolderStore(tmp_path, limit=800)
    for number in range(10):
        folder.put(("page", number), Page("t", "x" * 99, False))  # 100 bytes on disk
        os.utime(folder.root / "t" / folder.name(("page", number)), (number, number))
    folder.put(("page", 10), Page("t", "x" * 99, False))
    files = os.listdir(tmp_path / "t")
    # measured each time an eighth of the limit has been written: over by that much at most
    assert 0 < len([f for f in files if not f.startswith(".")]) <= 8 + 1
    assert folder.get(("page", 10), "t") is not None  # the newest stays
    assert folder.get(("page", 0), "t") is None  # the oldest went first
    folder.put(("huge",), Page("t", "x" * 300, False))
    assert folder.get(("huge",), "t") is None  # over a quarter of the folder: never kept


def test_text_and_bytes_come_back_as_they_were_kept(tmp_path):
    folder = FolderStore(tmp_path, limit=10_000)
    folder.put(("page",), Page("t", "Växjö csrfplaceholder", True))
    folder.put(("feed",), Page("t", b"BEGIN:VCALENDAR\r\n", False))
    assert folder.get(("page",), "t") == Page("t", "Växjö csrfplaceholder", True)
    assert folder.get(("feed",), "t") == Page("t", b"BEGIN:VCALENDAR\r\n", False)
    assert folder.get(("page",), "other") is None
    (tmp_path / "t" / folder.name(("page",))).write_bytes(b"")  # cut short
    assert folder.get(("page",), "t") is None


def test_a_folder_that_cannot_be_written_leaves_pages_in_memory(tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    store = PageStore(MemoryStore(limit=10_000), FolderStore(blocked, limit=10_000))
    store.put(("page",), Page("t", "hej", False))
    assert store.get(("page",), "t") == Page("t", "hej", False)


def test_the_folder_can_be_turned_off(app_config, seeded):
    app_config["PAGE_CACHE_DIR"] = ""
    application = create_app(app_config)
    try:
        assert page_store(application).folder is None
    finally:
        with application.app_context():
            db.engine.dispose()


def test_pages_are_written_to_the_folder_only_once(app, users, contact_id):
    client = app.test_client()
    login(client, users["coordinator"])
    for _ in range(3):
        client.get("/kontakter")
    root = page_store(app).folder.root
    (token,) = os.listdir(root)
    assert len(os.listdir(root / token)) == 1
