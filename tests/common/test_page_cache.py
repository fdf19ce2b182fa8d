"""The page cache: a page is rendered once and served from memory only while nothing has been
written; every kind of write shows at once, each visitor gets their own page and CSRF token,
and flashed messages are never kept."""

from __future__ import annotations

import re

from sqlalchemy import select, update

from app.common.change_tokens import current_token
from app.common.page_cache import CSRF_PLACEHOLDER, DATA_TOPIC
from app.common.page_store import MemoryStore, Page, page_store
from app.contacts.models import Contact
from app.extensions import db
from app.organisations.models import Organisation

from ..conftest import login

#: The main pages that are kept (their cold statement counts are in test_statement_counts).
PAGES = ("/", "/organisationer", "/kontakter", "/moten", "/uppfoljningar", "/sok?q=ida",
         "/rapporter/lagesbild", "/rapporter/sammanstallning",
         "/rapporter/slutredovisning")  # fmt: skip
NAME_LINK = re.compile(r'<a href="/kontakter/\d+">([^<]*)</a>')
CSRF_VALUE = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')


def token(app) -> str | None:
    with app.app_context():
        return current_token(DATA_TOPIC)


def test_a_page_is_rendered_once_then_served_from_memory(as_role, contact_id, count_statements):
    client = as_role("coordinator")
    for path in (*PAGES, f"/kontakter/{contact_id}"):
        first = client.get(path)
        with count_statements() as counter:
            again = client.get(path)
        assert first.status_code == again.status_code == 200, path
        # the same page; the signed CSRF token carries the second it was signed in
        assert CSRF_VALUE.sub("", again.text) == CSRF_VALUE.sub("", first.text), path
        assert counter.count == 2, (path, counter.statements)  # the user and the tokens


def test_reading_pages_writes_nothing(as_role, contact_id, app):
    client = as_role("reader")
    before = token(app)
    for path in (*PAGES, f"/kontakter/{contact_id}", f"/kontakter/{contact_id}/redigera"):
        client.get(path)
    assert token(app) == before is not None


def test_an_edit_shows_at_once_on_every_kept_page(as_role, contact_id, app):
    client = as_role("coordinator")
    assert "Berg" in client.get("/kontakter").text
    assert "Berg" in client.get(f"/kontakter/{contact_id}").text
    before = token(app)
    edited = client.post(
        f"/kontakter/{contact_id}/redigera",
        data={"first_name": "Ida", "last_name": "Lindholm", "emails": "ida@x.se",
              "phones": "", "tags": "", "notes": "", "version": "1"},
    )  # fmt: skip
    assert edited.status_code == 302
    assert token(app) != before
    assert "Lindholm" in client.get("/kontakter").text
    assert "Lindholm" in client.get(f"/kontakter/{contact_id}").text


def test_a_bulk_statement_renews_the_token_too(as_role, contact_id, app):
    client = as_role("coordinator")
    assert NAME_LINK.findall(client.get("/kontakter").text) == ["Berg, Ida"]
    with app.app_context():
        db.session.execute(update(Contact).where(Contact.id == contact_id).values(last_name="Ek"))
        db.session.commit()
    assert NAME_LINK.findall(client.get("/kontakter").text) == ["Ek, Ida"]


def test_a_write_that_rolls_back_keeps_the_token(contact_id, app):
    before = token(app)
    with app.app_context():
        db.session.get(Contact, contact_id).last_name = "Ek"
        db.session.flush()
        db.session.rollback()
    assert token(app) == before


def test_each_user_and_role_gets_their_own_page(app, users, contact_id):
    pages = {}
    for role in ("reader", "coordinator"):
        client = app.test_client()
        login(client, users[role])
        pages[role] = client.get(f"/kontakter/{contact_id}").text
    assert "/redigera" in pages["coordinator"] and "/redigera" not in pages["reader"]


def test_each_session_gets_its_own_csrf_token(app, users, contact_id):
    app.config["WTF_CSRF_ENABLED"] = True
    tokens = []
    for _ in range(2):
        client = app.test_client()
        form = client.get("/logga-in").text
        login(client, users["coordinator"], csrf_token=CSRF_VALUE.search(form).group(1))
        page = client.get(f"/kontakter/{contact_id}").text
        assert CSRF_PLACEHOLDER not in page
        tokens.append(CSRF_VALUE.search(page).group(1))
        # the token on a page served from memory is this session's and is accepted
        assert client.post("/logga-ut", data={"csrf_token": tokens[-1]}).status_code == 302
    assert tokens[0] != tokens[1]


