"""Adding, changing and removing policy milestones, and reading them for a period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from app.audit.services import Action, Actor, diff, record, snapshot
from app.common.exceptions import DomainError, EditConflict
from app.common.text import one_line
from app.extensions import db

from .models import PolicyMilestone

FIELDS = ("happens_on", "title", "note")
TITLE_LIMIT = 200
#: Milestones listed on an organisation's page, the latest first.
RECENT_LIMIT = 10
EARLIEST = date(2000, 1, 1)
LATEST = date(2100, 12, 31)


class InvalidMilestone(DomainError):
    """A milestone needs a title and a sensible date."""


@dataclass
class MilestoneValues:
    happens_on: date
    title: str
    note: str = ""


def _check(values: MilestoneValues) -> MilestoneValues:
    title = one_line(values.title)[:TITLE_LIMIT]
    if not title:
        raise InvalidMilestone(_("Ange en rubrik."))
    if not EARLIEST <= values.happens_on <= LATEST:
        raise InvalidMilestone(_("Datumet %(day)s är orimligt.", day=values.happens_on.isoformat()))
    return MilestoneValues(values.happens_on, title, values.note.strip())


def create_milestone(*, values: MilestoneValues, by: Actor | None) -> PolicyMilestone:
    """Add a milestone."""
    values = _check(values)
    milestone = PolicyMilestone(
        happens_on=values.happens_on,
        title=values.title,
        note=values.note,
        created_by_id=by.id if by is not None else None,
    )
    db.session.add(milestone)
    db.session.flush()
    record(
        entity=milestone,
        action=Action.CREATE,
        by=by,
        changes=diff({}, snapshot(milestone, FIELDS)),
    )
    return milestone


def update_milestone(
    milestone: PolicyMilestone, *, values: MilestoneValues, expected_version: int, by: Actor
) -> bool:
    """Change a milestone; False when nothing changed. Raises EditConflict when someone saved
    it after the user's form was made (`expected_version` is the version the form carried)."""
    if milestone.version != expected_version:
        raise EditConflict(current=milestone)
    values = _check(values)
    before = snapshot(milestone, FIELDS)
    milestone.happens_on = values.happens_on
    milestone.title = values.title
    milestone.note = values.note
    changes = diff(before, snapshot(milestone, FIELDS))
    if not changes:
        return False
    milestone.version += 1
    db.session.flush()
    record(entity=milestone, action=Action.UPDATE, by=by, changes=changes)
    return True


def delete_milestone(milestone: PolicyMilestone, *, by: Actor) -> None:
    """Remove a milestone (its history stays in the audit log)."""
    record(
        entity=milestone,
        action=Action.DELETE,
        by=by,
        changes={name: [value, None] for name, value in snapshot(milestone, FIELDS).items()},
    )
    db.session.delete(milestone)
    db.session.flush()


def all_milestones() -> list[PolicyMilestone]:
    """Every milestone, the latest first (a team enters a few dozen at most)."""
    return list(
        db.session.scalars(
            select(PolicyMilestone).order_by(
                PolicyMilestone.happens_on.desc(), PolicyMilestone.id.desc()
            )
        )
    )


def milestones_between(start: date, end: date) -> list[PolicyMilestone]:
    """The milestones from `start` to `end` (inclusive), earliest first; one statement."""
    return list(
        db.session.scalars(
            select(PolicyMilestone)
            .where(PolicyMilestone.happens_on >= start, PolicyMilestone.happens_on <= end)
            .order_by(PolicyMilestone.happens_on, PolicyMilestone.id)
        )
    )


def a_year_after(day: date) -> date:
    """The same day a year later; 29 February gives 28 February."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def recent_milestones(today: date, limit: int = RECENT_LIMIT) -> list[PolicyMilestone]:
    """The latest milestones up to a year ahead of `today`, the latest first."""
    return list(
        db.session.scalars(
            select(PolicyMilestone)
            .where(PolicyMilestone.happens_on <= a_year_after(today))
            .order_by(PolicyMilestone.happens_on.desc(), PolicyMilestone.id.desc())
            .limit(limit)
        )
    )
