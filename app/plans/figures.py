"""Progress against a contact plan, defined once here and shown beside the figures.

- **Nådd enligt planen** (`is_reached`): the organisation has a held meeting (Möte hållet,
  app/meetings/figures.py) on or after the day the plan starts (Stockholm time). Read from the
  maintained per-organisation figures (app/aggregates: the last held meeting of the
  organisation it counts for, a unit's being its municipality's), never recomputed from the
  meetings: if the last held meeting is on or after the start, one is. Planned and cancelled
  meetings never count.
- **Försenad** (`is_overdue`): not reached, and its due day (its own, or the plan's end) has
  passed in Stockholm.

`item_statuses` reads every item of the given plans in one statement (one row per item), so
a page costs the same number of statements however many items or plans it shows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from app.aggregates.models import RootFigures
from app.auth.models import User
from app.common.aliases import alias
from app.common.time import local_midnight
from app.extensions import db
from app.meetings.figures import Figure, root_id
from app.organisations.models import Organisation, OrganisationKind, display_name
from app.organisations.stages import Stage

from .models import ContactPlan, ContactPlanItem

REACHED = Figure(
    "plan-reached",
    _l("Nådd enligt planen"),
    _l(
        "Organisationen (eller kommunen en enhet hör till) har minst ett genomfört möte "
        "(Möte hållet) samma dag som planen börjar eller senare. Planerade och inställda "
        "möten räknas inte."
    ),
)
OVERDUE = Figure(
    "plan-overdue",
    _l("Försenad"),
    _l(
        "Inte nådd enligt planen, och sista dagen (kommunens egen, annars planens slutdag) "
        "har passerat (svensk tid)."
    ),
)
#: The definitions a plan's figures are shown with, in order.
PLAN_FIGURES = (REACHED, OVERDUE)

IN_PLAN = Figure(
    "plan-member",
    _l("I kontaktplan"),
    _l(
        "De kontaktplaner organisationen själv ingår i, med den som är ansvarig för den i "
        "planen (planens ägare om ingen annan är utsedd) och, när den redan är nådd enligt "
        "planen, det. Nej när den inte ingår i någon plan."
    ),
)
OPEN_DUE = Figure(
    "plan-open-due",
    _l("Sista dag enligt kontaktplan"),
    _l(
        "Den tidigaste sista dagen (organisationens egen, annars planens slutdag) bland de "
        "kontaktplaner där organisationen ännu inte är nådd enligt planen. Tom när den inte "
        "ingår i någon sådan plan."
    ),
)
#: The definitions of an organisation's plans as a list beside it shows them (the silence
#: list and its export): which plans (`memberships`), and by when (`open_due`).
MEMBERSHIP_FIGURES = (IN_PLAN, OPEN_DUE)


def is_reached(last_held_at: datetime | None, starts_on: date) -> bool:
    """Nådd enligt planen: a held meeting on or after the plan's first Stockholm day."""
    return last_held_at is not None and last_held_at >= local_midnight(starts_on)


def is_overdue(*, reached: bool, due: date, today: date) -> bool:
    """Försenad: not reached and the due day is before today (Stockholm)."""
    return not reached and due < today


@dataclass(frozen=True)
class ItemStatus:
    """One item of a plan as its page shows it."""

    id: int
    plan_id: int
    organisation_id: int
    name: str
    kind: OrganisationKind
    stage: Stage | None
    due: date
    own_due: bool
    responsible_id: int | None
    responsible: str
    own_responsible: bool
    last_held: datetime | None
    reached: bool
    overdue: bool


@dataclass(frozen=True)
class Progress:
    """A plan's items: how many, how many reached, how many overdue."""

    total: int = 0
    reached: int = 0
    overdue: int = 0

    @property
    def percent(self) -> int:
        return round(100 * self.reached / self.total) if self.total else 0


