"""Two writers at once, for the tests of maintained sets (a bitmap recomputed from the rows
below it): the first writes and flushes in a transaction of its own and keeps it open for
half a second; the second starts meanwhile in another. Each runs in its own thread and app
context (so its own session and connection) and commits."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from flask import Flask

from app.extensions import db

HOLD_SECONDS = 0.5


def write_at_once(app: Flask, first: Callable[[], None], second: Callable[[], None]) -> list[str]:
    """Run the two writes as above; the errors either raised, as `repr`s (none expected)."""
    first_flushed, failures = threading.Event(), []

    def run(write: Callable[[], None], hold: bool) -> None:
        try:
            with app.app_context():
                write()
                db.session.flush()
                if hold:  # keep the transaction open while the other one writes
                    first_flushed.set()
                    time.sleep(HOLD_SECONDS)
                db.session.commit()
        except Exception as error:  # reported to the test's thread
            failures.append(repr(error))
            first_flushed.set()

    one = threading.Thread(target=run, args=(first, True))
    one.start()
    if not first_flushed.wait(30):
        failures.append("the first writer did not flush within 30 s")
    two = threading.Thread(target=run, args=(second, False))
    two.start()
    one.join(60)
    two.join(60)
    return failures
