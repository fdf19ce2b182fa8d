"""The maintained figures (app/aggregates) equal a rebuild from scratch after any sequence of
writes through the services: meetings created, edited (organisations, times across a
Stockholm midnight and a month's end, held ↔ planned), cancelled, marked held; follow-ups
created from meetings and organisations, completed and reopened; units moved between
municipalities, organisations edited (kind, county) and archived; meetings and follow-ups
to the trash and back; contacts merged and anonymised. Property-based (hypothesis), with a
fixed number of examples so the suite's time stays bounded. The contact import's bulk
writes and their undoing are among them, for the activity figures (contacts added)."""

from __future__ import annotations

import time as clock
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from app.aggregates.models import (
    ActivityFact,
    ActivityTally,
    DayTally,
    FollowUpFact,
    MeetingFact,
    MetMonth,
    RootFigures,
    Tally,
)
from app.aggregates.rebuild import rebuild
from app.auth.models import User
from app.common.bitmaps import from_bytes, members
from app.common.exceptions import DomainError
from app.common.soft_delete import including_deleted
from app.contacts.import_commit import commit_import, start_import
from app.contacts.import_revert import revert_import
from app.contacts.importer import plan_import
from app.contacts.merge import merge_contacts
from app.contacts.models import Contact, ImportBatch
from app.contacts.services import ContactValues, create_contact
from app.extensions import db
from app.followups.models import FollowUp, FollowUpStatus
from app.followups.services import (
    FollowUpValues,
    complete_follow_up,
    create_follow_up,
    reopen_follow_up,
)
from app.meetings.models import Meeting, MeetingKind, MeetingStatus, Perspective
from app.meetings.services import (
    MeetingValues,
    cancel_meeting,
    record_outcome,
    schedule_meeting,
    update_meeting,
)
from app.organisations.models import Organisation, OrganisationKind
from app.organisations.services import (
    EDITABLE_FIELDS,
    archive_organisation,
    create_organisation,
    restore_organisation,
    update_organisation,
)
from app.privacy.erasure import anonymise_contact
from app.trash.services import move_to_trash, restore_from_trash
from tests.factories import make_user

EXAMPLES = 30
#: Around the end of October 2026 (a month's end and the DST change): 21:30 and 22:30 UTC are
#: 23:30 and 00:30 in Stockholm on some of these days.
BASE = datetime(2026, 10, 29, 21, 30, tzinfo=UTC)
MOMENTS = [BASE + timedelta(hours=h) for h in (0, 1, 24, 25, 48, 49, 72, 73, 24 * 40)]

OPERATIONS = st.one_of(
    st.tuples(
        st.just("schedule"),
        st.lists(st.integers(0, 7), min_size=1, max_size=3),
        st.integers(0, len(MOMENTS) - 1),
        st.sampled_from(list(MeetingStatus)),
        st.sampled_from([MeetingKind.DIGITAL, MeetingKind.PHONE]),
        st.lists(st.sampled_from(["barn", "ekonomi"]), max_size=2, unique=True),
        st.booleans(),
    ),
    st.tuples(
        st.just("edit"),
        st.integers(0, 50),
        st.lists(st.integers(0, 7), min_size=1, max_size=3),
        st.integers(0, len(MOMENTS) - 1),
        st.sampled_from([MeetingStatus.PLANNED, MeetingStatus.HELD]),
    ),
    st.tuples(st.sampled_from(["cancel", "held", "trash", "restore"]), st.integers(0, 50)),
    st.tuples(st.just("follow_up"), st.integers(0, 50), st.integers(0, 7), st.booleans()),
    st.tuples(st.sampled_from(["complete", "reopen", "trash_follow_up"]), st.integers(0, 50)),
    st.tuples(st.just("move_unit"), st.integers(0, 1), st.integers(0, 2)),
    st.tuples(st.just("edit_organisation"), st.booleans()),
    st.tuples(st.sampled_from(["archive", "unarchive"]), st.integers(0, 7)),
    st.tuples(st.sampled_from(["merge_contacts", "anonymise", "import", "revert_import"])),
    st.tuples(st.sampled_from(["trash_contact", "restore_contact"]), st.integers(0, 3)),
)


