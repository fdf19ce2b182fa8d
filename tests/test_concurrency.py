"""Many writers at once lose nothing and fail nothing: threads posting real forms through
their own logged-in clients (as gunicorn's threads would), and separate processes, each with
its own app, committing through the services (as gunicorn's workers would). On SQLite both
share one database file; on PostgreSQL the worker's schema.
"""

from __future__ import annotations

import multiprocessing
import re
import sys
import threading
from typing import Any

from sqlalchemy import func, select

from app import create_app
from app.contacts.models import Contact
from app.contacts.services import ContactValues, create_contact
from app.extensions import db

from .conftest import login
from .factories import make_user

THREADS = 8
REQUESTS = 25  # every fifth a read: the list, or the contact just created
WRITES = REQUESTS - REQUESTS // 5
PROCESSES = 4
COMMITS = 25


def count_contacts(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Contact))


def test_threads_posting_at_once_lose_no_write(app):
    with app.app_context():
        emails = [make_user().email for _ in range(THREADS)]
        db.session.commit()
    start = threading.Barrier(THREADS, timeout=30)
    created: list[int] = []
    failures: list[str] = []

    def check(response, expected: int, what: str) -> bool:
        if response.status_code != expected or "database is locked" in response.text:
            failures.append(f"{what}: {response.status_code} {response.text[:200]}")
            return False
        return True

    def work(number: int) -> None:
        client = app.test_client()
        location = "/kontakter"
        try:
            check(login(client, emails[number]), 302, "login")
            start.wait()
            for request in range(REQUESTS):
                if request % 5 == 4:  # a read in between, while the others write
                    page = location if request % 10 == 4 else "/kontakter"
                    check(client.get(page), 200, f"GET {page}")
                    continue
                response = client.post(
                    "/kontakter/ny",
                    data={"first_name": f"Tråd {number}", "last_name": f"Skrivning {request}"},
                )
                if check(response, 302, "POST /kontakter/ny"):
                    location = response.headers["Location"]
                    created.append(int(re.fullmatch(r"/kontakter/(\d+)", location).group(1)))
        except Exception as error:  # a propagated 500 (TESTING) or a broken barrier
            failures.append(f"thread {number}: {error!r}")

    threads = [threading.Thread(target=work, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert failures == []
    assert len(created) == THREADS * WRITES == len(set(created))
    with app.app_context():
        stored = set(db.session.scalars(select(Contact.id)))
    assert stored == set(created)


def write_contacts(config: dict[str, Any], number: int) -> tuple[int, list[str]]:
    """One process: its own app and engine; each contact is its own transaction, which reads
    before it writes (the pattern a deferred SQLite transaction fails on)."""
    app = create_app(config)
    written, errors = 0, []
    with app.app_context():
        for commit in range(COMMITS):
            try:
                db.session.scalar(select(func.count()).select_from(Contact))
                create_contact(
                    values=ContactValues(first_name=f"Process {number}", last_name=str(commit)),
                    by=None,
                )
                db.session.commit()
                written += 1
            except Exception as error:
                db.session.rollback()
                errors.append(repr(error))
        db.session.remove()
        db.engine.dispose()
    return written, errors


def test_processes_committing_at_once_lose_no_write(app, app_config):
    with app.app_context():
        db.engine.dispose()
    # Fresh processes, as gunicorn's workers are: no connection or lock inherited from this
    # one. A fork server that has imported what this process imported of the app (so far)
    # keeps their start cheap.
    context = multiprocessing.get_context("forkserver")
    imported = sorted(name for name in sys.modules if name.split(".")[0] == "app")
    context.set_forkserver_preload([*imported, __name__])
    with context.Pool(PROCESSES) as pool:
        results = pool.starmap(write_contacts, [(app_config, n) for n in range(PROCESSES)])
    assert [errors for _, errors in results] == [[]] * PROCESSES
    assert [written for written, _ in results] == [COMMITS] * PROCESSES
    assert count_contacts(app) == PROCESSES * COMMITS
    with app.app_context():
        names = set(db.session.execute(select(Contact.first_name, Contact.last_name)))
    assert names == {(f"Process {n}", str(c)) for n in range(PROCESSES) for c in range(COMMITS)}
