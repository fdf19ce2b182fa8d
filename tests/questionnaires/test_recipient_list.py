"""The recipients page as a coordinator uses it: each filter adds its organisations to those
chosen before (two counties: two filters), an organisation chosen before keeps its address,
the page lists the chosen ones per county with their count, and one or all can be removed
while the questionnaire is a draft; readers can do none of it."""

from __future__ import annotations

import re

from app.auth.models import User
from app.extensions import db
from app.organisations.models import Organisation
from app.questionnaires import sending
from app.questionnaires.models import Questionnaire

from ..conftest import login
from .sending_world import world  # noqa: F401  (the fixture)
from .test_sending import BODY

STOCKHOLM = "lan=01&typ=kommun"
UPPSALA = "lan=03&typ=kommun"


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def chosen(seeded, world) -> dict[int, str]:  # noqa: F811
    with seeded.app_context():
        return sending.chosen_addresses(db.session.get(Questionnaire, world.questionnaire))


def test_two_counties_are_added_listed_per_county_and_removed(seeded, world, client):  # noqa: F811
    with seeded.app_context():
        email_address = db.session.get(User, world.user).email
    login(client, email_address)
    base = f"/enkater/{world.questionnaire}/mottagare"
    assert "Inga mottagare är valda än." in client.get(base).text
    k = world.kommuner

    # Uppsala with a named contact for the second municipality, then Stockholm's county.
    response = client.post(f"{base}?{UPPSALA}", data={f"kontakt-{k[1]}": str(world.picked_contact)})
    assert response.status_code == 302 and response.location.endswith(f"{base}#valda")
    response = client.post(f"{base}?{STOCKHOLM}", data={}, follow_redirects=True)
    assert "1 mottagare är tillagd." in response.text  # Stockholm's one with a mailbox
    page = text_of(response.text)
    assert "Valda mottagare: 4" in page
    assert "Stockholms län 1" in page and "Uppsala län 3" in page  # the counts per county
    assert "Stockholms län (1)" in page and "Uppsala län (3)" in page
    assert page.index("Stockholms län (1)") < page.index("Uppsala län (3)")
    with seeded.app_context():
        first = db.session.get(Organisation, k[0]).display_name
    assert f'aria-label="Ta bort {first}"' in response.text  # each button names its row
    assert "Ta bort alla" in page

    # Uppsala again, asking for the mailbox: nothing added, the contact kept.
    filtered = text_of(client.get(f"{base}?{UPPSALA}").text)
    assert "8 organisationer matchar urvalet. 0 kan nås. 3 av dem är redan valda." in filtered
    client.post(f"{base}?{UPPSALA}", data={f"kontakt-{k[1]}": "0"})
    assert chosen(seeded, world)[k[1]] == "karin.ek@andra.example.se"

    # Remove one; then all.
    response = client.post(f"{base}/{k[0]}/ta-bort", follow_redirects=True)
    assert "Mottagaren är borttagen." in response.text
    assert "Valda mottagare: 3" in text_of(response.text)
    assert set(chosen(seeded, world)) == {k[1], k[2], world.elsewhere}
    assert client.post(f"{base}/999999/ta-bort").status_code == 302  # not chosen: nothing
    response = client.post(f"{base}/ta-bort-alla", follow_redirects=True)
    assert "Alla mottagare är borttagna." in response.text
    assert "Inga mottagare är valda än." in response.text
    assert chosen(seeded, world) == {}


def test_once_sent_the_recipients_stay(seeded, world, client):  # noqa: F811
    with seeded.app_context():
        email_address = db.session.get(User, world.user).email
    login(client, email_address)
    base = f"/enkater/{world.questionnaire}"
    client.post(f"{base}/mottagare?{UPPSALA}", data={})
    client.post(f"{base}/skicka", data={"subject": "Enkät", "body": BODY})
    for url in (f"{base}/mottagare/ta-bort-alla", f"{base}/mottagare/{world.kommuner[0]}/ta-bort"):
        response = client.post(url, follow_redirects=True)
        assert response.status_code == 200 and "Enkäten är skickad" in response.text
    assert len(chosen(seeded, world)) == 3


def test_a_reader_cannot_remove(seeded, world, as_role):  # noqa: F811
    client = as_role("reader")
    base = f"/enkater/{world.questionnaire}/mottagare"
    assert client.post(f"{base}/ta-bort-alla").status_code == 403
    assert client.post(f"{base}/{world.kommuner[0]}/ta-bort").status_code == 403