def item_statuses(plan_ids: Iterable[int], *, today: date) -> list[ItemStatus]:
    """Every item of the plans with its organisation, stage, due day, responsible user,
    last held meeting and whether it is reached and overdue (one statement)."""
    ids = list(plan_ids)
    if not ids:
        return []
    parent = alias(Organisation, "plans.item_statuses.parent")
    responsible = alias(User, "plans.item_statuses.responsible")
    responsible_id = func.coalesce(ContactPlanItem.responsible_id, ContactPlan.owner_id)
    rows = db.session.execute(
        select(
            ContactPlanItem.id,
            ContactPlanItem.plan_id,
            ContactPlanItem.organisation_id,
            Organisation.name,
            parent.name,
            Organisation.kind,
            func.coalesce(Organisation.engagement_stage, parent.engagement_stage),
            ContactPlanItem.due_on,
            ContactPlan.ends_on,
            ContactPlan.starts_on,
            ContactPlanItem.responsible_id,
            responsible_id,
            responsible.name,
            RootFigures.last_held_at,
        )
        .join(ContactPlan, ContactPlan.id == ContactPlanItem.plan_id)
        .join(Organisation, Organisation.id == ContactPlanItem.organisation_id)
        .outerjoin(parent, parent.id == Organisation.parent_id)
        .outerjoin(responsible, responsible.id == responsible_id)
        .outerjoin(RootFigures, RootFigures.organisation_id == root_id(Organisation))
        .where(ContactPlanItem.plan_id.in_(ids))
        .order_by(ContactPlanItem.plan_id, Organisation.sort_name, ContactPlanItem.id)
    ).all()
    statuses = []
    for row in rows:
        (item_id, plan_id, organisation_id, name, parent_name, kind, stage, own_due) = row[:8]
        (ends_on, starts_on, own_responsible, responsible_user, user_name, last_held) = row[8:]
        due = own_due or ends_on
        reached = is_reached(last_held, starts_on)
        statuses.append(
            ItemStatus(
                id=item_id,
                plan_id=plan_id,
                organisation_id=organisation_id,
                name=display_name(name, parent_name),
                kind=kind,
                stage=stage,
                due=due,
                own_due=own_due is not None,
                responsible_id=responsible_user,
                responsible=user_name or "",
                own_responsible=own_responsible is not None,
                last_held=last_held,
                reached=reached,
                overdue=is_overdue(reached=reached, due=due, today=today),
            )
        )
    return statuses


def progress(statuses: Iterable[ItemStatus]) -> dict[int, Progress]:
    """Progress per plan id, counted from the items' statuses."""
    counts: dict[int, list[int]] = {}
    for status in statuses:
        total = counts.setdefault(status.plan_id, [0, 0, 0])
        total[0] += 1
        total[1] += status.reached
        total[2] += status.overdue
    return {plan_id: Progress(*numbers) for plan_id, numbers in counts.items()}


def progress_of(plan_ids: Iterable[int], *, today: date) -> dict[int, Progress]:
    """Progress of each plan (a plan without items has an empty Progress)."""
    ids = list(plan_ids)
    found = progress(item_statuses(ids, today=today))
    return {plan_id: found.get(plan_id, Progress()) for plan_id in ids}


@dataclass(frozen=True)
class Membership:
    """That an organisation is in a plan, who is responsible, and whether it is reached."""

    plan_id: int
    title: str
    responsible: str
    due: date
    reached: bool


def memberships(organisation_ids: Iterable[int]) -> dict[int, list[Membership]]:
    """The plans each organisation is in (directly, as an item), with the responsible
    user's name: one statement, for the silence list and the organisation page."""
    ids = list(organisation_ids)
    if not ids:
        return {}
    responsible = alias(User, "plans.memberships.responsible")
    responsible_id = func.coalesce(ContactPlanItem.responsible_id, ContactPlan.owner_id)
    organisation = alias(Organisation, "plans.memberships.organisation")
    rows = db.session.execute(
        select(
            ContactPlanItem.organisation_id,
            ContactPlan.id,
            ContactPlan.title,
            responsible.name,
            func.coalesce(ContactPlanItem.due_on, ContactPlan.ends_on),
            ContactPlan.starts_on,
            RootFigures.last_held_at,
        )
        .join(ContactPlan, ContactPlan.id == ContactPlanItem.plan_id)
        .join(organisation, organisation.id == ContactPlanItem.organisation_id)
        .outerjoin(responsible, responsible.id == responsible_id)
        .outerjoin(RootFigures, RootFigures.organisation_id == root_id(organisation))
        .where(ContactPlanItem.organisation_id.in_(ids))
        .order_by(ContactPlan.ends_on.desc(), ContactPlan.id)
    ).all()
    result: dict[int, list[Membership]] = {}
    for organisation_id, plan_id, title, name, due, starts_on, last_held in rows:
        result.setdefault(organisation_id, []).append(
            Membership(plan_id, title, name or "", due, is_reached(last_held, starts_on))
        )
    return result


def open_due(found: Iterable[Membership]) -> date | None:
    """Sista dag enligt kontaktplan: the earliest due day among the plans that have not yet
    reached the organisation (None when there is none): a reached plan promises nothing more."""
    return min((m.due for m in found if not m.reached), default=None)


def plans_of_user(user_id: int, *, since: date) -> list[ContactPlan]:
    """The plans a user owns or is responsible for an item of, not ended before `since`,
    ending soonest first (the start page)."""
    responsible_for = select(ContactPlanItem.plan_id).where(
        ContactPlanItem.responsible_id == user_id
    )
    return list(
        db.session.scalars(
            select(ContactPlan)
            .where(
                ContactPlan.ends_on >= since,
                or_(ContactPlan.owner_id == user_id, ContactPlan.id.in_(responsible_for)),
            )
            .order_by(ContactPlan.ends_on, ContactPlan.id)
        )
    )


def current_plans(*, since: date) -> list[ContactPlan]:
    """The plans not ended before `since`, ending soonest first (where to add organisations)."""
    return list(
        db.session.scalars(
            select(ContactPlan)
            .where(ContactPlan.ends_on >= since)
            .order_by(ContactPlan.ends_on, ContactPlan.id)
        )
    )
