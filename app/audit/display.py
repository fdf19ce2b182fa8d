"""How the history shows what it recorded: labels, today's names, local times, Ja/Nej.

The log stores plain values (`{field: [before, after]}` with ids, codes, ISO UTC strings and
booleans) and is never rewritten. What they mean belongs to the domains above this module, so
each domain registers, for every field it records, a label and how a value is shown
(`register_fields`), and, for the records its ids point at, how to look up their names
today (`register_reference`); the way page sections are registered (common/sections.py).
The registrations live in each domain's `history.py`, imported by the factory.

A page of history costs a fixed number of statements: the events (with each actor's name
today, joined in), then one statement for every id the shown events refer to, whatever
their kinds (the domains' lookups are joined with UNION ALL).
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Integer, Select, String, cast, literal, select, union_all

from app.common.formatting import format_datetime
from app.common.soft_delete import including_deleted
from app.extensions import db

from .models import AuditEvent
from .services import action_label, of_record

#: What a reference lookup says of a record besides its name.
LIVE, REMOVED, ANONYMISED = 0, 1, 2

Format = Callable[[Any], str]
#: The label of a field no domain registered (a field recorded by an older version).
UNKNOWN_FIELD = _l("Annat fält")


@dataclass(frozen=True)
class Shown:
    """How one recorded field is shown: its label, and either a `format` for each stored
    value or the `reference` kind its ids point at ("user", "organisation", ...). Lists
    whose order carries no meaning (`ordered=False`) are compared as sets.

    A field stored as a mapping (a role: `{"organisation": 12, "title": ...}`) names in
    `parts` which of its keys hold ids of which kind; those are replaced by today's names
    before the mapping is given to `format`."""

    label: Any
    format: Format | None = None
    reference: str | None = None
    ordered: bool = False
    parts: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Reference:
    """How to name the records of one kind: `lookup(keys)` is a SELECT of four columns
    (key, name, detail, state) for those keys, `name(row)` turns a row into the text.
    `key_type` is the type of the stored keys (ids; county codes are text): other stored
    values in such a field (names, in rows written before ids were kept) are shown as
    they are."""

    lookup: Callable[[list[Any]], Select[Any]]
    name: Callable[[Any], str]
    key_type: type = int


_fields: dict[str, dict[str, Shown]] = defaultdict(dict)
_references: dict[str, Reference] = {}
#: The users' model (with `id` and `name`), registered by the users' domain.
_actors: list[Any] = []


def register_fields(entity_type: str, fields: dict[str, Shown]) -> None:
    """Say how the fields recorded on `entity_type` (a table name) are shown."""
    _fields[entity_type].update(fields)


def register_reference(kind: str, reference: Reference) -> None:
    """Say how ids of `kind` are named in the history."""
    _references[kind] = reference


def register_actors(model: Any) -> None:
    """Say where the actors' names today are (`model.id`, `model.name`: the users), so each
    event shows the name its actor has now; the copy in the event stands in for users no
    longer there."""
    _actors[:] = [model]


def registered_fields(entity_type: str) -> dict[str, Shown]:
    """The fields registered for `entity_type` (for tests and exports)."""
    return dict(_fields.get(entity_type, {}))


# How plain values look.


def yes_no(value: Any) -> str:
    """A stored boolean as Ja/Nej."""
    return _("Ja") if value else _("Nej")


def local_moment(value: Any) -> str:
    """A stored UTC moment (ISO text) in Stockholm time, as the pages show it."""
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if moment.tzinfo is None:  # not written by this app; shown as it was stored
        return moment.strftime("%Y-%m-%d %H:%M")
    return format_datetime(moment)


def day(value: Any) -> str:
    """A stored date (or the date of a stored moment) as YYYY-MM-DD."""
    text = str(value)
    try:
        return date.fromisoformat(text[:10]).isoformat()
    except ValueError:
        return text


def coded(labels: Callable[[], dict[Any, Any]]) -> Format:
    """Codes (kinds, stages, statuses) through `labels()`, read when shown, so the labels
    follow the page's language; an unknown code is shown as stored."""

    def show(value: Any) -> str:
        return str(labels().get(value, value))

    return show


def empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def plain_text(value: Any) -> str:
    """Any stored value as text: booleans as Ja/Nej, lists joined."""
    if isinstance(value, bool):
        return yes_no(value)
    return str(value)


# Rendering.


@dataclass
class ShownChange:
    label: str
    before: str
    after: str


@dataclass
class ShownEvent:
    """One event as the history shows it."""

    occurred_at: datetime
    actor: str
    action: str
    note: str
    changes: list[ShownChange] = field(default_factory=list)


