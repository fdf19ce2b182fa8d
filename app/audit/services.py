"""Recording and reading the audit log.

Services call `record()` after a change, with the before/after values they compared; the
log is written in the same transaction as the change, so one never exists without the other.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any, Protocol

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.extensions import db

from .models import AuditEvent


class Actor(Protocol):
    id: int
    name: str


class Action(enum.StrEnum):
    CREATE = "create"
    UPDATE = "update"
    ARCHIVE = "archive"
    RESTORE = "restore"
    DELETE = "delete"
    MERGE = "merge"
    IMPORT = "import"
    REVERT = "revert"
    STAGE = "stage"
    ANONYMISE = "anonymise"
    ANSWER = "answer"  # an organisation submitted its response to a questionnaire


ACTION_LABELS = {
    Action.CREATE: _l("skapade"),
    Action.UPDATE: _l("ändrade"),
    Action.ARCHIVE: _l("arkiverade"),
    Action.RESTORE: _l("återställde"),
    Action.DELETE: _l("tog bort"),
    Action.MERGE: _l("slog ihop"),
    Action.IMPORT: _l("importerade"),
    Action.REVERT: _l("ångrade import"),
    Action.STAGE: _l("ändrade engagemangssteg"),
    Action.ANONYMISE: _l("anonymiserade"),
    Action.ANSWER: _l("svarade på enkäten"),
}


def action_label(action: str) -> str:
    """The action of an audit event in words ("ändrade")."""
    try:
        return str(ACTION_LABELS[Action(action)])
    except ValueError:
        return action


def describe_value(value: Any, labels: dict[str, str] | None = None) -> str:
    """A recorded field value as text: coded values through `labels`, lists joined, empty
    values as a dash."""
    if value is None or value == "" or value == []:
        return "–"
    if isinstance(value, list):
        return ", ".join(describe_value(v, labels) for v in value)
    if labels and isinstance(value, str | int) and value in labels:
        return labels[value]
    return str(value)


def plain(value: Any) -> Any:
    """A JSON-friendly form of a field value."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def snapshot(record: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    """The current values of `fields` on `record`, JSON-friendly."""
    return {name: plain(getattr(record, name)) for name in fields}


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Fields whose value changed, as `{field: [before, after]}`."""
    return {
        name: [before.get(name), value]
        for name, value in after.items()
        if before.get(name) != value
    }


def record(
    *,
    entity: Any,
    action: Action,
    by: Actor | None,
    changes: dict[str, list[Any]] | None = None,
    note: str = "",
) -> AuditEvent:
    """Add an audit event for `entity` (which must have an id: flush first)."""
    event = AuditEvent(
        actor_id=by.id if by is not None else None,
        actor_name=by.name if by is not None else "",
        entity_type=entity.__tablename__,
        entity_id=entity.id,
        action=action.value,
        changes=changes or {},
        note=note[:500],
    )
    db.session.add(event)
    return event


def of_record(entity: Any) -> tuple[Any, ...]:
    """SQL: the event is about `entity` (its table and id)."""
    return (
        AuditEvent.entity_type == entity.__tablename__,
        AuditEvent.entity_id == entity.id,
    )


def history(entity: Any, *, limit: int = 100) -> list[AuditEvent]:
    """The newest events of one record, newest first."""
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(*of_record(entity))
            .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
            .limit(limit)
        )
    )
