"""The theme tally (app/themes/tally.py), its rows and its sets of organisations, equals a
rebuild from the mentions after any sequence of writes through the services — meetings coded
and uncoded, moved across a Stockholm midnight and a month's end, put in the trash and back,
committed or not — and the lägesbild's theme figures read from it (national, per month, per
county) equal the same figures counted by hand from the mentions, for periods of whole
months, part months and single days. Property-based, with a fixed number of examples so the
suite's time stays bounded."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from app.auth.models import User
from app.common.bitmaps import from_bytes, members
from app.common.exceptions import DomainError
from app.common.soft_delete import including_deleted
from app.common.time import to_local
from app.extensions import db
from app.meetings.models import Meeting
from app.meetings.services import MeetingValues, update_meeting
from app.organisations.models import Organisation, OrganisationKind
from app.themes import figures
from app.themes.models import Theme, ThemeMention, ThemeSide, ThemeTally, ThemeTallySet
from app.themes.services import code_meeting, remove_mention
from app.themes.tally import rebuild_tally
from app.trash.services import move_to_trash, restore_from_trash

from ..at_once import write_at_once
from ..factories import make_user
from .world import meeting, organisation, theme, unit_of

EXAMPLES = 25
#: Around the end of October 2026 (a month's end and the DST change): 22:30 UTC is 23:30 or
#: 00:30 in Stockholm on these days.
BASE = datetime(2026, 10, 30, 22, 30, tzinfo=UTC)
MOMENTS = [BASE + timedelta(hours=h) for h in (0, 2, 24, 26, 24 * 35)]
PERIODS = [
    (date(2026, 10, 1), date(2026, 10, 31)),
    (date(2026, 10, 31), date(2026, 10, 31)),
    (date(2026, 10, 30), date(2026, 11, 2)),
    (date(2026, 10, 15), date(2026, 12, 31)),
    (date(2026, 11, 1), date(2026, 11, 30)),
    (date(2026, 9, 1), date(2026, 12, 5)),
]

OPERATIONS = st.one_of(
    st.tuples(
        st.just("code"),
        st.integers(0, 20),
        st.integers(0, 1),
        st.sampled_from(list(ThemeSide)),
        st.booleans(),
    ),
    st.tuples(st.just("uncode"), st.integers(0, 50)),
    st.tuples(st.sampled_from(["trash", "restore"]), st.integers(0, 20)),
    st.tuples(st.just("move"), st.integers(0, 20), st.integers(0, len(MOMENTS) - 1)),
)


class World:
    """Four municipalities (one met through its unit), an agency, two themes, five meetings."""

    def __init__(self) -> None:
        user = make_user()
        kramfors, harnosand = organisation("Kramfors kommun"), organisation("Härnösands kommun")
        solleftea, agency = organisation("Sollefteå kommun"), organisation("Migrationsverket")
        unit = unit_of(harnosand)
        self.user_id = user.id
        self.themes = [theme("Tolk").id, theme("Kunskap hos handläggare").id]
        groups = [[kramfors], [unit], [solleftea, agency], [kramfors, unit], [agency, solleftea]]
        self.meetings = [
            meeting(orgs, MOMENTS[i % len(MOMENTS)], by=user).id for i, orgs in enumerate(groups)
        ]
        db.session.commit()

    def meeting(self, index: int) -> Meeting:
        meeting_id = self.meetings[index % len(self.meetings)]
        return db.session.scalars(
            including_deleted(select(Meeting).where(Meeting.id == meeting_id))
        ).one()


def apply(world: World, operation: tuple[Any, ...]) -> None:
    name, *args = operation
    user = db.session.get(User, world.user_id)
    if name == "uncode":
        mentions = db.session.scalars(select(ThemeMention).order_by(ThemeMention.id)).all()
        if mentions:
            remove_mention(mentions[args[0] % len(mentions)], by=user)
        return
    held = world.meeting(args[0])
    if name == "trash" and held.deleted_at is None:
        move_to_trash(held, by=user)
    elif name == "restore" and held.deleted_at is not None:
        restore_from_trash(held, by=user)
    elif held.deleted_at is not None:
        return
    elif name == "code":
        _, which, side, everyone = args
        chosen = None if everyone else held.organisations[-1:]
        code_meeting(
            held,
            theme=db.session.get(Theme, world.themes[which]),
            side=side,
            organisations=chosen,
            by=user,
        )
    elif name == "move":
        starts_at = MOMENTS[args[1]]
        update_meeting(
            held,
            values=MeetingValues(
                title=held.title,
                kind=held.kind,
                status=held.status,
                starts_at=starts_at,
                ends_at=starts_at + timedelta(hours=1),
                all_day=False,
                responsible_id=held.responsible_id,
                organisation_ids=sorted(o.id for o in held.organisations),
            ),
            expected_version=held.version,
            by=user,
        )


def tally_rows() -> list[tuple]:
    """The tally's rows, and its sets with each set's organisation ids spelt out."""
    rows = db.session.execute(
        select(
            ThemeTally.grain,
            ThemeTally.period,
            ThemeTally.theme_id,
            ThemeTally.side,
            ThemeTally.organisation_id,
            ThemeTally.mentions,
        )
    ).all()
    sets = db.session.execute(
        select(
            ThemeTallySet.grain,
            ThemeTallySet.period,
            ThemeTallySet.theme_id,
            ThemeTallySet.side,
            ThemeTallySet.organisations,
        )
    ).all()
    spelt = [(*key, tuple(members(from_bytes(bits)))) for *key, bits in sets]
    assert all(ids for *_key, ids in spelt), "an empty set is no row"
    return sorted(rows) + sorted(spelt)


def by_hand(first: date, last: date) -> tuple[dict, dict, dict]:
    """Kommuner som nämner temat, national, per month and per county, counted from the
    mentions one by one (the figure's definition, figures.py), not from the tally."""
    mentions = db.session.scalars(including_deleted(select(ThemeMention))).all()
    national: dict[tuple, set[int]] = defaultdict(set)
    monthly: dict[tuple, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    county: dict[tuple, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    for mention in mentions:
        held = mention.meeting
        if held is not None and held.deleted_at is not None:
            continue
        assert held is None or mention.mentioned_on == to_local(held.starts_at).date()
        if not first <= mention.mentioned_on <= last:
            continue
        own: Organisation = mention.organisation
        if own.kind == OrganisationKind.KOMMUN and own.parent_id is None:
            municipality = own
        elif own.parent is not None and own.parent.kind == OrganisationKind.KOMMUN:
            municipality = own.parent
        else:
            continue
        key = (mention.theme_id, mention.side)
        national[key].add(municipality.id)
        monthly[key][f"{mention.mentioned_on:%Y-%m}"].add(municipality.id)
        county[key][municipality.county_code].add(municipality.id)
    return (
        {key: len(ids) for key, ids in national.items()},
        {key: {m: len(ids) for m, ids in months.items()} for key, months in monthly.items()},
        {key: {c: len(ids) for c, ids in codes.items()} for key, codes in county.items()},
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
@given(operations=st.lists(st.tuples(OPERATIONS, st.booleans()), min_size=1, max_size=12))
def test_maintained_tally_equals_rebuilt_and_the_figures_equal_a_hand_count(
    seeded, world, operations
):
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
        for first, last in PERIODS:
            national, monthly, county = by_hand(first, last)
            assert figures.municipalities_per_theme(first, last) == national, (first, last)
            assert figures.municipalities_per_month(first, last) == monthly, (first, last)
            assert figures.municipalities_per_county(first, last) == county, (first, last)
        kept = tally_rows()
        rebuild_tally()
        assert tally_rows() == kept
        db.session.rollback()


def test_a_bulk_write_of_mentions_is_tallied_before_the_commit(seeded, ctx):
    """Statements around the session (the demo's and the restore's inserts) are not followed
    row by row: the transaction rebuilds the tally before it commits."""
    kramfors, tolk = organisation("Kramfors kommun"), theme("Tolk")
    db.session.execute(
        ThemeMention.__table__.insert(),
        [
            {
                "theme_id": tolk.id,
                "side": ThemeSide.CHALLENGE.value,
                "organisation_id": kramfors.id,
                "mentioned_on": date(2026, 11, 3),
                "note": "",
                "coded_by_name": "",
                "coded_at": datetime(2026, 11, 3, tzinfo=UTC),
            }
        ],
    )
    db.session.commit()
    assert figures.municipalities_per_theme(date(2026, 11, 1), date(2026, 11, 30)) == {
        (tolk.id, ThemeSide.CHALLENGE): 1
    }
    assert figures.municipalities_per_theme(date(2026, 11, 3), date(2026, 11, 3)) == {
        (tolk.id, ThemeSide.CHALLENGE): 1
    }


def test_a_moved_meeting_takes_its_mentions_to_its_new_day(seeded, world):
    """Mentions are dated by the meeting: moved from 31 October to 1 November (Stockholm),
    they count in November, in the same transaction and after it."""
    with seeded.app_context():
        user = db.session.get(User, world.user_id)
        held = world.meeting(0)  # Kramfors, 30 October 23:30 in Stockholm
        tolk = db.session.get(Theme, world.themes[0])
        code_meeting(held, theme=tolk, side=ThemeSide.CHALLENGE, by=user)
        october, november = PERIODS[0], PERIODS[4]
        assert figures.municipalities_per_theme(*october) == {(tolk.id, ThemeSide.CHALLENGE): 1}
        apply(world, ("move", 0, 4))  # 35 days later: 4 December
        assert figures.municipalities_per_theme(*october) == {}
        db.session.commit()
        (mention,) = db.session.scalars(select(ThemeMention)).all()
        assert mention.mentioned_on == date(2026, 12, 4)
        assert figures.municipalities_per_theme(*november) == {}
        december = (date(2026, 12, 1), date(2026, 12, 31))
        assert figures.municipalities_per_theme(*december) == {(tolk.id, ThemeSide.CHALLENGE): 1}


def test_two_writers_coding_the_same_theme_and_month_keep_both_organisations(seeded):
    """Two transactions code the same theme on the same side in the same month, for two
    municipalities, at once: the second waits for the first's set of organisations (on
    PostgreSQL the month's set row, on SQLite the write lock) and then reads the tally with
    the first's row in, so the set holds both and equals a rebuild."""
    with seeded.app_context():
        user = make_user()
        kramfors, solleftea = organisation("Kramfors kommun"), organisation("Sollefteå kommun")
        tolk = theme("Tolk")
        ids = [meeting([kramfors], BASE, by=user).id, meeting([solleftea], BASE, by=user).id]
        user_id, tolk_id = user.id, tolk.id
        db.session.commit()

    def code(meeting_id: int) -> Callable[[], None]:
        def write() -> None:
            code_meeting(
                db.session.get(Meeting, meeting_id),
                theme=db.session.get(Theme, tolk_id),
                side=ThemeSide.CHALLENGE,
                organisations=None,
                by=db.session.get(User, user_id),
            )

        return write

    assert write_at_once(seeded, code(ids[0]), code(ids[1])) == []
    with seeded.app_context():
        october = (date(2026, 10, 1), date(2026, 10, 31))
        assert figures.municipalities_per_theme(*october) == {(tolk_id, ThemeSide.CHALLENGE): 2}
        kept = tally_rows()
        rebuild_tally()
        assert tally_rows() == kept
        db.session.rollback()