def maintained() -> dict[str, list[tuple[Any, ...]]]:
    """Every maintained row, comparable."""
    return {
        "facts": sorted(
            db.session.execute(
                select(
                    MeetingFact.meeting_id,
                    MeetingFact.dimension,
                    MeetingFact.key,
                    MeetingFact.starts_at,
                    MeetingFact.day,
                    MeetingFact.month,
                )
            ).all()
        ),
        "follow_up_facts": sorted(
            db.session.execute(select(FollowUpFact.follow_up_id, FollowUpFact.organisation_id))
        ),
        "tallies": sorted(
            db.session.execute(select(Tally.dimension, Tally.month, Tally.key, Tally.meetings))
        ),
        "met_months": sorted(
            (month, tuple(members(from_bytes(bits))))
            for month, bits in db.session.execute(select(MetMonth.month, MetMonth.organisations))
        ),
        "day_tallies": sorted(
            db.session.execute(
                select(DayTally.dimension, DayTally.day, DayTally.key, DayTally.meetings)
            )
        ),
        "activity_facts": sorted(
            db.session.execute(
                select(
                    ActivityFact.record,
                    ActivityFact.record_id,
                    ActivityFact.dimension,
                    ActivityFact.owner_id,
                    ActivityFact.day,
                )
            )
        ),
        "activity_tallies": sorted(
            db.session.execute(
                select(
                    ActivityTally.dimension,
                    ActivityTally.grain,
                    ActivityTally.period,
                    ActivityTally.owner_id,
                    ActivityTally.count,
                )
            )
        ),
        "organisations": sorted(
            db.session.execute(
                select(
                    RootFigures.organisation_id,
                    RootFigures.held,
                    RootFigures.first_held_at,
                    RootFigures.last_held_at,
                    RootFigures.open_follow_ups,
                )
            )
        ),
    }


class World:
    """The organisations, people and records the operations pick from (by index)."""

    def __init__(self) -> None:
        def municipality(code: str) -> Organisation:
            return db.session.scalars(select(Organisation).filter_by(municipality_code=code)).one()

        user = make_user()
        municipalities = [municipality(c) for c in ("1280", "0180", "2584")]
        board = db.session.scalars(
            select(Organisation).filter_by(kind=OrganisationKind.LANSSTYRELSE)
        ).first()
        units = [
            create_organisation(
                values={"name": f"Enhet {n}", "parent_id": municipalities[0].id}, by=None
            )
            for n in (1, 2)
        ]
        society = create_organisation(
            values={"name": "Föreningen", "kind": OrganisationKind.CIVILSAMHALLE}, by=None
        )
        contacts = [
            create_contact(
                values=ContactValues(first_name="Kim", last_name=f"Nr {n}"),
                organisation=municipalities[0],
                by=None,
            )
            for n in range(4)
        ]
        db.session.commit()
        # Ids only: the objects do not outlive an example's session.
        self.user_id = user.id
        self.municipalities = [m.id for m in municipalities]
        self.units = [u.id for u in units]
        self.society = society.id
        self.organisations = [*self.municipalities, board.id, *self.units, self.society]
        self.contacts = [c.id for c in contacts]
        self.meetings: list[int] = []
        self.follow_ups: list[int] = []

    def organisation_id(self, index: int) -> int:
        return self.organisations[index % len(self.organisations)]

    def organisation(self, index: int) -> Organisation:
        return db.session.get(Organisation, self.organisations[index % len(self.organisations)])

    def meeting(self, index: int) -> Meeting | None:
        if not self.meetings:
            return None
        meeting_id = self.meetings[index % len(self.meetings)]
        return db.session.scalars(
            including_deleted(select(Meeting).where(Meeting.id == meeting_id))
        ).one()

    def follow_up(self, index: int) -> FollowUp | None:
        if not self.follow_ups:
            return None
        follow_up_id = self.follow_ups[index % len(self.follow_ups)]
        return db.session.scalars(
            including_deleted(select(FollowUp).where(FollowUp.id == follow_up_id))
        ).one()

    def values(self, organisations: list[int], moment: int, status: MeetingStatus, **extra):
        starts_at = MOMENTS[moment]
        return MeetingValues(
            title="Möte",
            kind=extra.pop("kind", MeetingKind.DIGITAL),
            status=status,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=1),
            all_day=False,
            responsible_id=self.user_id,
            organisation_ids=sorted(
                {self.organisations[i % len(self.organisations)] for i in organisations}
            ),
            **extra,
        )


