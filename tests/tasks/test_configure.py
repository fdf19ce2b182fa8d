"""The queue's storage as apps configure it: a storage that is replaced is closed first, also
when the mode flips between immediate (the unit tests) and queued (a worker's app); Huey
itself would drop it with its connection open."""

from __future__ import annotations

from app import create_app
from app.extensions import db
from app.tasks.queue import huey


def test_a_replaced_storage_is_closed_when_the_mode_flips(tmp_path, monkeypatch):
    queued = create_app(
        {
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'app.db'}",
            "TASKS_IMMEDIATE": False,
            "TASKS_URL": f"sqlite:///{tmp_path / 'tasks.db'}",
        }
    )
    storage = huey.storage
    storage.enqueue(b"a task")  # opens the storage's connection
    closed = []
    close = storage.close
    monkeypatch.setattr(storage, "close", lambda: closed.append(True) or close())
    immediate = create_app(
        {
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'app2.db'}",
            "TASKS_IMMEDIATE": True,
        }
    )
    assert huey.immediate and huey.storage is not storage
    assert closed  # closed, not left to the garbage collector with its connection
    for made in (queued, immediate):
        with made.app_context():
            db.engine.dispose()
