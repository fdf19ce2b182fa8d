"""Refusals are counted exactly under concurrent writers: each is written in a short
transaction on a connection of its own (on SQLite one that begins IMMEDIATE and waits its
turn), so none is lost to "database is locked" while other requests write."""

from __future__ import annotations

import threading
import time

from sqlalchemy import func, select, text

from app.extensions import db
from app.security.models import SecurityEvent, SecurityKind
from app.security.services import count_refusal_apart, own_transaction

REFUSERS = 6
EACH = 25


def counted(app, kind: SecurityKind) -> int:
    with app.app_context():
        total = db.session.scalar(
            select(func.coalesce(func.sum(SecurityEvent.count), 0)).where(
                SecurityEvent.kind == kind.value
            )
        )
        db.session.rollback()
        return total


def busy_writer(app, stop: threading.Event, errors: list[BaseException]) -> None:
    """Other requests writing all the time: short write transactions, each holding the
    write lock for a few milliseconds, with a few milliseconds between them."""
    try:
        with app.test_request_context("/", method="POST"):
            while not stop.is_set():
                db.session.execute(
                    text("UPDATE security_events SET last_at = last_at WHERE id < 0")
                )
                time.sleep(0.003)
                db.session.commit()
                time.sleep(0.005)
    except BaseException as error:  # reported by the test
        errors.append(error)
    finally:
        with app.app_context():
            db.session.remove()


def test_refusals_inside_get_requests_are_counted_exactly_under_concurrent_writers(app):
    stop = threading.Event()
    errors: list[BaseException] = []
    warnings: list[str] = []

    def refuse(number: int) -> None:
        try:
            for _ in range(EACH):
                with app.test_request_context("/kalender/x.ics", method="GET"):
                    # The request has read something first, in its own deferred transaction,
                    # while the writers commit: a write in that transaction would fail.
                    db.session.execute(select(func.count()).select_from(SecurityEvent))
                    count_refusal_apart(
                        SecurityKind.FEED_TOKEN_REFUSED,
                        address=f"10.0.0.{number}",
                        subject="/kalender/***.ics",
                    )
                    db.session.remove()
        except BaseException as error:
            errors.append(error)

    original_warning = app.logger.warning
    app.logger.warning = lambda message, *args: warnings.append(message % args)  # type: ignore[method-assign]
    try:
        writers = [threading.Thread(target=busy_writer, args=(app, stop, errors)) for _ in range(2)]
        refusers = [threading.Thread(target=refuse, args=(n,)) for n in range(REFUSERS)]
        for thread in writers + refusers:
            thread.start()
        for thread in refusers:
            thread.join(timeout=120)
        stop.set()
        for thread in writers:
            thread.join(timeout=30)
    finally:
        app.logger.warning = original_warning  # type: ignore[method-assign]
    assert not errors and not warnings
    assert counted(app, SecurityKind.FEED_TOKEN_REFUSED) == REFUSERS * EACH


def test_forbidden_pages_under_concurrent_requests_are_counted_exactly(app, users):
    """The whole path: readers refused a page (403) in parallel threads, each request with
    its own session, while others write; every refusal is in the log."""
    from ..conftest import login

    clients = []
    for _ in range(4):
        client = app.test_client()
        login(client, users["reader"])
        clients.append(client)
    stop = threading.Event()
    errors: list[BaseException] = []

    def refuse(client) -> None:
        try:
            for _ in range(EACH):
                assert client.get("/admin/anvandare").status_code == 403
        except BaseException as error:
            errors.append(error)

    writers = [threading.Thread(target=busy_writer, args=(app, stop, errors)) for _ in range(2)]
    refusers = [threading.Thread(target=refuse, args=(c,)) for c in clients]
    for thread in writers + refusers:
        thread.start()
    for thread in refusers:
        thread.join(timeout=120)
    stop.set()
    for thread in writers:
        thread.join(timeout=30)
    assert not errors
    assert counted(app, SecurityKind.FORBIDDEN) == len(clients) * EACH


def test_own_transaction_writes_beside_a_read_snapshot(app):
    """A read transaction is open in the request's session and another connection has
    written since: the log's own connection still writes, at once."""
    with app.test_request_context("/", method="GET"):
        db.session.execute(select(func.count()).select_from(SecurityEvent))
        with own_transaction() as session:  # someone else's write
            session.execute(text("UPDATE security_events SET count = count WHERE id < 0"))
        with own_transaction() as session:
            session.add(SecurityEvent(kind=SecurityKind.FORBIDDEN.value, address="10.1.1.1"))
        db.session.rollback()
    assert counted(app, SecurityKind.FORBIDDEN) == 1
