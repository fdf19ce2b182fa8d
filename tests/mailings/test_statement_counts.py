"""SQL statements per mailing page: the same with 3 recipients as with 30 (a draft's preview
recomputes who has no address; a sent mailing lists each recipient's status; the list counts
recipients per status), for a mailing to organisations and one to contacts."""

from __future__ import annotations

import pytest

from app.auth.models import Role, User
from app.contacts.services import ContactValues, create_contact
from app.extensions import db
from app.mailings import services
from app.mailings.models import Audience
from app.organisations.models import OrganisationKind
from app.organisations.services import create_organisation
from app.tasks.jobs import queue_mailing

from ..conftest import login
from ..factories import make_user
from .conftest import make_guide_version

SIZES = {"Alfa": 3, "Beta": 30}
LIMIT = 15


def build(prefix: str, size: int, version_id: int, user: User) -> dict[str, int]:
    """`size` organisations named after `prefix` with a contact each (`size` recipients both
    ways), one more with no address; the mailings to them (by role) and to their contacts,
    and one sent."""
    for number in range(size):
        organisation = create_organisation(
            values={"name": f"{prefix} förening {number}", "kind": OrganisationKind.CIVILSAMHALLE},
            by=None,
        )
        # Every organisation has a contact with an address; the even ones a samordnare (chosen
        # by role), the odd ones a handläggare and a functional mailbox (chosen instead).
        create_contact(
            values=ContactValues(
                first_name=prefix,
                last_name=f"Nummer {number}",
                emails=[f"{prefix.lower()}{number}@example.se"],
            ),
            organisation=organisation,
            title="Samordnare" if number % 2 == 0 else "Handläggare",
            by=None,
        )
        if number % 2:
            organisation.mailbox = f"brevlada{number}@{prefix.lower()}.example.se"
    # One with no address at all, listed in the preview.
    create_organisation(
        values={"name": f"{prefix} förening utan adress", "kind": OrganisationKind.CIVILSAMHALLE},
        by=None,
    )
    made = {}
    for name, audience, role in (
        ("organisations", Audience.ORGANISATIONS, "samordnare"),
        ("contacts", Audience.CONTACTS, ""),
    ):
        mailing, _choice = services.create_mailing(
            values=services.MailingValues(
                subject="Till {organisation}",
                body="Hej {namn}!",
                audience=audience,
                criteria={"q": prefix},
                role=role,
                version_id=version_id,
            ),
            by=user,
        )
        assert len(_choice.recipients) == size
        made[name] = mailing.id
    sent, _choice = services.create_mailing(
        values=services.MailingValues(
            subject="Skickat till {organisation}",
            body="Hej {namn}!",
            audience=Audience.ORGANISATIONS,
            criteria={"q": prefix},
            role="samordnare",
            version_id=version_id,
        ),
        by=user,
    )
    services.start_mailing(sent, by=user)
    db.session.commit()
    queue_mailing(sent.id)
    made["sent"] = sent.id
    return made


@pytest.fixture
def mailings(seeded, smtp):
    with seeded.app_context():
        user = make_user(role=Role.COORDINATOR, email="sara@example.se", name="Sara S")
        version = make_guide_version()
        db.session.commit()
        built = {prefix: build(prefix, size, version.id, user) for prefix, size in SIZES.items()}
        db.session.commit()
        return built


@pytest.mark.parametrize("page", ["organisations", "contacts", "sent"])
def test_a_mailing_page_runs_as_many_statements_for_3_as_for_30(
    app, client, mailings, count_statements, page
):
    login(client, "sara@example.se")
    found = {}
    for prefix in SIZES:
        path = f"/utskick/{mailings[prefix][page]}"
        assert client.get(path).status_code == 200  # warm: the session's user, the catalog
        with count_statements() as counter:
            response = client.get(path)
        assert response.status_code == 200
        found[prefix] = counter.count
    text = response.get_data(as_text=True)
    assert "Beta" in text
    print(f"{page}: {found} statements for {SIZES} recipients")
    assert found["Alfa"] == found["Beta"], found
    assert found["Beta"] <= LIMIT, found


def test_the_mailing_list_runs_as_many_statements_for_3_mailings_as_for_6(
    app, client, mailings, count_statements
):
    login(client, "sara@example.se")
    with count_statements() as counter:
        assert client.get("/utskick").status_code == 200
    six = counter.count
    with app.app_context():
        db.session.execute(db.text("DELETE FROM mailings WHERE id > 3"))
        db.session.commit()
    with count_statements() as counter:
        assert client.get("/utskick").status_code == 200
    assert counter.count == six <= LIMIT
