"""Turning the digest on or off is recorded in the audit log on the user, and shown in
people's words: "Daglig sammanfattning: av → på", the person's name, Stockholm time; never
an id or True/False. Saving the same setting again records nothing."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sqlalchemy import select, update

from app.audit.display import shown_history
from app.audit.models import AuditEvent
from app.auth.models import User
from app.digest.services import digest_history, set_digest
from app.extensions import db

from ..factories import make_user


def as_read(html: str) -> str:
    """A list item as it reads on screen (the hidden words for screen readers left out)."""
    text = re.sub(r'<span class="visually-hidden">[^<]*</span>', "", html)
    return " ".join(re.sub(r"<[^>]+>", " ", text).split())


def events_of(user_id: int) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.entity_type == "users", AuditEvent.entity_id == user_id)
            .order_by(AuditEvent.id)
        )
    )


def test_the_service_records_each_change_once(ctx):
    user = make_user(name="Karin Koordinator")
    assert set_digest(user, enabled=True, by=user) is True
    assert set_digest(user, enabled=True, by=user) is False  # already on: nothing recorded
    assert set_digest(user, enabled=False, by=user) is True
    events = events_of(user.id)
    assert [(e.action, e.changes, e.actor_id, e.actor_name) for e in events] == [
        ("update", {"digest_enabled": [False, True]}, user.id, "Karin Koordinator"),
        ("update", {"digest_enabled": [True, False]}, user.id, "Karin Koordinator"),
    ]


def test_the_history_shows_words_names_and_local_times(ctx):
    user = make_user(name="Karin Koordinator")
    set_digest(user, enabled=True, by=user)
    db.session.execute(
        update(AuditEvent).values(occurred_at=datetime(2026, 7, 1, 10, 5, tzinfo=UTC))
    )
    user.name = "Karin Lind"  # the history names people as they are called today
    db.session.flush()
    (event,) = shown_history(user)
    assert event.actor == "Karin Lind" and event.action == "ändrade"
    [change] = event.changes
    assert (change.label, change.before, change.after) == ("Daglig sammanfattning", "av", "på")
    assert [e.changes[0].after for e in digest_history(user)] == ["på"]


def test_mitt_konto_shows_the_changes(app, users, as_role):
    client = as_role("coordinator")
    assert "Ändringar av inställningen" not in client.get("/konto").text
    client.post("/konto/sammanfattning", data={"enabled": "y"})
    client.post("/konto/sammanfattning", data={"enabled": "y"})  # unchanged: not recorded
    client.post("/konto/sammanfattning", data={})
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == users["coordinator"]))
        name, user_id = user.name, user.id
        first, second = events_of(user_id)
        db.session.execute(
            update(AuditEvent)
            .where(AuditEvent.id == first.id)
            .values(occurred_at=datetime(2026, 1, 15, 7, 30, tzinfo=UTC))  # winter: UTC+1
        )
        db.session.execute(
            update(AuditEvent)
            .where(AuditEvent.id == second.id)
            .values(occurred_at=datetime(2026, 7, 1, 10, 5, tzinfo=UTC))  # summer: UTC+2
        )
        db.session.commit()
    card = client.get("/konto").text.split('id="digest-heading"')[1].split("</section>")[0]
    listed = card.split("Ändringar av inställningen")[1]
    items = [as_read(item) for item in listed.split("</ol>")[0].split("<li>")[1:]]
    assert items == [
        f"2026-07-01 12:05 · {name} · Daglig sammanfattning: på → av",
        f"2026-01-15 08:30 · {name} · Daglig sammanfattning: av → på",
    ]
    for word in ("True", "False", f">{user_id}<", "digest_enabled"):
        assert word not in listed
