"""Empty lists: on a fresh install they say how to start (with links for those who may
write); once there are records, an empty list says that nothing matches the filter."""

from __future__ import annotations

import pytest

from app.extensions import db

LISTS = [
    (
        "/kontakter",
        "Inga kontakter ännu.",
        ['href="/kontakter/ny">Lägg till en kontakt</a>', 'href="/kontakter/import">'],
        "Inga kontakter matchar filtret.",
    ),
    (
        "/moten",
        "Inga möten ännu.",
        ['href="/moten/ny">Logga ett möte</a>'],
        "Inga möten matchar filtret.",
    ),
    (
        "/uppfoljningar",
        "Inga uppföljningar ännu.",
        ['href="/uppfoljningar/ny">Lägg till en uppföljning</a>'],
        "Inga uppföljningar här.",
    ),
    (
        "/organisationer",
        "Inga organisationer ännu.",
        ['href="/organisationer/ny">Lägg till en organisation</a>'],
        "Inga organisationer matchar filtret.",
    ),
]


@pytest.mark.parametrize(("path", "start", "links", "filtered"), LISTS)
def test_a_fresh_install_says_how_to_start(app, as_role, path, start, links, filtered):
    page = as_role("coordinator").get(path + "?q=zzz").text
    assert start in page and filtered not in page
    for link in links:
        assert link in page


@pytest.mark.parametrize(("path", "start", "links", "filtered"), LISTS)
def test_readers_are_not_offered_the_links(app, as_role, path, start, links, filtered):
    page = as_role("reader").get(path).text
    assert start in page and links[0] not in page


@pytest.mark.parametrize(("path", "start", "links", "filtered"), LISTS)
def test_with_records_an_empty_list_is_the_filter(seeded, as_role, path, start, links, filtered):
    from tests.factories import make_example_rows

    with seeded.app_context():
        make_example_rows()
        db.session.commit()
    page = as_role("coordinator").get(path + "?q=zzzz-inget&visa=klara").text
    assert filtered in page and start not in page
