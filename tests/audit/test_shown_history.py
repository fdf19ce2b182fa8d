"""The history's one query (audit/display.history_rows): a record's events narrowed by more
conditions (shown_history), or events of any records (shown_events), newest first, cut to
`limit`, each with its actor's name today."""

from __future__ import annotations

from datetime import UTC, datetime

from app.audit.display import history_rows, shown_events, shown_history
from app.audit.models import AuditEvent
from app.extensions import db

from ..factories import make_organisation, make_user


def event(entity, action: str, day: int, actor=None) -> None:
    db.session.add(
        AuditEvent(
            occurred_at=datetime(2026, 3, day, 9, tzinfo=UTC),
            actor_id=actor.id if actor else None,
            actor_name=actor.name if actor else "Borta Person",
            entity_type=entity.__tablename__,
            entity_id=entity.id,
            action=action,
            changes={},
            note=f"{entity.name} {day}",
        )
    )


def test_a_records_events_narrowed_and_events_of_any_record(ctx):
    user = make_user(name="Karin Koordinator")
    first, second = make_organisation(name="Första"), make_organisation(name="Andra")
    event(first, "create", 1, user)
    event(first, "delete", 2)
    event(first, "delete", 3, user)
    event(second, "delete", 4, user)
    db.session.flush()
    user.name = "Karin Lind"  # named as the user is called today
    db.session.flush()

    assert [e.note for e in shown_history(first)] == ["Första 3", "Första 2", "Första 1"]
    narrowed = shown_history(first, AuditEvent.action == "delete", limit=1)
    assert [(e.note, e.actor) for e in narrowed] == [("Första 3", "Karin Lind")]
    removals = shown_events(AuditEvent.action == "delete", limit=2)
    assert [e.note for e in removals] == ["Andra 4", "Första 3"]
    rows = history_rows(AuditEvent.action == "delete", AuditEvent.entity_id == first.id, limit=5)
    assert [(e.note, name) for e, name in rows] == [("Första 3", "Karin Lind"), ("Första 2", None)]
    assert shown_history(first, AuditEvent.action == "delete")[1].actor == "Borta Person"
