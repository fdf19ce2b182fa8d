"""A contact's opt-out from mailings in the contact's history, in words ("Avböjer utskick:
Nej → Ja" with who did it), and the mailing preview naming whom the opt-out leaves out."""

from __future__ import annotations

import re

import pytest

from app.extensions import db

from .test_services import new_mailing


@pytest.fixture
def released(world):
    """The world, its fixture's transaction ended (reading its ids began one, which on SQLite
    would keep the requests below from writing)."""
    db.session.commit()
    return world


def test_the_history_says_the_opt_out_in_words(app, released, as_role):
    world = released
    client = as_role("coordinator")
    path = f"/utskick/kontakt/{world['chef']}/avregistrering"
    assert client.post(path, data={"opted_out": "ja"}).status_code == 302
    page = client.get(f"/kontakter/{world['chef']}").text
    change = page[page.index("<dt>Avböjer utskick</dt>") :].split("</dd>")[0]
    assert re.search(r'history__before">Nej<.*history__after">Ja<', change, re.S), change
    assert "mailing_opt_out" not in page and "True" not in page


def test_the_preview_names_whom_the_opt_out_leaves_out(app, released, as_role):
    world = released
    mailing, choice = new_mailing(world)
    assert [name for _id, name in choice.opted_out] == ["Nils Nej"]
    mailing_id = mailing.id
    db.session.commit()
    page = as_role("coordinator").get(f"/utskick/{mailing_id}").text
    listed = page[page.index('data-list="opted-out"') :].split("</ul>")[0]
    assert f'href="/kontakter/{world["refusing"]}"' in listed and "Nils Nej" in listed