def test_a_flashed_message_is_shown_once_and_never_kept(as_role, contact_id):
    client = as_role("coordinator")
    client.get("/kontakter")
    client.post(f"/kontakter/{contact_id}/redigera",
                data={"first_name": "Ida", "last_name": "Ek", "emails": "ida@x.se",
                      "phones": "", "tags": "", "notes": "", "version": "1"})  # fmt: skip
    shown = client.get("/kontakter").text
    assert 'class="flash' in shown
    assert 'class="flash' not in client.get("/kontakter").text


def test_a_page_cache_of_zero_bytes_is_off(as_role, contact_id, app, count_statements):
    app.config["PAGE_CACHE_BYTES"] = 0
    client = as_role("coordinator")
    client.get("/kontakter")
    with count_statements() as counter:
        client.get("/kontakter")
    assert counter.count > 2
    assert len(page_store(app).memory) == 0


def test_the_memory_keeps_the_most_recently_used_pages_within_its_size():
    pages = MemoryStore(limit=450)
    for number in range(10):
        pages.put(("page", number), Page("t", "x" * 100, False))
    assert len(pages) == 4  # 4 × 100 fit in 450
    assert pages.get(("page", 6), "t") is not None
    pages.put(("page", 10), Page("t", "x" * 100, False))
    assert pages.get(("page", 6), "t") is not None  # used recently: kept
    assert pages.get(("page", 7), "t") is None  # the least recently used went first
    assert pages.get(("page", 6), "another token") is None  # a page of older data: gone
    assert pages.get(("page", 6), "t") is None
    pages.put(("huge",), Page("t", "x" * 200, False))
    assert pages.get(("huge",), "t") is None  # over a quarter of the store: never kept


def test_a_feed_is_kept_until_a_write_and_answers_304_meanwhile(seeded, users, app):
    from datetime import timedelta

    from app.auth.models import User
    from app.calendar.services import issue_feed_token
    from app.common.time import utcnow
    from app.meetings.models import MeetingKind, MeetingStatus
    from app.meetings.services import MeetingValues, schedule_meeting

    with app.app_context():
        me = db.session.scalar(select(User).filter_by(email=users["coordinator"]))
        malmo = db.session.scalar(select(Organisation.id).filter_by(municipality_code="1280"))
        feed = f"/kalender/{issue_feed_token(me)}.ics"
        start = utcnow().replace(microsecond=0) + timedelta(days=2)
        meeting = schedule_meeting(
            values=MeetingValues(title="Samråd om återvandring", kind=MeetingKind.DIGITAL,
                                 status=MeetingStatus.PLANNED, starts_at=start,
                                 ends_at=start + timedelta(hours=1), all_day=False,
                                 responsible_id=me.id, organisation_ids=[malmo]),
            by=None,
        )  # fmt: skip
        db.session.commit()
        meeting_id = meeting.id
    client = app.test_client()
    first = client.get(feed)
    assert b"Samr" in first.data and first.status_code == 200
    again = client.get(feed, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304  # unchanged: the client keeps its copy
    with app.app_context():
        db.session.get(type(meeting), meeting_id).title = "Uppföljande samråd"
        db.session.commit()
    changed = client.get(feed, headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200 and "Uppföljande".encode() in changed.data


def test_report_downloads_are_kept_until_a_write(as_role, contact_id, app, count_statements):
    client = as_role("coordinator")
    for path in ("/rapporter/sammanstallning.xlsx", "/rapporter/sammanstallning.csv",
                 "/rapporter/lagesbild.xlsx", "/rapporter/slutredovisning.xlsx"):  # fmt: skip
        first = client.get(path)
        with count_statements() as counter:
            again = client.get(path)
        assert first.status_code == again.status_code == 200, path
        assert again.data == first.data and again.headers["Content-Disposition"], path
        assert counter.count == 2, (path, counter.statements)
    with app.app_context():
        db.session.get(Contact, contact_id).last_name = "Ek"
        db.session.commit()
    with count_statements() as counter:
        assert client.get("/rapporter/sammanstallning.csv").status_code == 200
    assert counter.count > 2  # made again from the data as it is now
