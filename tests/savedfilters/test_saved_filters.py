"""Saved filters: saved from a list, reopened, removed; each user reaches only their own."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.auth.models import SavedFilter
from app.extensions import db
from app.savedfilters.services import filter_query

from ..conftest import login


def save(client, list_key, query, name):
    return client.post(
        "/sparade-filter",
        data={"list_key": list_key, "filter_query": query, "filter_name": name},
    )


def saved_rows(app) -> list[SavedFilter]:
    with app.app_context():
        return list(db.session.scalars(select(SavedFilter).order_by(SavedFilter.id)))


@pytest.mark.parametrize(
    ("list_key", "path", "query"),
    [
        ("organisations.index", "/organisationer", "typ=kommun&lan=18"),
        ("contacts.index", "/kontakter", "q=berg&status=nuvarande"),
        ("meetings.index", "/moten", "status=genomfort"),
        ("followups.index", "/uppfoljningar", "visa=teamets"),
    ],
)
def test_a_filter_is_saved_and_reopened_on_every_list(seeded, as_role, list_key, path, query):
    client = as_role("reader")  # a reader may keep filters: they are their own
    page = client.get(f"{path}?{query}").text
    assert 'action="/sparade-filter"' in page and 'name="filter_name"' in page
    response = save(client, list_key, query, "Mina i Örebro")
    assert response.status_code == 302
    assert response.headers["Location"] == f"{path}?{query}"
    [saved] = saved_rows(seeded)
    assert (saved.list_key, saved.name, saved.query_string) == (list_key, "Mina i Örebro", query)
    page = client.get(path).text
    assert f'href="/sparade-filter/{saved.id}">Mina i Örebro</a>' in page
    reopened = client.get(f"/sparade-filter/{saved.id}")
    assert reopened.status_code == 302 and reopened.headers["Location"] == f"{path}?{query}"


def test_the_save_form_shows_only_with_an_active_filter(seeded, as_role):
    page = as_role("coordinator").get("/organisationer").text
    assert 'name="filter_name"' not in page
    page = as_role("coordinator").get("/organisationer?sida=2").text
    assert 'name="filter_name"' not in page  # a page number alone is no filter


def test_page_number_is_not_saved_and_same_name_replaces(seeded, as_role):
    client = as_role("coordinator")
    save(client, "organisations.index", "typ=kommun&sida=3&lan=", "Kommuner")
    save(client, "organisations.index", "typ=region", "Kommuner")
    [saved] = saved_rows(seeded)
    assert saved.query_string == "typ=region"
    assert filter_query("q=%C3%96rebro&sida=2&typ=") == "q=%C3%96rebro"


def test_a_name_is_required_and_unknown_lists_are_refused(seeded, as_role):
    client = as_role("coordinator")
    response = save(client, "organisations.index", "typ=kommun", "  ")
    assert response.status_code == 302
    assert "Fältet måste fyllas i" in client.get(response.headers["Location"]).text
    assert save(client, "auth.users", "x=1", "Admin").status_code == 302
    assert saved_rows(seeded) == []


def test_another_users_saved_filter_is_not_found_nor_shown(seeded, client, users):
    login(client, users["coordinator"])
    save(client, "contacts.index", "q=berg", "Bergs")
    [saved] = saved_rows(seeded)
    client.post("/logga-ut")
    login(client, users["admin"])
    assert client.get(f"/sparade-filter/{saved.id}").status_code == 404
    assert client.post(f"/sparade-filter/{saved.id}/ta-bort").status_code == 404
    assert 'href="/sparade-filter/' not in client.get("/kontakter").text
    assert client.get("/sparade-filter/987654").status_code == 404
    assert len(saved_rows(seeded)) == 1


def test_the_owner_removes_a_saved_filter(seeded, as_role):
    client = as_role("coordinator")
    save(client, "meetings.index", "status=genomfort", "Hållna")
    [saved] = saved_rows(seeded)
    response = client.post(f"/sparade-filter/{saved.id}/ta-bort")
    assert response.status_code == 302 and response.headers["Location"] == "/moten"
    assert saved_rows(seeded) == []
    assert 'href="/sparade-filter/' not in client.get("/moten").text


def test_saved_filters_go_with_their_user(seeded, as_role, users):
    from app.auth.models import User

    client = as_role("coordinator")
    save(client, "meetings.index", "status=genomfort", "Hållna")
    with seeded.app_context():
        user = db.session.scalar(select(User).where(User.email == users["coordinator"]))
        db.session.delete(user)
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(SavedFilter)) == 0
