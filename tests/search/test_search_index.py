"""The text index (app/common/search_index.py, search_plan.py) finds exactly what a plain
substring scan of the folded text finds, on both databases, after rows are added, renamed and
deleted; 1–2 letter queries follow their bounded plan (names beginning with the letters)."""

from __future__ import annotations

import time as clock
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select, text

from app.common.matching import match_conditions
from app.common.search_index import SEARCHED_TABLES, fts_table, rebuild_search_index, trigrams
from app.common.search_plan import MEETING_WINDOW, TRIGRAM, prefix_spellings, term_variants
from app.common.text import search_terms
from app.contacts.models import Contact
from app.extensions import db
from app.meetings.models import Meeting, MeetingKind
from app.organisations.models import Organisation, OrganisationKind
from tests.factories import make_user

EXAMPLES = 30
#: Few letters, Swedish ones among them, so that queries often hit.
LETTERS = "anöroebÅÄlmé "
WORDS = st.text(alphabet=LETTERS, min_size=1, max_size=14).filter(str.strip)
QUERIES = st.text(alphabet=LETTERS + "Ö2-", min_size=1, max_size=12).filter(search_terms)
START = datetime(2026, 3, 2, 9, tzinfo=UTC)


def expected(model, query: str) -> set[int]:
    """The ids a plain scan in Python finds: every word a substring of the folded text; for
    1–2 letter words only, a name beginning with them (a window of meetings)."""
    terms = search_terms(query)
    rows = db.session.execute(select(model.id, model.search_text)).all()
    if any(len(t) >= TRIGRAM for t in terms):
        return {
            i for i, found in rows if all(any(v in found for v in term_variants(t)) for t in terms)
        }
    if model is Meeting:
        return {i for i, found in rows if all(t in found for t in terms)}
    names = dict(db.session.execute(select(model.id, model.sort_name)).all())
    prefixes = prefix_spellings(" ".join(terms))
    return {i for i in names if any(names[i].startswith(p) for p in prefixes)}


def found(model, query: str) -> set[int]:
    query_ids = select(model.id).where(*match_conditions(model.search_text, query))
    return set(db.session.scalars(query_ids))


def check_sqlite_index() -> None:
    """FTS5's own check that the index matches its content table (SQLite)."""
    if db.engine.dialect.name != "sqlite":
        return
    for name in SEARCHED_TABLES:
        fts = fts_table(name)
        db.session.execute(text(f"INSERT INTO {fts} ({fts}, rank) VALUES ('integrity-check', 1)"))


@pytest.fixture
def responsible(ctx):
    user = make_user()
    db.session.commit()
    return user.id


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    names=st.lists(st.tuples(WORDS, WORDS), min_size=1, max_size=8),
    renamed=st.lists(st.tuples(st.integers(0, 7), WORDS), max_size=3),
    deleted=st.lists(st.integers(0, 7), max_size=2),
    queries=st.lists(QUERIES, min_size=1, max_size=4),
)
def test_index_finds_what_a_substring_scan_finds(
    ctx, responsible, names, renamed, deleted, queries
):
    started = clock.perf_counter()
    rows: list[tuple[Organisation, Contact, Meeting]] = []
    for number, (first, last) in enumerate(names):
        organisation = Organisation(name=f"{last} {first}", kind=OrganisationKind.CIVILSAMHALLE)
        contact = Contact(first_name=first, last_name=last)
        starts = START + timedelta(days=number)
        meeting = Meeting(
            title=f"{first} {last}",
            kind=MeetingKind.DIGITAL,
            starts_at=starts,
            ends_at=starts + timedelta(hours=1),
            responsible_id=responsible,
        )
        for record in (organisation, contact, meeting):
            record.index()
            db.session.add(record)
        rows.append((organisation, contact, meeting))
    db.session.commit()
    for position, name in renamed:  # updates: the triggers replace the indexed text
        organisation, contact, meeting = rows[position % len(rows)]
        organisation.name = contact.last_name = meeting.title = name
        for record in (organisation, contact, meeting):
            record.index()
    for position in deleted:  # deletes: the triggers remove it
        for record in rows[position % len(rows)]:
            if record in db.session and record not in db.session.deleted:
                db.session.delete(record)
    db.session.commit()
    check_sqlite_index()
    try:
        for query in queries:
            for model in (Organisation, Contact, Meeting):
                assert found(model, query) == expected(model, query), (model.__name__, query)
    finally:
        for model in (Meeting, Contact, Organisation):
            db.session.execute(delete(model))
        db.session.commit()
        check_sqlite_index()
    print(f"{len(queries)} queries checked in {clock.perf_counter() - started:.2f} s")


def test_trigrams_of_a_long_word_are_spread_and_bounded():
    assert trigrams("orebro") == ["ore", "reb", "ebr", "bro"]
    grams = trigrams("socialtjanstenforvaltning")
    assert len(grams) == 6 and grams[0] == "soc" and grams[-1] == "ing"


def test_short_queries_read_name_ranges():
    assert prefix_spellings("o") == ["o", "}"]
    assert set(prefix_spellings("ab")) == {"ab", "{b", "|b"}


def test_meeting_window_bounds_short_queries(ctx, responsible):
    assert MEETING_WINDOW >= 100
    old = Meeting(
        title="xy gammalt",
        kind=MeetingKind.DIGITAL,
        starts_at=START - timedelta(days=3650),
        ends_at=START - timedelta(days=3650) + timedelta(hours=1),
        responsible_id=responsible,
    )
    old.index()
    db.session.add(old)
    db.session.commit()
    assert found(Meeting, "xy") == {old.id}  # within the window (the only meeting)
    assert found(Meeting, "gammalt") == {old.id}


def test_rebuild_refills_the_index(ctx):
    organisation = Organisation(name="Kramfors kommun", kind=OrganisationKind.KOMMUN)
    organisation.index()
    db.session.add(organisation)
    db.session.commit()
    if db.engine.dialect.name == "sqlite":
        fts = fts_table("organisations")
        db.session.execute(text(f"INSERT INTO {fts} ({fts}) VALUES ('delete-all')"))
        assert found(Organisation, "kramfors") == set()
    rebuild_search_index()
    db.session.commit()
    check_sqlite_index()
    assert found(Organisation, "kramfors") == {organisation.id}
