"""What goes into a user's digest, and the user's choice to get one.

A digest holds (each part defined where it is owned, not here):
- the user's overdue follow-ups: followups.services' "Mina försenade" (open, due before
  today in Stockholm);
- their open follow-ups due from today up to and including the DIGEST_WORKING_DAYS-th working
  day after today (workdays.py: weekends and Swedish holidays are skipped, so on the Thursday
  before midsommar, two working days reach the Tuesday after);
- their meetings tomorrow (Stockholm day): the meetings they are responsible for or take part
  in, as the start page's week lists them (dashboard.services), cancelled ones left out.
- the municipalities (and county boards) in their contact plans that have gone silent: items
  of plans not yet ended that they answer for (the item's responsible, else the plan's owner;
  app/plans), found on the silence list (reports.situation.silent_organisations: no held
  meeting for DIGEST_SILENCE_MONTHS months, by default the silence list's own 6).
Read in a fixed number of statements whatever the amount of data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import func, select

from app.audit.display import ShownEvent, history_rows, show_events
from app.audit.models import AuditEvent
from app.audit.services import Action, Actor, of_record, record
from app.auth.models import User
from app.common.time import local_midnight
from app.dashboard.services import AgendaMeeting, agenda_meetings
from app.extensions import db
from app.followups.models import FollowUp
from app.followups.services import (
    FollowUpFilter,
    View,
    follow_up_query,
    with_meeting_organisations,
)
from app.meetings.models import Meeting, MeetingStatus
from app.meetings.queries import MeetingFilter, meeting_query
from app.plans.models import ContactPlan, ContactPlanItem
from app.reports.forms import DEFAULT_SILENCE_MONTHS, MAX_SILENCE_MONTHS
from app.reports.periods import months_before
from app.reports.situation import SilentOrganisation, silent_organisations

from .history import FIELD as DIGEST_FIELD
from .workdays import working_day_after

#: Follow-ups listed per part of a digest; the counts say how many there are in all.
LIST_LIMIT = 25
DEFAULT_HOUR = 7
DEFAULT_WORKING_DAYS = 3
#: Changes of the setting listed under it on Mitt konto.
HISTORY_LIMIT = 5


def _setting(name: str, default: int, low: int, high: int) -> int:
    try:
        value = int(current_app.config.get(name, default))
    except (TypeError, ValueError):
        return default
    return value if low <= value <= high else default


def digest_hour() -> int:
    """DIGEST_HOUR (0–23, Europe/Stockholm): from this hour on the workers send the day's
    digests; 7 when unset or wrong."""
    return _setting("DIGEST_HOUR", DEFAULT_HOUR, 0, 23)


def digest_working_days() -> int:
    """DIGEST_WORKING_DAYS (1–20): how many working days ahead "due soon" reaches; 3."""
    return _setting("DIGEST_WORKING_DAYS", DEFAULT_WORKING_DAYS, 1, 20)


def digest_silence_months() -> int:
    """DIGEST_SILENCE_MONTHS (1–60): "silent" as on the silence list after this many months
    without a held meeting; the silence list's default (6) when unset or wrong."""
    return _setting("DIGEST_SILENCE_MONTHS", DEFAULT_SILENCE_MONTHS, 1, MAX_SILENCE_MONTHS)


@dataclass(frozen=True)
class SilentInPlan:
    """A silent organisation in one of the user's plans (the first plan, by end day)."""

    organisation: SilentOrganisation
    plan_id: int
    plan_title: str


@dataclass(frozen=True)
class Digest:
    """One user's digest for `today`."""

    today: date
    due_until: date  # the last day "due soon" reaches (a working day)
    working_days: int
    overdue: list[FollowUp]
    overdue_total: int
    due_soon: list[FollowUp]
    due_soon_total: int
    tomorrow: date
    meetings: list[AgendaMeeting]
    silent: list[SilentInPlan]
    silence_months: int

    @property
    def items(self) -> int:
        """How many things it reminds of; a digest of none is not sent."""
        return self.overdue_total + self.due_soon_total + len(self.meetings) + len(self.silent)


