"""The whole demo run: safety check, registry, team, contacts, meetings, follow-ups, the
library and its deliveries."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from app.aggregates.rebuild import rebuild
from app.auth.models import Role, User
from app.auth.services import generate_password, hash_password
from app.common.time import local_today
from app.contacts.models import Contact
from app.extensions import db
from app.followups.models import FollowUp
from app.library.facts import rebuild_facts
from app.meetings.models import Meeting
from app.organisations.models import Organisation
from app.organisations.reference import seed_reference_data
from app.themes.tally import rebuild_tally

from .activity import generate_follow_ups, generate_meetings
from .core import Context
from .library import generate_library
from .people import generate_contacts
from .prioritising import generate_prioritising
from .registry import ensure_team, load_organisations, record_engagement
from .themes import generate_themes


class DatabaseInUse(Exception):
    """The database already holds user data; the demo would mix with it."""

    def __init__(self, findings: list[str]) -> None:
        super().__init__(", ".join(findings))
        self.findings = findings


@dataclass
class DemoSummary:
    """What a demo run made, and how long it took."""

    users_created: int
    password: str | None
    organisations_created: int
    contacts: int
    affiliations: int
    meetings: int
    follow_ups: int
    engagement_changes: int
    materials: int
    deliveries: int
    seconds: float


def user_data_present() -> list[str]:
    """What in the database counts as user data ("12 contacts"); empty when it is safe to
    fill: no meetings, follow-ups or contacts, and no users beyond one admin."""
    findings = []
    for model, label in ((Contact, "contacts"), (Meeting, "meetings"), (FollowUp, "follow-ups")):
        count = db.session.scalar(select(func.count()).select_from(model))
        if count:
            findings.append(f"{count} {label}")
    roles = list(db.session.scalars(select(User.role)))
    if len(roles) > 1 or (roles and roles[0] is not Role.ADMIN):
        findings.append(f"{len(roles)} users")
    return findings


def generate(
    *,
    scale: float,
    seed: int = 1,
    today: date | None = None,
    password: str | None = None,
    force: bool = False,
) -> DemoSummary:
    """Fill the database with demo data; flushes, never commits.

    Scale 1 is about 3,000 contacts, 5,000 meetings and 8,000 follow-ups. The same seed and
    `today` give the same data. The team's password is `password`, or a generated one that
    the summary carries (only when team members were created). Raises DatabaseInUse if the
    database holds user data, unless `force`.
    """
    if scale <= 0:
        raise ValueError("scale must be positive")
    if not force:
        findings = user_data_present()
        if findings:
            raise DatabaseInUse(findings)
    began = time.perf_counter()
    ctx = Context(seed=seed, scale=scale, today=today or local_today())
    if db.session.scalar(select(func.count()).select_from(Organisation)) == 0:
        seed_reference_data()
    chosen_password = password or generate_password()
    users_created = ensure_team(ctx, hash_password(chosen_password))
    organisations = load_organisations(ctx)
    contacts, affiliations = generate_contacts(ctx)
    meetings, held = generate_meetings(ctx)
    follow_ups = generate_follow_ups(ctx, held)
    changes = record_engagement(ctx)
    library = generate_library(ctx, held)
    generate_themes(ctx, held)
    from .questionnaires import generate_questionnaires  # a sent questionnaire and its answers

    generate_questionnaires(ctx)
    generate_prioritising(ctx)  # an indicator for every municipality, a plan for next month
    db.session.flush()
    # The bulk inserts bypass the session hooks that keep the figures: computed afresh.
    rebuild()
    rebuild_facts()
    rebuild_tally()
    return DemoSummary(
        users_created=users_created,
        password=chosen_password if users_created and not password else None,
        organisations_created=organisations,
        contacts=contacts,
        affiliations=affiliations,
        meetings=meetings,
        follow_ups=follow_ups,
        engagement_changes=changes,
        materials=library.materials,
        deliveries=library.deliveries,
        seconds=time.perf_counter() - began,
    )
