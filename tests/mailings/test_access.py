"""Who may do what with mailings: a reader sees the list and a mailing's page (without a
button to change anything) but cannot open the new-mailing form, send, resend, decide on an
uncertain recipient or record an opt-out; a coordinator and an admin can."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.mailings.models import Mailing, MailingOptOut, MailingStatus

from ..factories import make_example_rows

WRITES = [
    "/utskick/1/mottagare",
    "/utskick/1/skicka",
    "/utskick/1/bekrafta",
    "/utskick/1/skicka-igen",
    "/utskick/1/forsok-igen",
    "/utskick/1/osaker/1",
    "/utskick/kontakt/1/avregistrering",
]


@pytest.fixture
def example(seeded, users, app_config):
    with seeded.app_context():
        make_example_rows()
        db.session.commit()


def test_a_reader_sees_mailings_but_changes_nothing(as_role, example, app):
    client = as_role("reader")
    listing = client.get("/utskick")
    assert listing.status_code == 200
    assert "Nytt utskick" not in listing.text
    page = client.get("/utskick/1")
    assert page.status_code == 200
    assert "Exempelutskick" in page.text
    assert "<form" not in page.text.split("<main", 1)[1]
    assert client.get("/utskick/nytt").status_code == 403
    assert client.post("/utskick/nytt", data={"subject": "x", "body": "y"}).status_code == 403
    for path in WRITES:
        assert client.post(path, data={"decision": "skickad", "opted_out": "ja"}).status_code == (
            403
        ), path
    with app.app_context():
        assert db.session.get(Mailing, 1).status is MailingStatus.DRAFT
        assert db.session.scalars(select(MailingOptOut)).all() == []
        assert db.session.scalar(select(db.func.count()).select_from(Mailing)) == 1


@pytest.mark.parametrize("role", ["coordinator", "admin"])
def test_a_coordinator_and_an_admin_create_and_send(as_role, example, app, role):
    client = as_role(role)
    assert client.get("/utskick/nytt").status_code == 200
    response = client.post(
        "/utskick/nytt?mottagare=organisationer&q=" + "Ale",
        data={"subject": "Hej {organisation}", "body": "Hej {namn}", "version_id": ""},
    )
    assert response.status_code == 302, response.text
    assert client.post("/utskick/1/skicka").status_code == 302
    assert (
        client.post("/utskick/kontakt/1/avregistrering", data={"opted_out": "ja"}).status_code
        == 302
    )
    with app.app_context():
        # No SMTP server in the tests' config: the example mailing became .eml files.
        assert db.session.get(Mailing, 1).status is MailingStatus.FILES
        assert db.session.scalar(select(db.func.count()).select_from(Mailing)) == 2
        assert db.session.get(MailingOptOut, 1) is not None