def apply(world: World, operation: tuple[Any, ...]) -> None:
    name, *args = operation
    user = db.session.get(User, world.user_id)
    if name == "schedule":
        organisations, moment, status, kind, topics, perspective = args
        meeting = schedule_meeting(
            values=world.values(
                organisations,
                moment,
                status,
                kind=kind,
                topics=topics,
                perspectives={Perspective.CHILD_RIGHTS: ""} if perspective else {},
            ),
            by=user,
        )
        world.meetings.append(meeting.id)
        return
    if name in ("edit", "cancel", "held", "trash", "restore"):
        meeting = world.meeting(args[0])
        if meeting is None:
            return
        if name == "trash":
            move_to_trash(meeting, by=user)
        elif name == "restore":
            restore_from_trash(meeting, by=user)
        elif meeting.deleted_at is not None:
            return
        elif name == "edit":
            _, organisations, moment, status = args
            update_meeting(
                meeting,
                values=world.values(organisations, moment, status),
                expected_version=meeting.version,
                by=user,
            )
        elif name == "cancel":
            cancel_meeting(meeting, expected_version=meeting.version, by=user)
        else:
            record_outcome(meeting, outcome="", notes="", expected_version=meeting.version, by=user)
        return
    if name == "follow_up":
        index, organisation, from_meeting = args
        meeting = world.meeting(index) if from_meeting else None
        if meeting is not None and meeting.deleted_at is not None:
            return
        follow_up = create_follow_up(
            values=FollowUpValues(
                title="Följ upp",
                owner_id=user.id,
                due_on=date(2026, 11, 10),
                meeting_id=meeting.id if meeting else None,
                organisation_id=None if meeting else world.organisation(organisation).id,
            ),
            by=user,
            today=date(2026, 11, 1),
        )
        world.follow_ups.append(follow_up.id)
        return
    if name in ("complete", "reopen", "trash_follow_up"):
        follow_up = world.follow_up(args[0])
        if follow_up is None or follow_up.deleted_at is not None:
            return
        if name == "trash_follow_up":
            move_to_trash(follow_up, by=user)
        elif name == "complete" and follow_up.status is FollowUpStatus.OPEN:
            complete_follow_up(follow_up, note="", by=user, today=date(2026, 11, 2))
        elif name == "reopen" and follow_up.status is FollowUpStatus.DONE:
            reopen_follow_up(follow_up, by=user)
        return
    if name == "move_unit":
        unit = db.session.get(Organisation, world.units[args[0]])
        parent = db.session.get(Organisation, world.municipalities[args[1]])
        _edit(unit, parent_id=parent.id, county_code=parent.county_code)
        return
    if name == "edit_organisation":
        society = db.session.get(Organisation, world.society)
        if args[0]:
            _edit(society, kind=OrganisationKind.MYNDIGHET, county_code=None)
        else:
            _edit(society, kind=OrganisationKind.CIVILSAMHALLE, county_code="12")
        return
    if name in ("archive", "unarchive"):
        organisation = world.organisation(args[0])
        if name == "archive":
            archive_organisation(organisation, by=user)
        else:
            restore_organisation(organisation, by=user)
        return
    if name == "import":
        batch = start_import(
            filename="kontakter.csv",
            header=["Förnamn", "Efternamn"],
            rows=[["Ny", f"Person {n}"] for n in range(3)],
            by=user,
        )
        plan = plan_import(batch.rows, batch.mapping)
        commit_import(batch, expected=plan.fingerprint, skip_errors=False, by=user)
        return
    if name == "revert_import":
        batch = db.session.scalars(
            select(ImportBatch).filter_by(status="committed").order_by(ImportBatch.id.desc())
        ).first()
        if batch is not None:
            revert_import(batch, by=user)
        return
    if name in ("trash_contact", "restore_contact"):
        contact = db.session.scalars(
            including_deleted(select(Contact).where(Contact.id == world.contacts[args[0]]))
        ).first()
        if contact is None:
            return
        if name == "trash_contact":
            move_to_trash(contact, by=user)
        else:
            restore_from_trash(contact, by=user)
        return
    if name == "merge_contacts":
        _merge(world)
        return
    if name == "anonymise":
        contact = db.session.get(Contact, world.contacts[-1])
        if contact is not None and not contact.anonymised_at:
            anonymise_contact(contact, reason="Begäran om radering", by=user)
        return
    raise AssertionError(name)


def _edit(organisation: Organisation, **changes: Any) -> None:
    values = {field: getattr(organisation, field) for field in EDITABLE_FIELDS}
    values.update(changes)
    update_organisation(organisation, values=values, expected_version=organisation.version, by=None)


def _merge(world: World) -> None:
    alive = [c for c in (db.session.get(Contact, i) for i in world.contacts[:3]) if c]
    if len(alive) < 2:
        return
    survivor, victim = alive[0], alive[1]
    merge_contacts(
        survivor,
        victim,
        first_name=survivor.first_name,
        last_name=survivor.last_name,
        notes="",
        expected_versions=(survivor.version, victim.version),
        by=db.session.get(User, world.user_id),
    )


@pytest.fixture
def world(seeded) -> World:
    with seeded.app_context():
        return World()


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    operations=st.lists(st.tuples(OPERATIONS, st.booleans()), min_size=1, max_size=10),
)
def test_maintained_equals_rebuilt(seeded, world, operations):
    started = clock.perf_counter()
    with seeded.app_context():
        for operation, commit in operations:
            try:
                apply(world, operation)
            except DomainError:  # a refused write (the service said why): undone, as in use
                db.session.rollback()
                continue
            if commit:
                db.session.commit()
        db.session.flush()
        kept = maintained()
        rebuild()
        rebuilt = maintained()
        db.session.commit()
        assert kept == rebuilt
    print(f"{len(operations)} writes checked in {clock.perf_counter() - started:.2f} s")
