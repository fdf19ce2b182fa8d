"""`python -m bench.search`: the text searches' render time and SQL statements, in-process,
on the database DATABASE_URL names (a copy of a demo database at head, e.g. scale 100).
No server: Flask's test client, signed in as the demo's first team member through its session
token (no password needed), REQUESTS requests per page after a warm-up; prints p50 and p95.

    cp /work/demo/demo100.sqlite /tmp/s100.sqlite
    DATABASE_URL=sqlite:////tmp/s100.sqlite .venv/bin/flask --app wsgi db upgrade
    DATABASE_URL=sqlite:////tmp/s100.sqlite SECRET_KEY=x .venv/bin/python -m bench.search
"""

from __future__ import annotations

import statistics
import sys
import time

from sqlalchemy import event, select

from app import create_app
from app.auth.models import User
from app.extensions import db

REQUESTS = 20

PAGES = {
    "search Örebro": "/sok?q=Örebro",
    "search e (1 letter)": "/sok?q=e",
    "search an (2 letters)": "/sok?q=an",
    "search socialtjänsten malmö": "/sok?q=socialtj%C3%A4nsten+malm%C3%B6",
    "search nothing found": "/sok?q=xqzvw",
    "contacts, 5-letter name": "/kontakter?q=lindb",
    "contacts, common name": "/kontakter?q=andersson",
    "contacts, 1 letter": "/kontakter?q=e",
    "organisations, search": "/organisationer?q=kramfors",
    "meetings, search": "/moten?q=%C3%B6rebro",
    "participant search": "/moten/deltagare?q=lin",
}


def main() -> int:
    requests = int(sys.argv[1]) if len(sys.argv) > 1 else REQUESTS
    app = create_app({"WTF_CSRF_ENABLED": False})
    with app.app_context():
        token = db.session.scalar(select(User.session_token).order_by(User.id).limit(1))
        engine = db.engine
    statements = [0]
    event.listen(
        engine,
        "before_cursor_execute",
        lambda *a, **k: statements.__setitem__(0, statements[0] + 1),
    )
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = token
        session["_fresh"] = True
    print(f"{'page':30s} {'p50 ms':>8s} {'p95 ms':>8s} {'SQL':>4s}")
    for name, path in PAGES.items():
        response = client.get(path)
        if response.status_code != 200:
            print(f"{name}: HTTP {response.status_code} for {path}")
            return 1
        times = []
        for _ in range(requests):
            statements[0] = 0
            started = time.perf_counter()
            client.get(path)
            times.append((time.perf_counter() - started) * 1000)
        p95 = sorted(times)[max(0, round(len(times) * 0.95) - 1)]
        print(f"{name:30s} {statistics.median(times):8.1f} {p95:8.1f} {statements[0]:4d}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
