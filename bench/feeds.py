"""Size and time of the calendar feeds on a demo database (issue 17 step 6, issue 16's team feed).

    DATABASE_URL=sqlite:////path/to/copy.sqlite .venv/bin/python -m bench.feeds

Writes a feed token for the head coordinator (the demo's busiest responsible) into the
database, so run it on a copy. Prints, for the team feed and that coordinator's own feed:
events, bytes, the first build in this process (nothing kept) and the median of 5 builds
after it (unchanged events kept), each through the real view with the test client.
"""

from __future__ import annotations

import statistics
import time

from sqlalchemy import func, select


def main() -> None:
    from app import create_app
    from app.auth.models import Role, User
    from app.calendar import feeds
    from app.calendar.services import issue_feed_token
    from app.extensions import db
    from app.meetings.models import Meeting

    app = create_app({"SERVER_NAME": "samverkan.example.se", "PREFERRED_URL_SCHEME": "https"})
    with app.app_context():
        busiest = db.session.scalar(
            select(User)
            .join(Meeting, Meeting.responsible_id == User.id)
            .where(User.role == Role.COORDINATOR, User.active)
            .group_by(User.id)
            .order_by(func.count(Meeting.id).desc())
            .limit(1)
        )
        token = issue_feed_token(busiest)
        db.session.commit()
        name = busiest.name
    client = app.test_client()
    for label, path in (
        ("team feed", f"/kalender/{token}/team.ics"),
        (f"own feed ({name})", f"/kalender/{token}.ics"),
    ):
        feeds.clear_kept_events()
        started = time.perf_counter()
        response = client.get(path)
        first = time.perf_counter() - started
        assert response.status_code == 200, response.status_code
        again = []
        for _ in range(5):
            started = time.perf_counter()
            client.get(path)
            again.append(time.perf_counter() - started)
        body = response.data
        print(
            f"{label:<36} {body.count(b'BEGIN:VEVENT'):6} events {len(body):10,} bytes "
            f"first {first:6.3f} s  again {statistics.median(again):6.3f} s"
        )


if __name__ == "__main__":
    main()
