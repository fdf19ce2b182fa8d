"""Making and changing contact plans and their items.

Services add and flush, never commit (the view or command does). Every change is written to
the plan's audit log in the same transaction: the plan's own fields as a diff, organisations
added and removed by id, an item's due day and responsible user with the organisation's name
as the event's note (app/plans/history.py says how they are shown).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from app.audit.services import Action, Actor, diff, record, snapshot
from app.auth.services import assignable_user
from app.common.exceptions import DomainError, EditConflict
from app.common.text import one_line
from app.extensions import db
from app.organisations.models import Organisation
from app.organisations.services import OrganisationFilter, organisation_query

from .models import ContactPlan, ContactPlanItem

FIELDS = ("title", "scope", "owner_id", "starts_on", "ends_on", "note")
TITLE_LIMIT = 200
SCOPE_LIMIT = 200
NOTE_LIMIT = 10000
#: The most organisations one "add all that match" takes (every municipality fits).
ADD_LIMIT = 400


class InvalidPlan(DomainError):
    """A plan or item that breaks a rule (no title, ends before it starts, a user who
    cannot be given work)."""


@dataclass(frozen=True)
class PlanValues:
    """What the team types for a plan."""

    title: str
    starts_on: date
    ends_on: date
    owner_id: int | None
    scope: str = ""
    note: str = ""


def _check(values: PlanValues) -> PlanValues:
    title = one_line(values.title)[:TITLE_LIMIT]
    if not title:
        raise InvalidPlan(_("Ange en rubrik för planen."))
    if values.ends_on < values.starts_on:
        raise InvalidPlan(_("Planen kan inte sluta innan den börjar."))
    if values.owner_id is None or assignable_user(values.owner_id) is None:
        raise InvalidPlan(_("Välj en ansvarig som kan tilldelas arbete."))
    return PlanValues(
        title=title,
        starts_on=values.starts_on,
        ends_on=values.ends_on,
        owner_id=values.owner_id,
        scope=one_line(values.scope)[:SCOPE_LIMIT],
        note=values.note.strip()[:NOTE_LIMIT],
    )


def _apply(plan: ContactPlan, values: PlanValues) -> None:
    plan.title = values.title
    plan.scope = values.scope
    plan.owner_id = values.owner_id
    plan.starts_on = values.starts_on
    plan.ends_on = values.ends_on
    plan.note = values.note


def create_plan(*, values: PlanValues, by: Actor) -> ContactPlan:
    """A new plan without items, owned by `values.owner_id`."""
    values = _check(values)
    plan = ContactPlan(created_by_id=by.id)
    _apply(plan, values)
    db.session.add(plan)
    db.session.flush()
    record(entity=plan, action=Action.CREATE, by=by, changes=diff({}, snapshot(plan, FIELDS)))
    return plan


def update_plan(plan: ContactPlan, *, values: PlanValues, expected_version: int, by: Actor) -> None:
    """Save edits of the plan's own fields; EditConflict if someone saved in between."""
    if plan.version != expected_version:
        raise EditConflict(current=plan)
    values = _check(values)
    before = snapshot(plan, FIELDS)
    _apply(plan, values)
    changes = diff(before, snapshot(plan, FIELDS))
    if changes:
        plan.version += 1
        db.session.flush()
        record(entity=plan, action=Action.UPDATE, by=by, changes=changes)


def delete_plan(plan: ContactPlan, *, by: Actor) -> None:
    """Remove the plan and its items for good (its history stays in the log)."""
    record(entity=plan, action=Action.DELETE, by=by, note=plan.title)
    db.session.delete(plan)
    db.session.flush()


def matching_organisations(filters: OrganisationFilter, *, limit: int = ADD_LIMIT) -> Select:
    """The organisation list's query for `filters` (the same filters and order as the
    list), at most `limit` rows: what "add all that match" adds."""
    return organisation_query(filters).limit(limit)


def add_organisations(plan: ContactPlan, organisation_ids: Iterable[int], *, by: Actor) -> int:
    """Add the active organisations among `organisation_ids` that are not in the plan yet,
    each due by the plan's end and with its owner responsible; returns how many were added."""
    wanted = set(organisation_ids)
    if not wanted:
        return 0
    present = set(
        db.session.scalars(
            select(ContactPlanItem.organisation_id).where(ContactPlanItem.plan_id == plan.id)
        )
    )
    new_ids = sorted(
        db.session.scalars(
            select(Organisation.id).where(
                Organisation.id.in_(wanted - present), Organisation.archived_at.is_(None)
            )
        )
    )
    for organisation_id in new_ids:
        db.session.add(ContactPlanItem(plan_id=plan.id, organisation_id=organisation_id))
    if new_ids:
        db.session.flush()
        record(entity=plan, action=Action.UPDATE, by=by, changes={"added": [None, new_ids]})
    return len(new_ids)


def remove_item(item: ContactPlanItem, *, by: Actor) -> None:
    """Take an organisation out of its plan."""
    plan = item.plan
    record(
        entity=plan,
        action=Action.UPDATE,
        by=by,
        changes={"removed": [[item.organisation_id], None]},
    )
    db.session.delete(item)
    db.session.flush()


def update_item(
    item: ContactPlanItem, *, due_on: date | None, responsible_id: int | None, by: Actor
) -> None:
    """Give an item its own due day and responsible user (None: follow the plan's)."""
    if due_on is not None and due_on < item.plan.starts_on:
        raise InvalidPlan(_("Sista dagen kan inte vara innan planen börjar."))
    if responsible_id is not None and assignable_user(responsible_id) is None:
        raise InvalidPlan(_("Välj en ansvarig som kan tilldelas arbete."))
    changes = {}
    if item.due_on != due_on:
        changes["item_due_on"] = [_iso(item.due_on), _iso(due_on)]
    if item.responsible_id != responsible_id:
        changes["item_responsible_id"] = [item.responsible_id, responsible_id]
    if not changes:
        return
    item.due_on = due_on
    item.responsible_id = responsible_id
    db.session.flush()
    record(
        entity=item.plan,
        action=Action.UPDATE,
        by=by,
        changes=changes,
        note=item.organisation.display_name,
    )


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def list_plans() -> list[ContactPlan]:
    """Every plan, the latest ending first (with owners, one statement more)."""
    return list(
        db.session.scalars(
            select(ContactPlan)
            .options(selectinload(ContactPlan.owner))
            .order_by(ContactPlan.ends_on.desc(), ContactPlan.id.desc())
        )
    )