def meetings_tomorrow(user_id: int, today: date) -> list[AgendaMeeting]:
    """The user's meetings on the Stockholm day after `today` (responsible or taking part),
    earliest first, cancelled ones left out; two statements."""
    tomorrow = today + timedelta(days=1)
    filters = MeetingFilter(start=tomorrow, end=tomorrow, user_id=user_id, descending=False)
    query = meeting_query(filters, for_list=False).where(Meeting.status != MeetingStatus.CANCELLED)
    return agenda_meetings(query)


def silent_in_plans(user_id: int, today: date, *, months: int) -> list[SilentInPlan]:
    """The organisations in the user's plans not yet ended (as responsible for the item, or
    as the plan's owner when the item names nobody) that are on the silence list for
    `months`, in the silence list's order; two statements."""
    responsible = func.coalesce(ContactPlanItem.responsible_id, ContactPlan.owner_id)
    rows = db.session.execute(
        select(ContactPlanItem.organisation_id, ContactPlan.id, ContactPlan.title)
        .join(ContactPlan, ContactPlan.id == ContactPlanItem.plan_id)
        .where(responsible == user_id, ContactPlan.ends_on >= today)
        .order_by(ContactPlan.ends_on.desc(), ContactPlan.id)
    ).all()
    plans = {organisation_id: (plan_id, title) for organisation_id, plan_id, title in rows}
    if not plans:
        return []
    cutoff = local_midnight(months_before(today, months))
    return [
        SilentInPlan(row, *plans[row.id]) for row in silent_organisations(cutoff) if row.id in plans
    ]


def digest_for(user: User, today: date) -> Digest:
    """The user's digest for `today` (a Stockholm date); at most eight statements."""
    working_days = digest_working_days()
    until = working_day_after(today, working_days)
    mine = FollowUpFilter(view=View.MINE, user_id=user.id)
    overdue_query = follow_up_query(
        FollowUpFilter(view=View.MINE_OVERDUE, user_id=user.id), today=today
    )
    soon_query = follow_up_query(mine, today=today).where(
        FollowUp.due_on >= today, FollowUp.due_on <= until
    )
    overdue = list(db.session.scalars(overdue_query.limit(LIST_LIMIT)))
    due_soon = list(db.session.scalars(soon_query.limit(LIST_LIMIT)))
    with_meeting_organisations([*overdue, *due_soon])
    overdue_total, soon_total = db.session.execute(
        follow_up_query(mine, today=today, options=())
        .with_only_columns(
            func.count().filter(FollowUp.due_on < today),
            func.count().filter(FollowUp.due_on >= today),
        )
        .where(FollowUp.due_on <= until)
        .order_by(None)
    ).one()
    return Digest(
        today=today,
        due_until=until,
        working_days=working_days,
        overdue=overdue,
        overdue_total=overdue_total,
        due_soon=due_soon,
        due_soon_total=soon_total,
        tomorrow=today + timedelta(days=1),
        meetings=meetings_tomorrow(user.id, today),
        silent=silent_in_plans(user.id, today, months=digest_silence_months()),
        silence_months=digest_silence_months(),
    )


def set_digest(user: User, *, enabled: bool, by: Actor) -> bool:
    """Turn the user's daily digest on or off, recorded in the audit log on the user
    (`digest_enabled`, shown as "Daglig sammanfattning: av → på"); False when it already
    was so (nothing recorded)."""
    before = bool(user.digest_enabled)
    if before == enabled:
        return False
    user.digest_enabled = enabled
    db.session.flush()
    record(entity=user, action=Action.UPDATE, by=by, changes={DIGEST_FIELD: [before, enabled]})
    return True


def digest_history(user: User, *, limit: int = HISTORY_LIMIT) -> list[ShownEvent]:
    """The latest changes of the user's digest setting, newest first, as the history shows
    them (names today, words not booleans): one statement for the events with their actors'
    names; the user's record holds nothing else that is audited, and any other field is
    left out all the same."""
    rows = history_rows(*of_record(user), AuditEvent.action == Action.UPDATE.value, limit=limit * 4)
    mine = [(event, name) for event, name in rows if DIGEST_FIELD in (event.changes or {})]
    return show_events(mine[:limit])