def _key(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def only_reordered(before: Any, after: Any) -> bool:
    """True when two lists hold the same items in another order."""
    return (
        isinstance(before, list)
        and isinstance(after, list)
        and Counter(map(_key, before)) == Counter(map(_key, after))
    )


def _real_changes(entity_type: str, changes: dict[str, Any]) -> dict[str, list[Any]]:
    """The changed fields, without those whose lists differ only in order (for fields
    whose order carries no meaning), that went from empty to empty, or that are not a pair
    at all."""
    fields = _fields.get(entity_type, {})
    kept = {}
    for name, change in (changes or {}).items():
        if not isinstance(change, list | tuple) or len(change) != 2:
            continue
        shown = fields.get(name)
        if not (shown is not None and shown.ordered) and only_reordered(*change):
            continue
        if change[0] == change[1] or (empty(change[0]) and empty(change[1])):
            continue  # a creation records empty lists and texts as changed from nothing
        kept[name] = list(change)
    return kept


def _is_key(value: Any, kind: str) -> bool:
    reference = _references.get(kind)
    return (
        reference is not None
        and isinstance(value, reference.key_type)
        and not isinstance(value, bool)
        and value != ""
    )


def _collect(entity_type: str, changes: dict[str, list[Any]], wanted: dict[str, set]) -> None:
    fields = _fields.get(entity_type, {})
    for name, pair in changes.items():
        shown = fields.get(name)
        if shown is None:
            continue
        for value in pair:
            for item in value if isinstance(value, list) else [value]:
                if shown.reference is not None and _is_key(item, shown.reference):
                    wanted[shown.reference].add(item)
                if isinstance(item, dict):
                    for part, kind in shown.parts:
                        if _is_key(item.get(part), kind):
                            wanted[kind].add(item[part])


def _lookup(wanted: dict[str, set]) -> dict[tuple[str, str], str]:
    """The names of every referenced record, in one statement."""
    parts = []
    for kind, keys in sorted(wanted.items()):
        reference = _references.get(kind)
        if reference is None or not keys:
            continue
        inner = reference.lookup(sorted(keys, key=str)).subquery()
        key, name, detail, state = inner.c
        parts.append(
            select(
                literal(kind, String).label("kind"),
                cast(key, String).label("key"),
                cast(name, String).label("name"),
                cast(detail, String).label("detail"),
                cast(state, Integer).label("state"),
            )
        )
    if not parts:
        return {}
    statement = parts[0] if len(parts) == 1 else union_all(*parts)
    rows = db.session.execute(including_deleted(select(statement.subquery()))).all()
    return {(row.kind, row.key): _references[row.kind].name(row) for row in rows}


def _named(kind: str, value: Any, names: dict[tuple[str, str], str]) -> str:
    found = names.get((kind, str(value)))
    if found is not None:
        return found
    if isinstance(value, int):  # the record itself is gone for good
        return _("nr %(id)s (borttagen)", id=value)
    return str(value)


def _show(value: Any, shown: Shown | None, names: dict[tuple[str, str], str]) -> str:
    if empty(value):
        return "–"
    if isinstance(value, list):
        return ", ".join(_show(item, shown, names) for item in value)
    if shown is not None and shown.reference is not None and _is_key(value, shown.reference):
        return _named(shown.reference, value, names)
    if shown is not None and shown.parts and isinstance(value, dict):
        value = dict(value)
        for part, kind in shown.parts:
            if _is_key(value.get(part), kind):
                value[part] = _named(kind, value[part], names)
    if shown is not None and shown.format is not None:
        return shown.format(value)
    return plain_text(value)


def show_events(rows: Iterable[tuple[AuditEvent, str | None]]) -> list[ShownEvent]:
    """Events (each with its actor's name today, or None) as the history shows them: only
    real changes, named and formatted; an update left with no change is left out."""
    prepared = []
    wanted: dict[str, set] = defaultdict(set)
    for event, actor in rows:
        changes = _real_changes(event.entity_type, event.changes)
        if event.changes and not changes and not event.note and event.action == "update":
            continue  # only a list's order differed: nothing happened
        _collect(event.entity_type, changes, wanted)
        prepared.append((event, actor, changes))
    names = _lookup(wanted)
    shown_events = []
    for event, actor, changes in prepared:
        fields = _fields.get(event.entity_type, {})
        shown_events.append(
            ShownEvent(
                occurred_at=event.occurred_at,
                actor=actor or event.actor_name or _("Systemet"),
                action=action_label(event.action),
                note=event.note,
                changes=[
                    ShownChange(
                        label=str(fields[name].label if name in fields else UNKNOWN_FIELD),
                        before=_show(before, fields.get(name), names),
                        after=_show(after, fields.get(name), names),
                    )
                    for name, (before, after) in changes.items()
                ],
            )
        )
    return shown_events


def history_rows(*conditions: Any, limit: int) -> list[tuple[AuditEvent, str | None]]:
    """The newest events matching `conditions`, newest first, each with its actor's name
    today (None for a user no longer there): one statement."""
    if _actors:
        (actor,) = _actors
        statement = select(AuditEvent, actor.name).outerjoin(actor, actor.id == AuditEvent.actor_id)
    else:
        statement = select(AuditEvent, literal(None, String))
    rows = db.session.execute(
        statement.where(*conditions)
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
        .limit(limit)
    ).all()
    return [(event, name) for event, name in rows]


def shown_events(*conditions: Any, limit: int = 100) -> list[ShownEvent]:
    """The newest events matching `conditions`, newest first, ready to show: two statements
    at most, however many events and references."""
    return show_events(history_rows(*conditions, limit=limit))


def shown_history(entity: Any, *conditions: Any, limit: int = 100) -> list[ShownEvent]:
    """The newest events of one record, newest first, ready to show; `conditions` narrow
    them (since a moment, of one action). Two statements at most."""
    return shown_events(*of_record(entity), *conditions, limit=limit)


def in_words(entity_type: str, recorded: Iterable[dict[str, Any]]) -> Callable[[str, Any], Any]:
    """For exports of the stored values (the register extract): a function `(field, value)`
    that gives a value holding ids (a reference, or a mapping with `parts`) as the history
    shows it, with today's names looked up once for every change in `recorded`, and any
    other value as it was stored."""
    fields = _fields.get(entity_type, {})
    wanted: dict[str, set] = defaultdict(set)
    for changes in recorded:
        pairs = {
            name: list(change)
            for name, change in (changes or {}).items()
            if isinstance(change, list | tuple) and len(change) == 2
        }
        _collect(entity_type, pairs, wanted)
    names = _lookup(wanted)

    def word(name: str, value: Any) -> Any:
        shown = fields.get(name)
        if empty(value) or shown is None or (shown.reference is None and not shown.parts):
            return value
        return _show(value, shown, names)

    return word
