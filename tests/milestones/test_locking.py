"""Two people editing the same policy milestone: the edit form carries the version it was
made from, the second save gets a friendly conflict message (not an error page) with what is
saved now, and saving again from that form goes through. The version column itself (the
mapper's version check) refuses an update from a stale copy, and the migration gives existing
rows version 1."""

from __future__ import annotations

import re
from datetime import date

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text, update
from sqlalchemy.orm.exc import StaleDataError

from app import create_app
from app.audit.models import AuditEvent
from app.common.exceptions import EditConflict
from app.extensions import db
from app.milestones.models import PolicyMilestone
from app.milestones.services import MilestoneValues, create_milestone, update_milestone

from ..conftest import TEST_DATABASE_URL, database_config, login

CONFLICT = "Någon annan har sparat ändringar medan du redigerade"


def version_in(page: str) -> str:
    """The version the form carries (its hidden field)."""
    found = re.search(r'<input[^>]*name="version"[^>]*>', page)
    assert found is not None, "the form carries no version"
    return re.search(r'value="([^"]*)"', found.group(0)).group(1)


@pytest.fixture
def milestone_id(app):
    with app.app_context():
        made = create_milestone(
            values=MilestoneValues(date(2026, 1, 1), "Återvandringsbidraget höjs"), by=None
        )
        db.session.commit()
        return made.id


def client_for(app, email):
    client = app.test_client()
    assert login(client, email).status_code == 302
    return client


def test_the_edit_form_round_trips_the_version(app, users, milestone_id):
    client = client_for(app, users["coordinator"])
    path = f"/policyhandelser/{milestone_id}"
    assert version_in(client.get(path).text) == "1"
    fields = {"happens_on": "2026-01-02", "title": "Bidraget höjs", "note": "", "version": "1"}
    assert client.post(path, data=fields).status_code == 302
    with app.app_context():
        assert db.session.get(PolicyMilestone, milestone_id).version == 2
    assert version_in(client.get(path).text) == "2"
    # Saving without a change keeps the version (nothing happened).
    assert client.post(path, data={**fields, "version": "2"}).status_code == 302
    with app.app_context():
        assert db.session.get(PolicyMilestone, milestone_id).version == 2


def test_the_second_of_two_editors_gets_the_conflict_message(app, users, milestone_id):
    first = client_for(app, users["coordinator"])
    second = client_for(app, users["admin"])
    path = f"/policyhandelser/{milestone_id}"
    first_version = version_in(first.get(path).text)
    second_version = version_in(second.get(path).text)
    assert first_version == second_version == "1"

    saved = first.post(
        path,
        data={"happens_on": "2026-01-01", "title": "Bidraget höjs 1 januari", "version": "1"},
    )
    assert saved.status_code == 302
    stale = second.post(
        path,
        data={"happens_on": "2026-02-01", "title": "Bidraget höjs i februari", "version": "1"},
    )
    assert stale.status_code == 409
    assert CONFLICT in stale.text and "Jämför och spara igen" in stale.text
    assert "Ändra policyhändelsen" in stale.text  # the form again, not an error page
    assert 'value="Bidraget höjs i februari"' in stale.text  # what the second person typed
    notice = stale.text.split(CONFLICT)[1].split("</table>")[0]
    rows = re.findall(
        r"<tr><th scope=\"row\">([^<]*)</th><td>([^<]*)</td><td>([^<]*)</td></tr>", notice
    )
    assert rows == [  # the field, what is saved now, what the second person proposed
        ("Datum", "2026-01-01", "2026-02-01"),
        ("Rubrik", "Bidraget höjs 1 januari", "Bidraget höjs i februari"),
    ]
    assert version_in(stale.text) == "2"
    with app.app_context():
        kept = db.session.get(PolicyMilestone, milestone_id)
        assert (kept.title, kept.happens_on, kept.version) == (
            "Bidraget höjs 1 januari",
            date(2026, 1, 1),
            2,
        )

    # Having seen the other's change, the second person saves on purpose.
    again = second.post(
        path,
        data={
            "happens_on": "2026-02-01",
            "title": "Bidraget höjs i februari",
            "version": version_in(stale.text),
        },
    )
    assert again.status_code == 302
    with app.app_context():
        kept = db.session.get(PolicyMilestone, milestone_id)
        assert (kept.title, kept.version) == ("Bidraget höjs i februari", 3)
        updates = db.session.scalars(
            select(AuditEvent).where(
                AuditEvent.entity_type == "policy_milestones", AuditEvent.action == "update"
            )
        ).all()
        assert len(updates) == 2  # the refused save left no trace


def test_a_form_without_a_version_overwrites_nothing(app, users, milestone_id):
    client = client_for(app, users["coordinator"])
    path = f"/policyhandelser/{milestone_id}"
    response = client.post(path, data={"happens_on": "2026-03-01", "title": "Utan version"})
    assert response.status_code == 409 and CONFLICT in response.text
    with app.app_context():
        assert db.session.get(PolicyMilestone, milestone_id).title == "Återvandringsbidraget höjs"


def test_the_service_checks_the_version(ctx, milestone_id):
    milestone = db.session.get(PolicyMilestone, milestone_id)
    values = MilestoneValues(date(2026, 1, 1), "Ny rubrik")
    with pytest.raises(EditConflict) as raised:
        update_milestone(milestone, values=values, expected_version=7, by=None)
    assert raised.value.current is milestone
    assert milestone.title == "Återvandringsbidraget höjs"


def test_the_row_version_refuses_a_stale_copy(ctx, milestone_id):
    """Someone saves between reading the row and writing it: the UPDATE names the version
    read, finds no row, and SQLAlchemy refuses (app/errors.py shows the 409 page)."""
    milestone = db.session.get(PolicyMilestone, milestone_id)
    db.session.execute(
        update(PolicyMilestone.__table__)
        .where(PolicyMilestone.__table__.c.id == milestone_id)
        .values(version=2)
    )
    with pytest.raises(StaleDataError):
        update_milestone(
            milestone,
            values=MilestoneValues(date(2026, 1, 1), "Ny rubrik"),
            expected_version=1,
            by=None,
        )
    db.session.rollback()


@pytest.mark.skipif(bool(TEST_DATABASE_URL), reason="the SQLite file is enough here")
def test_the_migration_gives_existing_milestones_version_1(tmp_path):
    app = create_app({"SECRET_KEY": "x", **database_config(tmp_path, None, name="m.db")})
    with app.app_context():
        upgrade(revision="d4f2b7e9a1c6")
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO policy_milestones (happens_on, title, note, created_at,"
                    " updated_at) VALUES (:day, 'Bidraget höjs', '', :moment, :moment)"
                ),
                {"day": "2026-01-01", "moment": "2026-01-01 00:00:00"},
            )
        upgrade(revision="e5a3c8d1f2b7")
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT version FROM policy_milestones")).all() == [(1,)]
        downgrade(revision="d4f2b7e9a1c6")
        with db.engine.connect() as connection:
            columns = connection.execute(text("PRAGMA table_info(policy_milestones)")).all()
            assert "version" not in {column[1] for column in columns}
        db.engine.dispose()
